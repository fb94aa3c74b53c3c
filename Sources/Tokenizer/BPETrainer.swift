/// Learns the merges of a byte-level BPE tokenizer from a corpus.
///
/// The corpus is cut the way encoding cuts it (special tokens out, then
/// ``ByteLevelPreTokenizer``), and identical pieces are counted once with their frequency, so
/// the work depends on the number of distinct words rather than the size of the text. Pair
/// counts are kept up to date incrementally: a merge only revisits the words that contain
/// its pair, and a max-heap with lazy deletion picks the next pair.
///
/// **Which pair is merged next:** the one occurring most often, weighted by word frequency.
/// Among pairs with the same count, the one whose left token has the smaller id wins, then
/// the one whose right token has the smaller id. Ids follow a fixed order (bytes, then
/// specials, then merges as learnt), so the same texts, settings and order of texts always
/// give the same tokenizer, on any machine.
///
/// ```swift
/// let tokenizer = try BPETrainer(vocabSize: 2048).train(texts: samples)
/// ```
public struct BPETrainer: Sendable {
    /// The vocabulary to reach: 256 byte tokens + special tokens + merges.
    public var vocabSize: Int
    /// Special tokens, given ids 256, 257, … in this order.
    public var specialTokens: [String]
    /// Training stops early, with a smaller vocabulary, when no pair occurs this often:
    /// a merge seen once only memorises the corpus.
    public var minPairFrequency: Int

    public init(vocabSize: Int = 2048, specialTokens: [String] = BPETokenizer.defaultSpecialTokens, minPairFrequency: Int = 2) {
        self.vocabSize = vocabSize
        self.specialTokens = specialTokens
        self.minPairFrequency = minPairFrequency
    }

    /// Trains on `texts`; each text is cut separately, so no piece spans two texts.
    ///
    /// - Throws: ``TokenizerError/vocabSizeTooSmall(requested:minimum:)`` or
    ///   ``TokenizerError/invalidSpecialToken(_:reason:)``.
    public func train(texts: [String]) throws(TokenizerError) -> BPETokenizer {
        try validateSpecialTokens()
        let minimum = 256 + specialTokens.count
        guard vocabSize >= minimum else { throw .vocabSizeTooSmall(requested: vocabSize, minimum: minimum) }

        var tokenBytes: [[UInt8]] = (0..<256).map { [UInt8($0)] }
        var addedTokens: [BPETokenizer.AddedToken] = []
        for content in specialTokens {
            addedTokens.append(.init(content: content, id: Int32(tokenBytes.count), isSpecial: true))
            tokenBytes.append(Array(content.utf8))
        }
        let matcher = AddedTokenMatcher(tokens: addedTokens.map { ($0.content, $0.id) })
        var state = MergeState(pieceCounts: countPieces(texts, matcher: matcher))
        // A merged token spelled like a special token would give tokenizer.json two equal keys.
        let reserved = Set(specialTokens)
        var merges: [(left: Int32, right: Int32)] = []

        while tokenBytes.count < vocabSize, let best = state.popBestPair(minimumCount: minPairFrequency) {
            let joined = tokenBytes[Int(best.left)] + tokenBytes[Int(best.right)]
            if reserved.contains(ByteLevelAlphabet.string(for: joined)) {
                state.forget(best)
                continue
            }
            state.merge(best, into: Int32(tokenBytes.count))
            tokenBytes.append(joined)
            merges.append(best)
        }
        return try BPETokenizer(tokenBytes: tokenBytes, addedTokens: addedTokens, merges: merges)
    }

    private func validateSpecialTokens() throws(TokenizerError) {
        var seen: Set<String> = []
        for token in specialTokens {
            guard !token.isEmpty else { throw .invalidSpecialToken(token, reason: "it is empty") }
            guard seen.insert(token).inserted else { throw .invalidSpecialToken(token, reason: "it is listed twice") }
            if token.unicodeScalars.count == 1, let scalar = token.unicodeScalars.first, ByteLevelAlphabet.byte(for: scalar) != nil {
                throw .invalidSpecialToken(token, reason: "it is spelled like the byte token for \(ByteLevelAlphabet.byte(for: scalar) ?? 0); use a longer marker such as <|name|>")
            }
        }
    }

    /// How often each distinct piece occurs in `texts`.
    private func countPieces(_ texts: [String], matcher: AddedTokenMatcher) -> [ArraySlice<UInt8>: Int] {
        var counts: [ArraySlice<UInt8>: Int] = [:]
        var ends: [Int] = []
        for text in texts {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                var start = 0
                func countStretch(to end: Int) {
                    guard start < end else { return }
                    ends.removeAll(keepingCapacity: true)
                    ByteLevelPreTokenizer.pieceEnds(in: buffer, from: start, to: end, into: &ends)
                    var pieceStart = start
                    for pieceEnd in ends {
                        counts[bytes[pieceStart..<pieceEnd], default: 0] += 1
                        pieceStart = pieceEnd
                    }
                }
                for match in matcher.matches(in: buffer, from: 0, to: buffer.count) {
                    countStretch(to: match.range.lowerBound)
                    start = match.range.upperBound
                }
                countStretch(to: buffer.count)
            }
        }
        return counts
    }
}

extension BPETokenizer {
    /// Trains a tokenizer; see ``BPETrainer`` for the rule that makes it deterministic.
    ///
    /// - Parameters:
    ///   - texts: the corpus, e.g. one sample per element.
    ///   - vocabSize: 256 byte tokens + special tokens + merges.
    ///   - specialTokens: given ids 256, 257, … in this order.
    public static func train(
        texts: [String], vocabSize: Int = 2048, specialTokens: [String] = defaultSpecialTokens
    ) throws(TokenizerError) -> BPETokenizer {
        try BPETrainer(vocabSize: vocabSize, specialTokens: specialTokens).train(texts: texts)
    }
}

/// The words of the corpus as symbol sequences, with incrementally maintained pair counts.
private struct MergeState {
    /// Each distinct piece as its current symbols.
    var words: [[Int32]] = []
    var frequencies: [Int] = []
    /// Weighted occurrences of each adjacent pair; pairs that no longer occur are absent.
    var pairCounts: [UInt64: Int] = [:]
    /// The words a pair occurs in; may list a word twice, or one that lost the pair since.
    var pairWords: [UInt64: [Int32]] = [:]
    var heap = PairHeap()
    /// The merge step that last visited each word, so a word listed twice is merged once.
    var visited: [Int] = []
    var step = 0

    init(pieceCounts: [ArraySlice<UInt8>: Int]) {
        words.reserveCapacity(pieceCounts.count)
        for (piece, count) in pieceCounts where piece.count > 1 {
            words.append(piece.map { Int32($0) })
            frequencies.append(count)
        }
        visited = [Int](repeating: -1, count: words.count)
        for (index, word) in words.enumerated() {
            for k in 0..<(word.count - 1) {
                let key = MergeTable.key(word[k], word[k + 1])
                pairCounts[key, default: 0] += frequencies[index]
                pairWords[key, default: []].append(Int32(index))
            }
        }
        for (key, count) in pairCounts { heap.push(.init(count: count, key: key)) }
    }

    /// The most frequent pair (ties: smaller left id, then smaller right id), or nil when none
    /// reaches `minimumCount`.
    mutating func popBestPair(minimumCount: Int) -> (left: Int32, right: Int32)? {
        while let top = heap.pop() {
            // Every change of a count pushes a fresh entry, so one whose count is not the
            // current count is stale.
            guard pairCounts[top.key] == top.count else { continue }
            guard top.count >= minimumCount else { return nil }
            return (Int32(truncatingIfNeeded: top.key >> 32), Int32(truncatingIfNeeded: top.key & 0xFFFF_FFFF))
        }
        return nil
    }

    /// Drops a pair that must never be merged.
    mutating func forget(_ pair: (left: Int32, right: Int32)) {
        pairCounts[MergeTable.key(pair.left, pair.right)] = nil
    }

    /// Replaces every occurrence of `pair` by `newID` and updates the counts of the pairs around it.
    mutating func merge(_ pair: (left: Int32, right: Int32), into newID: Int32) {
        step += 1
        let mergedKey = MergeTable.key(pair.left, pair.right)
        var deltas: [UInt64: Int] = [:]
        for wordIndex in pairWords[mergedKey] ?? [] where visited[Int(wordIndex)] != step {
            visited[Int(wordIndex)] = step
            let frequency = frequencies[Int(wordIndex)]
            var symbols = words[Int(wordIndex)]
            var i = 0
            // Left to right, as encoding merges; a symbol before an occurrence may already be
            // `newID` from the previous occurrence, which is what makes "a b a b" count right.
            while i < symbols.count - 1 {
                if symbols[i] == pair.left, symbols[i + 1] == pair.right {
                    if i > 0 {
                        deltas[MergeTable.key(symbols[i - 1], pair.left), default: 0] -= frequency
                        let newKey = MergeTable.key(symbols[i - 1], newID)
                        deltas[newKey, default: 0] += frequency
                        pairWords[newKey, default: []].append(wordIndex)
                    }
                    if i + 2 < symbols.count {
                        deltas[MergeTable.key(pair.right, symbols[i + 2]), default: 0] -= frequency
                        let newKey = MergeTable.key(newID, symbols[i + 2])
                        deltas[newKey, default: 0] += frequency
                        pairWords[newKey, default: []].append(wordIndex)
                    }
                    symbols[i] = newID
                    symbols.remove(at: i + 1)
                }
                i += 1
            }
            words[Int(wordIndex)] = symbols
        }
        // No occurrence of the pair survives a left-to-right pass.
        pairCounts[mergedKey] = nil
        pairWords[mergedKey] = nil
        for (key, delta) in deltas where delta != 0 && key != mergedKey {
            let count = (pairCounts[key] ?? 0) + delta
            if count > 0 {
                pairCounts[key] = count
                heap.push(.init(count: count, key: key))
            } else {
                pairCounts[key] = nil
            }
        }
    }
}

/// A pair count in the trainer's heap: higher counts first, equal counts by the packed key, smaller first.
private struct PairEntry: HeapOrdered {
    var count: Int
    var key: UInt64

    @inline(__always)
    func precedes(_ other: PairEntry) -> Bool {
        count != other.count ? count > other.count : key < other.key
    }
}

private typealias PairHeap = BinaryHeap<PairEntry>
