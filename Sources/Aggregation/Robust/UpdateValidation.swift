/// The coordinator's first check of a runner's update: right length, all finite, norm under a
/// hard cap.
///
/// It runs before anything else touches the update, because one NaN poisons every mean and
/// one huge update dominates one; the cap is a sanity bound far above honest norms, while
/// ``NormClipping`` is the tight, routine bound.
///
/// ```swift
/// let validation = try UpdateValidation(expectedCount: store.count, maxNorm: 100)
/// let norm = try validation.validate(delta)   // throws update.non_finite, …
/// ```
public struct UpdateValidation: Sendable, Hashable {
    /// The model's parameter count; every update must have exactly this many elements.
    public let expectedCount: Int
    /// The largest L2 norm accepted.
    public let maxNorm: Float

    /// Creates the check for a model of `expectedCount` parameters.
    /// - Throws: ``AggregationError/invalidParameter(name:detail:)`` for a negative count or a
    ///   cap that is not positive (infinity is allowed: no cap).
    public init(expectedCount: Int, maxNorm: Float = .infinity) throws(AggregationError) {
        guard expectedCount >= 0 else {
            throw .invalidParameter(name: "expectedCount", detail: "\(expectedCount) is negative")
        }
        guard maxNorm > 0 else {
            throw .invalidParameter(name: "maxNorm", detail: "\(maxNorm) is not a positive number")
        }
        self.expectedCount = expectedCount
        self.maxNorm = maxNorm
    }

    /// Checks `update` and returns its L2 norm.
    /// - Throws: ``UpdateValidationError/wrongLength(expected:got:)``, then
    ///   ``UpdateValidationError/nonFinite(index:)``, then
    ///   ``UpdateValidationError/normTooLarge(norm:cap:)``: the first that applies.
    @discardableResult
    public func validate(_ update: [Float]) throws(UpdateValidationError) -> Double {
        guard update.count == expectedCount else {
            throw .wrongLength(expected: expectedCount, got: update.count)
        }
        let norm = try update.withUnsafeBufferPointer { buffer throws(UpdateValidationError) in
            try Self.finiteNorm(buffer)
        }
        guard norm <= Double(maxNorm) else { throw .normTooLarge(norm: norm, cap: maxNorm) }
        return norm
    }

    /// Validates every update and returns, in input order, each one's norm or its error, so
    /// that the coordinator can drop the bad ones and aggregate the rest.
    public func validateAll(_ updates: [[Float]]) -> [Result<Double, UpdateValidationError>] {
        updates.map { update in
            do throws(UpdateValidationError) { return .success(try validate(update)) } catch { return .failure(error) }
        }
    }

    /// The norm of a buffer known to be the right length, or the first non-finite element.
    static func finiteNorm(_ buffer: UnsafeBufferPointer<Float>) throws(UpdateValidationError) -> Double {
        let norm = VectorKernels.norm(buffer)
        if norm.isFinite { return norm }
        if let bad = VectorKernels.firstNonFinite(buffer) { throw .nonFinite(index: bad) }
        return norm
    }
}
