/// A runner's residual buffer that keeps compression error from accumulating across rounds.
///
/// Each round the runner compresses `delta + residual` and keeps as the new residual what the
/// compression lost, `(delta + residual) − decode(encoded)`. The sum of everything decoded
/// over R rounds then equals the sum of the true deltas minus the current residual, which
/// stays bounded (for int8, by half a block scale per element), instead of drifting by R
/// rounding errors.
///
/// ```swift
/// var feedback = try ErrorFeedback(codec: BlockwiseInt8(), count: delta.count)
/// let payload = try feedback.compress(delta)   // upload payload
/// ```
public struct ErrorFeedback<Codec: DeltaCodec>: Sendable {
    /// The codec whose loss is fed back.
    public let codec: Codec
    /// What has been computed but not yet sent, element by element.
    public private(set) var residual: [Float]

    /// Creates an empty residual for deltas of `count` elements.
    public init(codec: Codec, count: Int) {
        self.codec = codec
        self.residual = [Float](repeating: 0, count: max(0, count))
    }

    /// Compresses `delta` plus the carried residual and keeps the new residual.
    /// The residual is unchanged when this throws.
    /// - Throws: ``CompressionError/wrongLength(expected:got:)`` when `delta` does not match
    ///   the residual; ``CompressionError/nonFinite(index:)`` when `delta` (or its sum with the
    ///   residual) is not finite.
    public mutating func compress(_ delta: [Float]) throws(CompressionError) -> Codec.Encoded {
        guard delta.count == residual.count else {
            throw .wrongLength(expected: residual.count, got: delta.count)
        }
        var input = delta
        input.withUnsafeMutableBufferPointer { sum in
            residual.withUnsafeBufferPointer { carried in VectorKernels.addScaled(1, carried, into: sum) }
        }
        let encoded = try codec.encode(input)
        let decoded = try codec.decode(encoded)
        guard decoded.count == input.count else {
            throw .wrongLength(expected: input.count, got: decoded.count)
        }
        input.withUnsafeMutableBufferPointer { remainder in
            decoded.withUnsafeBufferPointer { sent in VectorKernels.addScaled(-1, sent, into: remainder) }
        }
        residual = input
        return encoded
    }

    /// ‖residual‖₂: how much computed progress is still waiting to be sent.
    /// Restores a checkpointed residual (a coordinator resuming after a restart); returns false
    /// and changes nothing when its length is not this buffer's.
    @discardableResult
    public mutating func load(residual saved: [Float]) -> Bool {
        guard saved.count == residual.count else { return false }
        residual = saved
        return true
    }

    public var residualNorm: Double {
        residual.withUnsafeBufferPointer { VectorKernels.sumOfSquares($0).squareRoot() }
    }

    /// Drops the residual, e.g. when the runner joins a new run and old progress is void.
    public mutating func reset() {
        residual = [Float](repeating: 0, count: residual.count)
    }
}
