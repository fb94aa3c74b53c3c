/// Why a contract was refused: a stable code, the JSON path of the offending value and a
/// sentence a person can act on.
///
/// ```swift
/// do { try contract.validate() } catch {
///     print(error.code.rawValue, error.path)   // contract.radius_not_positive condition.reach.radius
/// }
/// ```
public struct ContractError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons; never renamed once shipped.
    public enum Code: String, Codable, CaseIterable, Hashable, Sendable {
        /// `v` is not a version this code understands.
        case unsupportedVersion = "contract.unsupported_version"
        /// The JSON is not a contract: a missing key, a wrong type, not JSON at all.
        case malformed = "contract.malformed"
        /// A condition object names no known kind, or more than one.
        case unknownCondition = "contract.unknown_condition"
        /// An object carries a key version 1 does not define.
        case unknownField = "contract.unknown_field"
        /// A list that must hold something is empty.
        case emptyList = "contract.empty_list"
        /// A string that must name something is empty.
        case emptyString = "contract.empty_string"
        /// A collect count is below 1 or above its number of sources.
        case countOutOfRange = "contract.count_out_of_range"
        /// A coordinate or radius is NaN or infinite.
        case notFinite = "contract.not_finite"
        /// A coordinate or radius is beyond ±1e9 metres.
        case outOfRange = "contract.out_of_range"
        /// A radius is zero or negative.
        case radiusNotPositive = "contract.radius_not_positive"
        /// A game hour is outside 0...23.
        case hourOutOfRange = "contract.hour_out_of_range"
        /// A game-time window starts and ends at the same hour.
        case emptyWindow = "contract.empty_window"
        /// The deadline is not after the creation time.
        case deadlineNotAfterStart = "contract.deadline_not_after_start"
        /// `maxWinners` is below 1.
        case maxWinnersOutOfRange = "contract.max_winners_out_of_range"
        /// A `when` holds a condition that keeps state (collect or allInOrder).
        case statefulWhen = "contract.stateful_when"
        /// Conditions nest deeper than `QuestContract.maxDepth`.
        case tooDeep = "contract.too_deep"
        /// More than `QuestContract.maxNodes` conditions, or a collect with more than
        /// `QuestContract.maxSources` sources.
        case tooLarge = "contract.too_large"
    }

    /// The stable reason, for programs.
    public var code: Code
    /// Where in the JSON form the fault is, e.g. `condition.allInOrder[1].collect.sources[0].radius`.
    public var path: String
    /// What is wrong and what would be right.
    public var reason: String

    public init(code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason) [\(code.rawValue)]" }
}
