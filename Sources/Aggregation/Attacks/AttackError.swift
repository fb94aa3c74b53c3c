/// Why malicious updates could not be crafted.
public enum AttackError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No honest updates were given to derive the attack from.
    case noHonestUpdates
    /// The honest updates differ in length; `index` is the first that differs from update 0.
    case unequalLengths(index: Int)
    /// An attack parameter is out of range; `name` is the parameter.
    case invalidParameter(name: String, detail: String)
    /// The text does not name an attack (see ``Attack/init(parsing:)``).
    case unknownAttack(String)

    /// A stable machine-readable code, e.g. `attack.unknown`.
    public var code: String {
        switch self {
        case .noHonestUpdates: "attack.no_honest_updates"
        case .unequalLengths: "attack.unequal_lengths"
        case .invalidParameter: "attack.invalid_parameter"
        case .unknownAttack: "attack.unknown"
        }
    }

    /// A sentence saying what was wrong.
    public var message: String {
        switch self {
        case .noHonestUpdates:
            "No honest updates were given; attacks are derived from at least one."
        case let .unequalLengths(index):
            "Honest update \(index) differs in length from update 0."
        case let .invalidParameter(name, detail):
            "Attack parameter \"\(name)\" is invalid: \(detail)."
        case let .unknownAttack(text):
            "\"\(text)\" is not an attack; use random, signflip, scale:K, alie, alie:Z, zeros, copy or nan."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
