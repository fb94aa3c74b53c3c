/// DiLoCo's outer optimizer: SGD with Nesterov momentum on the round's pseudo-gradient.
///
/// Sign convention. A runner's delta is Δ = θ_local − θ_round (where local training moved
/// the model). The pseudo-gradient is g = θ_round − aggregate(θ_local) = −aggregate(Δ): it
/// points uphill, like a gradient, so that one step with learning rate 1 and no momentum
/// lands exactly on the averaged local models. Each round then does
///
///     m ← μ·m + g
///     θ ← θ − lr·(g + μ·m)
///
/// (PyTorch's `SGD(nesterov=True)` form), with DiLoCo's lr = 0.7 and μ = 0.9 as defaults
/// (Douillard et al., 2023). ``State`` is Codable so that the momentum survives a coordinator
/// restart.
///
/// ```swift
/// var outer = try OuterNesterov(parameterCount: store.count)
/// try outer.step(parameters: &theta, aggregatedDelta: result.aggregate)
/// ```
public struct OuterNesterov: Sendable, Hashable, Codable {
    /// Hyper-parameters of the outer step.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Outer learning rate; DiLoCo uses 0.7.
        public var learningRate: Float
        /// Nesterov momentum μ; DiLoCo uses 0.9.
        public var momentum: Float

        /// Creates a configuration, DiLoCo's by default.
        public init(learningRate: Float = 0.7, momentum: Float = 0.9) {
            self.learningRate = learningRate
            self.momentum = momentum
        }

        func validated() throws(OuterOptimizerError) -> Configuration {
            guard learningRate > 0, learningRate.isFinite else { throw .invalidLearningRate(learningRate) }
            guard momentum >= 0, momentum < 1 else { throw .invalidMomentum(momentum) }
            return self
        }
    }

    /// What a checkpoint must keep: the momentum buffer and the number of steps taken.
    public struct State: Sendable, Hashable, Codable {
        /// The momentum buffer m, one value per parameter.
        public var momentum: [Float]
        /// Outer steps taken so far.
        public var step: Int

        /// Creates a state; a fresh optimizer starts with zero momentum and step 0.
        public init(momentum: [Float], step: Int = 0) {
            self.momentum = momentum
            self.step = step
        }
    }

    /// The hyper-parameters.
    public let configuration: Configuration
    /// The momentum and step count.
    public private(set) var state: State

    /// Creates a fresh optimizer for `parameterCount` parameters.
    /// - Throws: ``OuterOptimizerError/invalidLearningRate(_:)`` or
    ///   ``OuterOptimizerError/invalidMomentum(_:)``.
    public init(parameterCount: Int, configuration: Configuration = Configuration()) throws(OuterOptimizerError) {
        self.configuration = try configuration.validated()
        self.state = State(momentum: [Float](repeating: 0, count: max(0, parameterCount)))
    }

    /// Restores an optimizer from a checkpoint's configuration and state.
    /// - Throws: a configuration error, or ``OuterOptimizerError/nonFinite(field:index:)`` for
    ///   a corrupt momentum buffer.
    public init(configuration: Configuration, state: State) throws(OuterOptimizerError) {
        self.configuration = try configuration.validated()
        if let bad = state.momentum.withUnsafeBufferPointer({ VectorKernels.firstNonFinite($0) }) {
            throw .nonFinite(field: "momentum", index: bad)
        }
        self.state = state
    }

    private enum CodingKeys: String, CodingKey { case configuration, state }

    /// Decodes and re-validates, so a corrupt checkpoint is refused at load time.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            configuration: container.decode(Configuration.self, forKey: .configuration),
            state: container.decode(State.self, forKey: .state)
        )
    }

    /// The number of parameters this optimizer steps.
    public var parameterCount: Int { state.momentum.count }

    /// Applies one outer step given the round's aggregated delta, using g = −aggregatedDelta.
    /// - Throws: ``OuterOptimizerError/wrongLength(field:expected:got:)`` or
    ///   ``OuterOptimizerError/nonFinite(field:index:)``; nothing changes then.
    public mutating func step(parameters: inout [Float], aggregatedDelta: [Float]) throws(OuterOptimizerError) {
        try parameters.withUnsafeMutableBufferPointer { theta throws(OuterOptimizerError) in
            try step(parameters: theta, aggregatedDelta: aggregatedDelta)
        }
    }

    /// Applies one outer step to a parameter buffer in place (e.g. NeuralCore's flat store).
    /// - Throws: as ``step(parameters:aggregatedDelta:)-(inout [Float],_)``.
    public mutating func step(parameters: UnsafeMutableBufferPointer<Float>, aggregatedDelta: [Float]) throws(OuterOptimizerError) {
        try step(parameters: parameters, direction: aggregatedDelta, sign: -1, field: "aggregatedDelta")
    }

    /// Applies one outer step given the pseudo-gradient g itself (already −aggregate(Δ)).
    /// - Throws: as ``step(parameters:aggregatedDelta:)-(inout [Float],_)``.
    public mutating func step(parameters: inout [Float], pseudoGradient: [Float]) throws(OuterOptimizerError) {
        try parameters.withUnsafeMutableBufferPointer { theta throws(OuterOptimizerError) in
            try step(parameters: theta, direction: pseudoGradient, sign: 1, field: "pseudoGradient")
        }
    }

    /// g = sign·direction; the hot loop of the outer step.
    private mutating func step(
        parameters theta: UnsafeMutableBufferPointer<Float>, direction: [Float], sign: Float, field: String
    ) throws(OuterOptimizerError) {
        let count = parameterCount
        guard theta.count == count else { throw .wrongLength(field: "parameters", expected: count, got: theta.count) }
        guard direction.count == count else { throw .wrongLength(field: field, expected: count, got: direction.count) }
        if let bad = direction.withUnsafeBufferPointer({ VectorKernels.firstNonFinite($0) }) {
            throw .nonFinite(field: field, index: bad)
        }
        let rate = configuration.learningRate
        let mu = configuration.momentum
        direction.withUnsafeBufferPointer { d in
            state.momentum.withUnsafeMutableBufferPointer { m in
                for j in 0..<count {
                    let g = sign * d[j]
                    let velocity = mu * m[j] + g
                    m[j] = velocity
                    theta[j] -= rate * (g + mu * velocity)
                }
            }
        }
        state.step += 1
    }

    /// Clears the momentum, e.g. after the model was replaced by a rollback.
    public mutating func resetMomentum() {
        state = State(momentum: [Float](repeating: 0, count: parameterCount), step: state.step)
    }
}
