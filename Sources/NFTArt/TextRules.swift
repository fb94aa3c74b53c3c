/// What can be wrong with a name, a description or an attribute value.
enum TextProblem: Hashable, Sendable {
    case empty
    case tooLong(count: Int, limit: Int)
    case controlCharacter(UInt32)
    case surroundingWhitespace

    /// Completes "the name …", e.g. "has 70 characters; the limit is 64".
    var phrase: String {
        switch self {
        case .empty:
            "is empty"
        case .tooLong(let count, let limit):
            "has \(count) characters; the limit is \(limit)"
        case .controlCharacter(let value):
            "contains the control character U+\(String(value, radix: 16, uppercase: true).leftPadded(to: 4)); remove it (line breaks included)"
        case .surroundingWhitespace:
            "starts or ends with whitespace; trim it"
        }
    }
}

/// The rules every human-readable text in an NFT obeys, so it shows the same on every page and
/// its canonical bytes need no escaping beyond `"` and `\`.
///
/// Lengths are counted in Unicode scalars (code points), which every language counts the same way.
/// Control characters are general category Cc: U+0000–U+001F and U+007F–U+009F, tab and line breaks included.
enum TextRules {
    static func problem(in text: String, limit: Int, allowEmpty: Bool) -> TextProblem? {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return allowEmpty ? nil : .empty }
        if let control = scalars.first(where: { $0.properties.generalCategory == .control }) {
            return .controlCharacter(control.value)
        }
        if first.properties.isWhitespace || last.properties.isWhitespace { return .surroundingWhitespace }
        if scalars.count > limit { return .tooLong(count: scalars.count, limit: limit) }
        return nil
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
