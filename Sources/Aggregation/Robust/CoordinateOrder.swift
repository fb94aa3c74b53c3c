/// Coordinate-wise order statistics shared by the trimmed mean, the median and CenteredClip's
/// starting point.
///
/// Eight coordinates are processed at once: lane k of vector i holds update i's value at
/// coordinate j + k, so one unaligned load fetches it and a branch-free sorting network of
/// lane-wise min/max sorts all eight coordinates together. Per-coordinate insertion sort was
/// 10–20× slower: on real-valued data its branches mispredict about every other comparison.
enum CoordinateOrder {
    /// Lanes per vector: eight coordinates per pass.
    typealias Lanes = SIMD8<Float>

    /// Batcher's odd–even merge sort network for `count` elements, as (low, high) index pairs
    /// applied in order.
    ///
    /// The network for the next power of two is generated and every comparator that touches
    /// an index ≥ count is dropped: padding those positions with +inf would make such
    /// comparators no-ops, so the pruned network still sorts `count` elements.
    static func sortingNetwork(count: Int) -> [(Int, Int)] {
        var size = 1
        while size < count { size *= 2 }
        var comparators: [(Int, Int)] = []
        var p = 1
        while p < size {
            var k = p
            while k >= 1 {
                var j = k % p
                while j + k < size {
                    for i in 0..<min(k, size - j - k) where (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        let low = i + j, high = i + j + k
                        if high < count { comparators.append((low, high)) }
                    }
                    j += 2 * k
                }
                k /= 2
            }
            p *= 2
        }
        return comparators
    }

    /// out[j] = mean of the values ranked trim..<(n − trim) at coordinate j; kept[i] counts the
    /// coordinates at which update i lies within [value ranked trim, value ranked n − 1 − trim].
    ///
    /// trim = 0 is the mean, trim = ⌊(n − 1)/2⌋ the median (the mean of the two middle values
    /// for even n). Values tied with a boundary all count as kept, so with ties kept may add up
    /// to more than (n − 2·trim) per coordinate; the aggregate itself is exact.
    static func trimmedMean(
        of buffers: [UnsafeBufferPointer<Float>], trim: Int,
        into out: UnsafeMutableBufferPointer<Float>, kept: UnsafeMutableBufferPointer<Int>
    ) {
        let n = buffers.count
        let length = out.count
        guard n > 0, length > 0 else { return }
        let lowRank = trim, highRank = n - 1 - trim
        let keptCount = Lanes(repeating: Float(highRank - lowRank + 1))
        let network = sortingNetwork(count: n)
        let sorted = UnsafeMutableBufferPointer<Lanes>.allocate(capacity: n)
        defer { sorted.deallocate() }
        let keptLanes = UnsafeMutableBufferPointer<SIMD8<Int32>>.allocate(capacity: n)
        defer { keptLanes.deallocate() }
        keptLanes.initialize(repeating: SIMD8<Int32>())
        let raws = buffers.map { UnsafeRawBufferPointer($0) }
        let one = SIMD8<Int32>(repeating: 1)

        var j = 0
        while j < length {
            let lanes = min(8, length - j)
            // Load: a full vector where eight coordinates remain, lane by lane at the tail
            // (unused lanes hold zeros and are never stored or counted).
            for i in 0..<n {
                if lanes == 8 {
                    sorted[i] = raws[i].loadUnaligned(fromByteOffset: j &* 4, as: Lanes.self)
                } else {
                    var partial = Lanes()
                    for k in 0..<lanes { partial[k] = buffers[i][j + k] }
                    sorted[i] = partial
                }
            }
            // The hot loop: the sorting network, branch-free, eight coordinates at once.
            for (low, high) in network {
                let a = sorted[low], b = sorted[high]
                let swap = b .< a
                sorted[low] = a.replacing(with: b, where: swap)
                sorted[high] = b.replacing(with: a, where: swap)
            }
            var sum = Lanes()
            for rank in lowRank...highRank { sum += sorted[rank] }
            let result = sum / keptCount
            let lowest = sorted[lowRank], highest = sorted[highRank]
            for i in 0..<n {
                let value: Lanes
                if lanes == 8 {
                    value = raws[i].loadUnaligned(fromByteOffset: j &* 4, as: Lanes.self)
                } else {
                    var partial = Lanes()
                    for k in 0..<lanes { partial[k] = buffers[i][j + k] }
                    value = partial
                }
                var inside = (value .>= lowest) .& (value .<= highest)
                if lanes < 8 { for k in lanes..<8 { inside[k] = false } }
                keptLanes[i] &+= SIMD8<Int32>().replacing(with: one, where: inside)
            }
            for k in 0..<lanes { out[j + k] = result[k] }
            j += lanes
        }
        for i in 0..<n { kept[i] += Int(keptLanes[i].wrappedSum()) }
    }
}
