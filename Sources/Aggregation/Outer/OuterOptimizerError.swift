/// Why the outer optimizer could not be configured, restored or stepped.
public enum OuterOptimizerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The learning rate must be finite and positive.
    case invalidLearningRate(Float)
    /// The momentum must lie in [0, 1).
    case invalidMomentum(Float)
    /// A vector's length differs from the optimizer's parameter count; `field` names it.
    case wrongLength(field: String, expected: Int, got: Int)
    /// A vector holds NaN or ±inf; `field` names it.
    case nonFinite(field: String, index: Int)

    /// A stable machine-readable code, e.g. `outer.wrong_length`.
    public var code: String {
        switch self {
        case .invalidLearningRate: "outer.invalid_learning_rate"
        case .invalidMomentum: "outer.invalid_momentum"
        case .wrongLength: "outer.wrong_length"
        case .nonFinite: "outer.non_finite"
        }
    }

    /// A sentence saying what was wrong.
    public var message: String {
        switch self {
        case let .invalidLearningRate(rate):
            "Outer learning rate \(rate) is not allowed; use a finite positive value (DiLoCo uses 0.7)."
        case let .invalidMomentum(momentum):
            "Outer momentum \(momentum) is not allowed; use a value in [0, 1) (DiLoCo uses 0.9)."
        case let .wrongLength(field, expected, got):
            "\"\(field)\" has \(got) elements but the model has \(expected) parameters."
        case let .nonFinite(field, index):
            "\"\(field)\" holds NaN or infinity at element \(index)."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
