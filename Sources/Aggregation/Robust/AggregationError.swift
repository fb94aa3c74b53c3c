/// Why a set of updates could not be aggregated, or an aggregator could not be configured.
public enum AggregationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// There is nothing to aggregate.
    case noUpdates
    /// Update number `index` (in input order) failed the checks every aggregator makes first.
    case invalidUpdate(index: Int, reason: UpdateValidationError)
    /// A configuration value or argument is out of range; `name` is the parameter.
    case invalidParameter(name: String, detail: String)

    /// A stable machine-readable code; an invalid update carries its reason's `update.*` code.
    public var code: String {
        switch self {
        case .noUpdates: "aggregation.no_updates"
        case let .invalidUpdate(_, reason): reason.code
        case .invalidParameter: "aggregation.invalid_parameter"
        }
    }

    /// A sentence saying what was wrong.
    public var message: String {
        switch self {
        case .noUpdates:
            "No updates were given; aggregate at least one."
        case let .invalidUpdate(index, reason):
            "Update \(index) was refused: \(reason.message)"
        case let .invalidParameter(name, detail):
            "Parameter \"\(name)\" is invalid: \(detail)."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
