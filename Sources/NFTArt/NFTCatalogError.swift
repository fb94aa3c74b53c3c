/// Why a parts catalogue was refused, naming the file, the entry and the field so the person
/// who drew the part can fix it without reading the loader.
public struct NFTCatalogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons; never renamed once shipped.
    public enum Code: String, Codable, Hashable, Sendable {
        case unreadableFile = "nft.catalog.unreadable_file"
        case invalidJSON = "nft.catalog.invalid_json"
        case unsupportedFormat = "nft.catalog.unsupported_format"
        case missingLayer = "nft.catalog.missing_layer"
        case missingField = "nft.catalog.missing_field"
        case wrongType = "nft.catalog.wrong_type"
        case unknownField = "nft.catalog.unknown_field"
        case invalidID = "nft.catalog.invalid_id"
        case duplicateID = "nft.catalog.duplicate_id"
        case invalidName = "nft.catalog.invalid_name"
        case invalidWeight = "nft.catalog.invalid_weight"
        case invalidColor = "nft.catalog.invalid_color"
        case invalidAnchor = "nft.catalog.invalid_anchor"
        case emptyFragment = "nft.catalog.empty_fragment"
        case unknownToken = "nft.catalog.unknown_token"
        case unsafeFragment = "nft.catalog.unsafe_fragment"
        case invalidFragment = "nft.catalog.invalid_fragment"
    }

    public var code: Code
    /// The file as given to the loader (or `"<memory>"` for a catalogue read from bytes).
    public var file: String
    /// The offending entry, e.g. `bodies[2] "loaf"`; nil for file-level errors.
    public var entry: String?
    /// The offending field within the entry, e.g. `weight` or `svg.head`.
    public var field: String?
    /// What is wrong and what would be right.
    public var reason: String

    public init(code: Code, file: String, entry: String? = nil, field: String? = nil, reason: String) {
        self.code = code
        self.file = file
        self.entry = entry
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var location = file
        if let entry { location += ": \(entry)" }
        if let field { location += entry == nil ? ": \(field)" : ".\(field)" }
        return "\(location): \(reason) [\(code.rawValue)]"
    }
}
