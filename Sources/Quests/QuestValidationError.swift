/// Why a quest proposal was refused; `field` is a path into the spec such as
/// `objectives[2].sources[1]`, so a generator (or a person) knows what to change.
public struct QuestValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons.
    public enum Code: String, Codable, Hashable, Sendable {
        case emptyText = "quest.empty_text"
        case textTooLong = "quest.text_too_long"
        case unknownRegion = "quest.unknown_region"
        case badDifficulty = "quest.bad_difficulty"
        case badObjectiveCount = "quest.bad_objective_count"
        case unreachableTarget = "quest.unreachable_target"
        case badRadius = "quest.bad_radius"
        case unknownPlace = "quest.unknown_place"
        case placeMismatch = "quest.place_mismatch"
        case unknownItem = "quest.unknown_item"
        case badCount = "quest.bad_count"
        case tooFewSources = "quest.too_few_sources"
        case overlappingSources = "quest.overlapping_sources"
        case itemNotFoundThere = "quest.item_not_found_there"
        case badCondition = "quest.bad_condition"
        case impossibleWeather = "quest.impossible_weather"
        case conditionNeverHolds = "quest.condition_never_holds"
        case badTimeLimit = "quest.bad_time_limit"
        case timeLimitTooShort = "quest.time_limit_too_short"
        case textInconsistent = "quest.text_inconsistent"
    }

    public var code: Code
    public var field: String
    public var reason: String

    public init(code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason) [\(code.rawValue)]" }
}
