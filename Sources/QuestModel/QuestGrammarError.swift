/// Why a grammar could not be built for a world or a request.
public struct QuestGrammarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons.
    public enum Code: String, Hashable, Sendable {
        case badProfiles = "grammar.bad_profiles"
        case textLimitTooShort = "grammar.text_limit_too_short"
        case emptyWorld = "grammar.empty_world"
        case unknownRegion = "grammar.unknown_region"
        case badDifficulty = "grammar.bad_difficulty"
    }

    public var code: Code
    public var reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(reason) [\(code.rawValue)]" }
}
