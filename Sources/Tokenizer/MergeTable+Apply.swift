extension MergeTable {
    /// Pieces longer than this use the heap; shorter ones a linear scan, which is faster there.
    static let heapThreshold = 48

    /// Merges `symbols` in place the way `tokenizers`' `Word::merge_all` does: repeatedly the
    /// adjacent pair with the lowest rank, the leftmost one among equal ranks, until no
    /// adjacent pair has a merge.
    func applyMerges(to symbols: inout [Int32]) {
        if symbols.count < 2 { return }
        if symbols.count <= Self.heapThreshold {
            applyMergesByScan(to: &symbols)
        } else {
            applyMergesByHeap(to: &symbols)
        }
    }

    /// O(n²) in the piece length but without allocation beyond one rank array: the common case.
    func applyMergesByScan(to symbols: inout [Int32]) {
        let noMerge = Int32.max
        var ranks = [Int32](repeating: noMerge, count: symbols.count - 1)
        var results = [Int32](repeating: 0, count: symbols.count - 1)
        for k in 0..<(symbols.count - 1) {
            if let merge = lookup(symbols[k], symbols[k + 1]) {
                ranks[k] = merge.rank
                results[k] = merge.result
            }
        }
        while true {
            var best = noMerge
            var at = -1
            for k in 0..<ranks.count where ranks[k] < best {
                best = ranks[k]
                at = k
            }
            if at < 0 { return }
            symbols[at] = results[at]
            symbols.remove(at: at + 1)
            ranks.remove(at: at)
            results.remove(at: at)
            if at > 0 {
                let merge = lookup(symbols[at - 1], symbols[at])
                ranks[at - 1] = merge?.rank ?? noMerge
                results[at - 1] = merge?.result ?? 0
            }
            if at < ranks.count {
                let merge = lookup(symbols[at], symbols[at + 1])
                ranks[at] = merge?.rank ?? noMerge
                results[at] = merge?.result ?? 0
            }
        }
    }

    /// O(n log n): a min-heap of candidate merges keyed by (rank, position) over a linked list
    /// of symbols; entries made stale by an earlier merge are skipped when popped.
    func applyMergesByHeap(to symbols: inout [Int32]) {
        let n = symbols.count
        var next = Array(1...n)          // n means "none"
        var previous = Array(-1..<(n - 1))
        var alive = [Bool](repeating: true, count: n)
        var heap = CandidateHeap()
        for k in 0..<(n - 1) {
            if let merge = lookup(symbols[k], symbols[k + 1]) {
                heap.push(.init(rank: merge.rank, position: Int32(k)))
            }
        }
        while let candidate = heap.pop() {
            let at = Int(candidate.position)
            guard alive[at] else { continue }
            let right = next[at]
            guard right < n, let merge = lookup(symbols[at], symbols[right]), merge.rank == candidate.rank else {
                continue
            }
            symbols[at] = merge.result
            alive[right] = false
            next[at] = next[right]
            if next[at] < n { previous[next[at]] = at }
            if previous[at] >= 0, let left = lookup(symbols[previous[at]], symbols[at]) {
                heap.push(.init(rank: left.rank, position: Int32(previous[at])))
            }
            if next[at] < n, let following = lookup(symbols[at], symbols[next[at]]) {
                heap.push(.init(rank: following.rank, position: Int32(at)))
            }
        }
        var merged: [Int32] = []
        merged.reserveCapacity(n)
        var k = 0
        while k < n {
            merged.append(symbols[k])
            k = next[k]
        }
        symbols = merged
    }
}

/// A merge candidate: lowest rank first, then leftmost position.
private struct MergeCandidate: HeapOrdered {
    var rank: Int32
    var position: Int32

    @inline(__always)
    func precedes(_ other: MergeCandidate) -> Bool {
        rank != other.rank ? rank < other.rank : position < other.position
    }
}

private typealias CandidateHeap = BinaryHeap<MergeCandidate>
