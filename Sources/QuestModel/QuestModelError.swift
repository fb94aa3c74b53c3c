/// Why the model generator could not deliver a quest.
public struct QuestModelError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// Every attempt produced a quest the validator refused (or no quest at all).
        case attemptsExhausted = "quest_model.attempts_exhausted"
        /// The model returned a logits vector of the wrong length.
        case logitsSizeMismatch = "quest_model.logits_size_mismatch"
        /// The vocabulary lacks single-byte tokens the grammar may need.
        case vocabularyGap = "quest_model.vocabulary_gap"
        /// The request itself is impossible (unknown region, bad difficulty).
        case badRequest = "quest_model.bad_request"
    }

    public var code: Code
    public var reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(reason) [\(code.rawValue)]" }
}
