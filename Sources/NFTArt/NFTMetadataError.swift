/// Why a name, description, attribute or image was refused for NFT metadata; it names the field
/// so the caller (or the model that wrote the name) can fix exactly that.
public struct NFTMetadataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons; never renamed once shipped.
    public enum Code: String, Codable, Hashable, Sendable {
        case empty = "nft.metadata.empty"
        case tooLong = "nft.metadata.too_long"
        case controlCharacter = "nft.metadata.control_character"
        case surroundingWhitespace = "nft.metadata.surrounding_whitespace"
        case invalidImage = "nft.metadata.invalid_image"
    }

    public var code: Code
    /// The offending field: `name`, `description`, `attributes[3].value` or `image`.
    public var field: String
    /// What is wrong and what would be right.
    public var reason: String

    public init(code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason) [\(code.rawValue)]" }

    init(_ problem: TextProblem, field: String) {
        let code: Code = switch problem {
        case .empty: .empty
        case .tooLong: .tooLong
        case .controlCharacter: .controlCharacter
        case .surroundingWhitespace: .surroundingWhitespace
        }
        self.init(code: code, field: field, reason: "the \(field) \(problem.phrase)")
    }
}
