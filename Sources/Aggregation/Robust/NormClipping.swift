/// Scales each update down to an L2 norm of at most τ_clip, leaving smaller ones untouched.
///
/// It bounds how far any single runner can pull the model in one round (model-replacement
/// backdoors scale their update up; Sun et al. 2019 clip against them) and, applied before
/// CenteredClip, keeps the median-distance radius meaningful.
///
/// ```swift
/// let clipping = try NormClipping(maxNorm: 5)
/// let (clipped, factors) = try clipping.clip(deltas)
/// ```
public struct NormClipping: Sendable, Hashable {
    /// τ_clip, the largest norm an update keeps.
    public let maxNorm: Float

    /// Creates the clipping rule.
    /// - Throws: ``AggregationError/invalidParameter(name:detail:)`` unless τ_clip is finite and
    ///   positive.
    public init(maxNorm: Float) throws(AggregationError) {
        guard maxNorm > 0, maxNorm.isFinite else {
            throw .invalidParameter(name: "maxNorm", detail: "\(maxNorm) is not a finite, positive number")
        }
        self.maxNorm = maxNorm
    }

    /// Scales `update` in place to norm ≤ τ_clip (up to Float rounding) and returns the factor
    /// applied, 1 when it was already inside.
    /// - Throws: ``UpdateValidationError/nonFinite(index:)``; the update is then unchanged.
    @discardableResult
    public func clip(_ update: inout [Float]) throws(UpdateValidationError) -> Float {
        let norm = try update.withUnsafeBufferPointer { buffer throws(UpdateValidationError) in
            try UpdateValidation.finiteNorm(buffer)
        }
        guard norm > Double(maxNorm) else { return 1 }
        let factor = Float(Double(maxNorm) / norm)
        update.withUnsafeMutableBufferPointer { VectorKernels.scale($0, by: factor) }
        return factor
    }

    /// Clips every update; those already inside the bound are not copied.
    /// - Returns: the clipped updates and the factor applied to each, in input order.
    /// - Throws: ``AggregationError/invalidUpdate(index:reason:)`` for a non-finite update.
    public func clip(_ updates: [[Float]]) throws(AggregationError) -> (updates: [[Float]], factors: [Float]) {
        var clipped = updates
        var factors: [Float] = []
        factors.reserveCapacity(updates.count)
        for index in clipped.indices {
            do throws(UpdateValidationError) {
                factors.append(try clip(&clipped[index]))
            } catch {
                throw .invalidUpdate(index: index, reason: error)
            }
        }
        return (clipped, factors)
    }
}
