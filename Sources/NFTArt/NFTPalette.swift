/// The colour placeholders a fragment may use as `{{name}}`; a coat gives each a value.
public enum NFTColorToken: String, CaseIterable, Hashable, Sendable {
    case primary, secondary, light, eye, nose, outline
}

/// A coat's colours, one `#rrggbb` value per placeholder token.
public struct NFTPalette: Hashable, Sendable {
    public let primary: String
    public let secondary: String
    public let light: String
    public let eye: String
    public let nose: String
    public let outline: String

    /// The value that replaces `{{token}}`.
    public func color(for token: NFTColorToken) -> String {
        switch token {
        case .primary: primary
        case .secondary: secondary
        case .light: light
        case .eye: eye
        case .nose: nose
        case .outline: outline
        }
    }
}
