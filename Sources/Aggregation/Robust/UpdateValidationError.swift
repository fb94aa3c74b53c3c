/// Why a runner's update was refused before aggregation.
///
/// Every case has a stable ``code`` (`update.*`) for the runner's client and a ``message``
/// that says what to send instead.
public enum UpdateValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The update's length is not the model's parameter count.
    case wrongLength(expected: Int, got: Int)
    /// The update holds NaN or ±inf at `index`; one such value would poison any mean.
    case nonFinite(index: Int)
    /// The update's L2 norm exceeds the hard cap; no honest round of local steps moves that far.
    case normTooLarge(norm: Double, cap: Float)

    /// A stable machine-readable code, e.g. `update.non_finite`.
    public var code: String {
        switch self {
        case .wrongLength: "update.wrong_length"
        case .nonFinite: "update.non_finite"
        case .normTooLarge: "update.norm_too_large"
        }
    }

    /// A sentence saying what was wrong with the update.
    public var message: String {
        switch self {
        case let .wrongLength(expected, got):
            "Field \"delta\" has \(got) elements but the model has \(expected) parameters; send one value per parameter."
        case let .nonFinite(index):
            "Field \"delta\" holds NaN or infinity at element \(index); send finite values only."
        case let .normTooLarge(norm, cap):
            "Field \"delta\" has L2 norm \(norm), above the cap of \(cap); check the learning rate and the number of local steps."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
