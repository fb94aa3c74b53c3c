/// Why ``AntiCheatSettings`` were refused, naming the field so an operator can fix the config file.
public enum AntiCheatSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field is not a finite number inside its allowed range.
    case outOfRange(field: String, value: Double, minimum: Double, maximum: Double, excludingMinimum: Bool)
    /// The field must be at least another field's value (e.g. the cap at least the base).
    case belowOtherField(field: String, value: Double, other: String, otherValue: Double)

    /// Stable machine-readable reason; never renamed once shipped.
    public var code: String {
        switch self {
        case .outOfRange: "anti_cheat.out_of_range"
        case .belowOtherField: "anti_cheat.below_other_field"
        }
    }

    /// The settings field that is wrong, e.g. `cooldownMaxSeconds`.
    public var field: String {
        switch self {
        case .outOfRange(let field, _, _, _, _), .belowOtherField(let field, _, _, _): field
        }
    }

    /// The sentence for logs and start-up errors, ending in the code.
    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let minimum, let maximum, let excludingMinimum):
            let lower = excludingMinimum ? "above \(Self.number(minimum))" : "at least \(Self.number(minimum))"
            return "antiCheat.\(field) must be \(lower) and at most \(Self.number(maximum)), got \(Self.number(value)) [\(code)]"
        case .belowOtherField(let field, let value, let other, let otherValue):
            return "antiCheat.\(field) (\(Self.number(value))) must be at least antiCheat.\(other) (\(Self.number(otherValue))) [\(code)]"
        }
    }

    private static func number(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
