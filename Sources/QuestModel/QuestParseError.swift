/// Why a text is not a quest in the spec language: the line, the column, the token that
/// was refused, and what the grammar expected there.
public struct QuestParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons.
    public enum Code: String, Hashable, Sendable {
        /// A byte that the grammar does not allow at this point.
        case unexpectedToken = "quest_text.unexpected_token"
        /// The text stops before `</quest>`.
        case unexpectedEnd = "quest_text.unexpected_end"
    }

    public var code: Code
    /// 1-based line number.
    public var line: Int
    /// 1-based byte column of the refused byte.
    public var column: Int
    /// The whitespace-delimited token holding the refused byte ("" at the end of the text).
    public var token: String
    /// What would have been accepted, in words.
    public var expected: String

    public init(code: Code, line: Int, column: Int, token: String, expected: String) {
        self.code = code
        self.line = line
        self.column = column
        self.token = token
        self.expected = expected
    }

    public var description: String {
        let what = token.isEmpty ? "the end of the text" : "\"\(token)\""
        return "line \(line), column \(column), at \(what): expected \(expected) [\(code.rawValue)]"
    }
}
