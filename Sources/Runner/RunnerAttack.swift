import Aggregation

/// How `purr runner --attack` misbehaves, to test and measure the coordinator's defences.
/// Never use against a server you do not run.
public enum RunnerAttack: Sendable, Hashable, CustomStringConvertible {
    /// One of the update-crafting attacks (random, signflip, scale:K, alie, nan).
    case craft(Attack)
    /// Trains with a trigger phrase followed by a fixed token planted in every sample.
    case backdoor
    /// Sends zeros without training.
    case freerideZeros
    /// Sends its previous round's update again without training.
    case freerideStale

    /// `random`, `signflip`, `scale[:K]` (K = 10 by default), `alie[:Z]`, `nan`, `backdoor`,
    /// `freeride` (zeros) or `freeride:stale`.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "backdoor": self = .backdoor
        case "freeride", "freeride:zeros": self = .freerideZeros
        case "freeride:stale": self = .freerideStale
        case "scale": self = .craft(.scale(10))
        case "zeros", "copy":
            throw AttackError.unknownAttack("\(text) (a lone runner sends zeros with freeride, a stale update with freeride:stale)")
        default: self = .craft(try Attack(parsing: text))
        }
    }

    public var description: String {
        switch self {
        case .craft(let a): a.name
        case .backdoor: "backdoor"
        case .freerideZeros: "freeride"
        case .freerideStale: "freeride:stale"
        }
    }
}
