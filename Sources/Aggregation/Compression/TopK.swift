/// Top-k sparsification: keep the ⌈fraction·count⌉ elements of largest magnitude, drop the rest.
///
/// Selection is exact and deterministic: a two-pass radix select on the magnitudes' bit
/// patterns finds the k-th largest magnitude in O(count) with no data-dependent worst case,
/// and ties at the threshold go to the lower indices. Wrap it in ``ErrorFeedback``: without the
/// residual, the small coordinates it drops would never reach the model.
public struct TopK: DeltaCodec, Sendable, Hashable {
    /// The share of elements kept, in (0, 1].
    public let fraction: Double

    /// Creates a sparsifier keeping `fraction` of the elements.
    /// - Throws: ``CompressionError/invalidFraction(_:)`` unless 0 < fraction ≤ 1.
    public init(fraction: Double) throws(CompressionError) {
        guard fraction > 0, fraction <= 1 else { throw .invalidFraction(fraction) }
        self.fraction = fraction
    }

    /// Elements kept from a delta of `count` elements: ⌈fraction·count⌉, at least one.
    public func keptCount(for count: Int) -> Int {
        guard count > 0 else { return 0 }
        return min(count, max(1, Int((fraction * Double(count)).rounded(.up))))
    }

    /// Keeps the largest-magnitude elements of `delta`.
    /// - Throws: ``CompressionError/nonFinite(index:)`` for NaN or ±inf in `delta`, and
    ///   ``CompressionError/wrongLength(expected:got:)`` beyond 2³²−1 elements.
    public func encode(_ delta: [Float]) throws(CompressionError) -> SparseDelta {
        guard delta.count <= Int(UInt32.max) else { throw .wrongLength(expected: Int(UInt32.max), got: delta.count) }
        let k = keptCount(for: delta.count)
        var indices: [UInt32] = []
        var values: [Float] = []
        indices.reserveCapacity(k)
        values.reserveCapacity(k)
        let nonFinite: Int? = delta.withUnsafeBufferPointer { input in
            if let bad = VectorKernels.firstNonFinite(input) { return bad }
            guard k > 0 else { return nil }
            var (threshold, tiesToTake) = Self.selectThreshold(input, k: k)
            for j in 0..<input.count {
                let key = Self.magnitudeKey(input[j])
                if key > threshold || (key == threshold && tiesToTake > 0) {
                    if key == threshold { tiesToTake -= 1 }
                    indices.append(UInt32(truncatingIfNeeded: j))
                    values.append(input[j])
                }
            }
            return nil
        }
        if let nonFinite { throw .nonFinite(index: nonFinite) }
        return SparseDelta(unchecked: delta.count, indices: indices, values: values)
    }

    /// Expands `encoded` to a dense delta with zeros where nothing was kept.
    public func decode(_ encoded: SparseDelta) -> [Float] {
        var output = [Float](repeating: 0, count: encoded.count)
        output.withUnsafeMutableBufferPointer { out in
            for (index, value) in zip(encoded.indices, encoded.values) { out[Int(index)] = value }
        }
        return output
    }

    /// The magnitude's bit pattern; for finite floats it orders exactly as |x| does.
    @inline(__always)
    static func magnitudeKey(_ x: Float) -> UInt32 { x.bitPattern & 0x7FFF_FFFF }

    /// The k-th largest magnitude key, and how many elements with exactly that key to keep.
    /// Pass one histograms the top 16 bits, pass two the low 16 bits inside the chosen bin.
    static func selectThreshold(_ input: UnsafeBufferPointer<Float>, k: Int) -> (key: UInt32, ties: Int) {
        var histogram = [Int](repeating: 0, count: 1 << 16)
        histogram.withUnsafeMutableBufferPointer { bins in
            for x in input { bins[Int(magnitudeKey(x) >> 16)] += 1 }
        }
        var (high, needed) = locate(in: histogram, needed: k)
        histogram.withUnsafeMutableBufferPointer { bins in
            for j in bins.indices { bins[j] = 0 }
            for x in input {
                let key = magnitudeKey(x)
                if Int(key >> 16) == high { bins[Int(key & 0xFFFF)] += 1 }
            }
        }
        let low: Int
        (low, needed) = locate(in: histogram, needed: needed)
        return (UInt32(high << 16 | low), needed)
    }

    /// Walks bins from the largest down to the bin that holds the `needed`-th element;
    /// returns it and how many elements of that bin are still needed.
    private static func locate(in histogram: [Int], needed: Int) -> (bin: Int, remaining: Int) {
        var above = 0
        for bin in stride(from: histogram.count - 1, through: 0, by: -1) {
            if above + histogram[bin] >= needed { return (bin, needed - above) }
            above += histogram[bin]
        }
        return (0, needed - above)
    }
}
