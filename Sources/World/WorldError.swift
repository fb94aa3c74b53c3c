/// Why a map or item file was refused, naming the file, the entry and the field so the
/// person who wrote the file can fix it without reading the loader.
public struct WorldError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons; never renamed once shipped.
    public enum Code: String, Codable, Hashable, Sendable {
        case unreadableFile = "world.unreadable_file"
        case invalidJSON = "world.invalid_json"
        case duplicateID = "world.duplicate_id"
        case emptyID = "world.empty_id"
        case invalidBounds = "world.invalid_bounds"
        case outOfBounds = "world.out_of_bounds"
        case outsideRegion = "world.outside_region"
        case unknownRegion = "world.unknown_region"
        case invalidValue = "world.invalid_value"
        case missingEntries = "world.missing_entries"
    }

    public var code: Code
    /// The file as given to the loader (or `"<memory>"` for a world built in code).
    public var file: String
    /// The offending entry, e.g. `pointsOfInterest[12] "old-mill"`; nil for file-level errors.
    public var entry: String?
    /// The offending field within the entry, e.g. `x`.
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
