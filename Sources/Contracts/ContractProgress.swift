/// One participant's progress through one contract: a pure state machine that only
/// events move, with no clock, map or I/O of its own.
///
/// The server keeps one live (it is Codable) and applies each event as it logs it; an
/// auditor folds the same events from the log and must reach the same state and outcomes.
/// ```swift
/// var progress = ContractProgress(contract: contract)
/// progress.apply(.accepted(at: 1_000))                       // [.accepted(at: 1000)]
/// progress.apply(.position(x: 1_200, y: 1_500, at: 2_000, weather: .rain, gameHour: 21))
/// // [.stepCompleted(path: "condition.allInOrder[0]"), ..., .completed(at: 2000)]
/// ```
/// Rules, in the order they are applied to each event:
/// 1. After settled, expired or abandoned every event is `.ignored(.finished)`.
/// 2. A position with a non-finite coordinate or an hour outside 0...23 is `.ignored(.invalidPosition)`.
/// 3. While created or active, an event at or after the deadline expires the participant,
///    except that a position exactly at the deadline is evaluated first and may complete it.
/// 4. Then each event has its legal phases; in any other it is `.ignored(reason)` and
///    changes nothing. Positions and acceptances before `createdAt` are ignored.
public struct ContractProgress: Hashable, Sendable {
    /// The contract being evaluated; travels with the progress so a stored one is self-contained.
    public let contract: QuestContract
    /// Where the participant stands.
    public private(set) var phase: ContractPhase = .created
    /// Unix ms of the acceptance.
    public private(set) var acceptedAt: Int64?
    /// Unix ms of the observation that completed the condition.
    public private(set) var completedAt: Int64?
    /// Unix ms of the event that settled, expired or abandoned the participant.
    public private(set) var endedAt: Int64?
    /// Progress of every condition, in pre-order (the root first, then each child's subtree).
    public internal(set) var conditions: [ConditionProgress]

    /// A participant who has not accepted yet.
    public init(contract: QuestContract) {
        self.contract = contract
        self.conditions = Array(repeating: ConditionProgress(), count: contract.condition.nodeCount)
    }

    /// Applies one event.
    /// - Returns: what changed, in order: empty for a legal event that moved nothing (a
    ///   position away from every target, a clock before the deadline), `[.ignored(reason)]`
    ///   for an event that is not legal now; either way the state is then unchanged.
    public mutating func apply(_ event: ContractEvent) -> [ContractOutcome] {
        if phase.isFinal { return [.ignored(.finished)] }
        if case .position(let x, let y, _, _, let hour) = event, !(x.isFinite && y.isFinite && (0...23).contains(hour)) {
            return [.ignored(.invalidPosition)]
        }
        let time = event.time
        if phase == .created || phase == .active, time >= contract.deadline {
            if phase == .active, time == contract.deadline, case .position = event {
                let outcomes = observe(event)
                return phase == .completed ? outcomes : outcomes + [end(.expired, at: time)]
            }
            return [end(.expired, at: time)]
        }

        switch (phase, event) {
        case (.created, .accepted(let at)):
            guard at >= contract.createdAt else { return [.ignored(.beforeStart)] }
            phase = .active
            acceptedAt = at
            return [.accepted(at: at)]
        case (_, .accepted):
            return [.ignored(.alreadyAccepted)]

        case (.active, .position(_, _, let at, _, _)):
            guard at >= contract.createdAt else { return [.ignored(.beforeStart)] }
            return observe(event)
        case (.created, .position):
            return [.ignored(.notAccepted)]
        case (_, .position):
            return [.ignored(.alreadyCompleted)]

        case (.created, .abandoned(let at)), (.active, .abandoned(let at)):
            return [end(.abandoned, at: at)]
        case (_, .abandoned):
            return [.ignored(.alreadyCompleted)]

        case (.completed, .settled(let at)):
            return [end(.settled, at: at)]
        case (.created, .settled):
            return [.ignored(.notAccepted)]
        case (_, .settled):
            return [.ignored(.notCompleted)]

        case (_, .clock):
            // Time before the deadline, or after completion, changes nothing and is no fault.
            return []
        }
    }

    private mutating func end(_ final: ContractPhase, at time: Int64) -> ContractOutcome {
        phase = final
        endedAt = time
        switch final {
        case .settled: return .settled(at: time)
        case .abandoned: return .abandoned(at: time)
        default: return .expired(at: time)
        }
    }

    /// Feeds an accepted, in-window position to the condition tree.
    private mutating func observe(_ event: ContractEvent) -> [ContractOutcome] {
        guard case .position(let x, let y, let at, let weather, let hour) = event else { return [] }
        let observation = Observation(x: x, y: y, weather: weather, hour: hour)
        var outcomes: [ContractOutcome] = []
        if advance(contract.condition, index: 0, path: "condition", observation, &outcomes) {
            phase = .completed
            completedAt = at
            outcomes.append(.completed(at: at))
        }
        return outcomes
    }
}

extension ContractProgress: Codable {
    private enum CodingKeys: String, CodingKey {
        case contract, phase, acceptedAt, completedAt, endedAt, conditions
    }

    /// - Throws: `DecodingError` when the progress does not fit its contract (one entry per condition).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        contract = try c.decode(QuestContract.self, forKey: .contract)
        phase = try c.decode(ContractPhase.self, forKey: .phase)
        acceptedAt = try c.decodeIfPresent(Int64.self, forKey: .acceptedAt)
        completedAt = try c.decodeIfPresent(Int64.self, forKey: .completedAt)
        endedAt = try c.decodeIfPresent(Int64.self, forKey: .endedAt)
        conditions = try c.decode([ConditionProgress].self, forKey: .conditions)
        guard conditions.count == contract.condition.nodeCount else {
            throw DecodingError.dataCorruptedError(
                forKey: .conditions, in: c,
                debugDescription: "\(conditions.count) entries for a contract of \(contract.condition.nodeCount) conditions")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(contract, forKey: .contract)
        try c.encode(phase, forKey: .phase)
        try c.encodeIfPresent(acceptedAt, forKey: .acceptedAt)
        try c.encodeIfPresent(completedAt, forKey: .completedAt)
        try c.encodeIfPresent(endedAt, forKey: .endedAt)
        try c.encode(conditions, forKey: .conditions)
    }
}
