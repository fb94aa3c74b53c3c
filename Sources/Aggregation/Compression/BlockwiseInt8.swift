/// Blockwise absmax int8 quantisation of a delta, about 3.9× smaller than Float32.
///
/// Each block of ``blockSize`` elements gets one scale `s = absmax/127` and every element
/// becomes `round(x / s)`, so each decoded element is within `s/2` of the original. Small
/// blocks keep one large coordinate from flattening the rest of the vector to zero; wrap the
/// codec in ``ErrorFeedback`` so that what rounding loses is sent in later rounds.
///
/// ```swift
/// let codec = try BlockwiseInt8()
/// let payload = try codec.encode(delta)   // payload.byteCount ≈ delta.count · 1.016
/// let restored = try codec.decode(payload)
/// ```
public struct BlockwiseInt8: DeltaCodec, Sendable, Hashable {
    /// The block size used when none is given: 256 elements per Float32 scale (1.6% overhead).
    public static let defaultBlockSize = 256

    /// Elements per block (and per scale).
    public let blockSize: Int

    /// Creates a codec with `blockSize` elements per scale.
    /// - Throws: ``CompressionError/invalidBlockSize(_:)`` when `blockSize < 1`.
    public init(blockSize: Int = BlockwiseInt8.defaultBlockSize) throws(CompressionError) {
        guard blockSize >= 1 else { throw .invalidBlockSize(blockSize) }
        self.blockSize = blockSize
    }

    /// Quantises `delta` block by block.
    /// - Throws: ``CompressionError/nonFinite(index:)`` for NaN or ±inf anywhere in `delta`.
    public func encode(_ delta: [Float]) throws(CompressionError) -> QuantisedDelta {
        let count = delta.count
        let blocks = QuantisedDelta.blockCount(count: count, blockSize: blockSize)
        var values = [Int8](repeating: 0, count: count)
        var scales = [Float](repeating: 0, count: blocks)
        let nonFinite: Int? = delta.withUnsafeBufferPointer { input in
            if let bad = VectorKernels.firstNonFinite(input) { return bad }
            values.withUnsafeMutableBufferPointer { out in
                scales.withUnsafeMutableBufferPointer { scaleOut in
                    encodeBlocks(input, values: out, scales: scaleOut)
                }
            }
            return nil
        }
        if let nonFinite { throw .nonFinite(index: nonFinite) }
        return QuantisedDelta(unchecked: count, blockSize: blockSize, values: values, scales: scales)
    }

    /// The hot loop: absmax, scale and rounding for every block. Input is known finite.
    private func encodeBlocks(
        _ input: UnsafeBufferPointer<Float>,
        values: UnsafeMutableBufferPointer<Int8>,
        scales: UnsafeMutableBufferPointer<Float>
    ) {
        for block in 0..<scales.count {
            let start = block * blockSize
            let end = min(input.count, start + blockSize)
            let slice = UnsafeBufferPointer(rebasing: input[start..<end])
            let absMax = VectorKernels.absMax(slice)
            let scale = absMax / 127
            // A block of zeros, or one so tiny that absmax/127 underflows, is sent as zeros.
            guard scale > 0 else { continue }
            scales[block] = scale
            for j in start..<end {
                // Division (not multiplication by 1/scale) keeps subnormal scales finite.
                let q = (input[j] / scale).rounded(.toNearestOrEven)
                values[j] = Int8(min(127, max(-127, q)))
            }
        }
    }

    /// Expands `encoded` to Float32. Any ``QuantisedDelta`` decodes; its block size is its own.
    public func decode(_ encoded: QuantisedDelta) -> [Float] {
        var output = [Float](repeating: 0, count: encoded.count)
        output.withUnsafeMutableBufferPointer { out in
            encoded.values.withUnsafeBufferPointer { values in
                encoded.scales.withUnsafeBufferPointer { scales in
                    let size = encoded.blockSize
                    for block in 0..<scales.count {
                        let scale = scales[block]
                        let start = block * size
                        let end = min(values.count, start + size)
                        for j in start..<end { out[j] = Float(values[j]) * scale }
                    }
                }
            }
        }
        return output
    }
}
