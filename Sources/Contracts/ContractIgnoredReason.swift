/// Why an event changed nothing; stable codes, never renamed once shipped.
public enum ContractIgnoredReason: String, Codable, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// A position or a settlement for a participant who has not accepted.
    case notAccepted = "contract.not_accepted"
    /// A second acceptance.
    case alreadyAccepted = "contract.already_accepted"
    /// A settlement before the condition completed.
    case notCompleted = "contract.not_completed"
    /// A position or an abandonment after completion; only settlement may follow.
    case alreadyCompleted = "contract.already_completed"
    /// Anything after settled, expired or abandoned.
    case finished = "contract.finished"
    /// An acceptance or a position timed before the contract's `createdAt`.
    case beforeStart = "contract.before_start"
    /// A position with a non-finite coordinate or a game hour outside 0...23.
    case invalidPosition = "contract.invalid_position"

    public var description: String {
        switch self {
        case .notAccepted: "the participant has not accepted the contract"
        case .alreadyAccepted: "the participant has already accepted the contract"
        case .notCompleted: "only a completed contract can be settled"
        case .alreadyCompleted: "the contract is already completed; only settlement may follow"
        case .finished: "the participant's contract is over"
        case .beforeStart: "the event is timed before the contract was created"
        case .invalidPosition: "the position has a non-finite coordinate or a game hour outside 0...23"
        }
    }
}
