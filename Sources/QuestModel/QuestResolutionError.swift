/// Why a document could not become a `QuestSpec`, or a spec a document.
public struct QuestResolutionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons.
    public enum Code: String, Hashable, Sendable {
        case unknownRegion = "quest_text.unknown_region"
        case unknownPlace = "quest_text.unknown_place"
        case unknownItem = "quest_text.unknown_item"
        case unknownReference = "quest_text.unknown_reference"
        case sourceNotAPlace = "quest_text.source_not_a_place"
        case conditionNeverHolds = "quest_text.condition_never_holds"
        case timeLimitTooLong = "quest_text.time_limit_too_long"
        case noStartPoint = "quest_text.no_start_point"
    }

    public var code: Code
    /// Path into the document or spec, such as `objectives[1].sources[2]`.
    public var field: String
    public var reason: String

    public init(code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason) [\(code.rawValue)]" }
}
