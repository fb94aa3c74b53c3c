/// The combined update and what the aggregator saw of each input.
public struct AggregationResult: Sendable, Equatable {
    /// The aggregated delta, same length as the inputs.
    public var aggregate: [Float]
    /// One entry per input update, in input order.
    public var diagnostics: [UpdateDiagnostics]
    /// Iterations run; 0 for closed-form rules.
    public var iterations: Int
    /// Whether an iterative rule stopped because its step became tiny (true for closed forms).
    public var converged: Bool
    /// The clipping radius τ actually used, for rules that clip.
    public var clippingRadius: Float?

    /// Creates a result; aggregators fill it in.
    public init(aggregate: [Float], diagnostics: [UpdateDiagnostics], iterations: Int = 0, converged: Bool = true, clippingRadius: Float? = nil) {
        self.aggregate = aggregate
        self.diagnostics = diagnostics
        self.iterations = iterations
        self.converged = converged
        self.clippingRadius = clippingRadius
    }
}

/// What one update looked like to the aggregator.
public struct UpdateDiagnostics: Sendable, Hashable {
    /// The update's L2 norm.
    public var norm: Float
    /// ‖update − aggregate‖₂.
    public var distanceToResult: Float
    /// How much of the update survived into the result, in [0, 1]: 1 for the plain mean, the
    /// final clipping factor min(1, τ/‖x − v‖) for CenteredClip, the share of coordinates kept
    /// for the trimmed mean and the median.
    public var weight: Float

    /// Creates a diagnostics entry.
    public init(norm: Float, distanceToResult: Float, weight: Float) {
        self.norm = norm
        self.distanceToResult = distanceToResult
        self.weight = weight
    }
}
