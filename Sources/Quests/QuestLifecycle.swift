import Ledger

/// Something that happens to a quest from outside.
public enum QuestEvent: Hashable, Sendable {
    /// The requester's price has been escrowed.
    case funded
    /// A participant finished every objective at `at` (unix ms).
    case participantCompleted(account: String, at: Int64)
    /// The clock reached the deadline; `at` is the current time (unix ms).
    case deadlinePassed(at: Int64)
    /// The requester gives up before anyone has won.
    case abandon(by: String)
    /// Pay out a completed quest.
    case settle
}

/// What the I/O shell must carry out after a transition, in order, inside one ledger transaction.
public enum QuestAction: Hashable, Sendable {
    /// Move the price from the requester into the quest's escrow.
    case escrowPrice(from: String, amount: Amount)
    case recordWinner(String)
    /// Pay one winner from escrow.
    case payReward(to: String, amount: Amount)
    /// Return unused escrow to the requester.
    case refund(to: String, amount: Amount)
    /// Move the treasury's share out of escrow.
    case collectFee(amount: Amount)
    /// Persist and announce the new status.
    case statusChanged(QuestStatus)
}

/// Why an event was refused.
public struct QuestLifecycleError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Codable, Hashable, Sendable {
        case illegalTransition = "quest.illegal_transition"
        case pastDeadline = "quest.past_deadline"
        case deadlineNotReached = "quest.deadline_not_reached"
        case alreadyWon = "quest.already_won"
        case notEligible = "quest.not_eligible"
        case notRequester = "quest.not_requester"
        case hasWinners = "quest.has_winners"
        case insolvent = "quest.insolvent"
    }

    public var code: Code
    public var reason: String
    public var description: String { "\(reason) [\(code.rawValue)]" }
}

/// A quest contract's life as a state machine: each event either moves the quest and
/// returns the actions to carry out, or throws and changes nothing.
///
/// ```
/// created ─funded→ active ─(maxWinners reached | deadline with winners)→ completed ─settle→ settled
///                  active ─deadline, no winners→ expired
///                  active ─abandon by requester, no winners→ abandoned
/// ```
/// A personal quest can be won only by its requester; a global quest by anyone except
/// its requester, so nobody pays themselves from a pool others funded. On expiry or
/// abandonment the rewards pool goes back to the requester and the treasury keeps its fee.
public struct QuestLifecycle: Hashable, Sendable {
    public private(set) var quest: Quest

    /// - Throws: `.insolvent` when the price cannot cover `reward × maxWinners`.
    public init(quest: Quest) throws(QuestLifecycleError) {
        guard quest.maxWinners >= 1, quest.scope == .global || quest.maxWinners == 1 else {
            throw QuestLifecycleError(code: .insolvent, reason: "a personal quest has exactly one winner; a global one at least one")
        }
        guard let pool = quest.reward.multiplied(by: Int64(quest.maxWinners)), pool <= quest.price else {
            throw QuestLifecycleError(code: .insolvent, reason: "price \(quest.price) does not cover \(quest.maxWinners) × \(quest.reward)")
        }
        self.quest = quest
    }

    /// The escrowed rewards for every possible winner.
    public var rewardsPool: Amount { quest.reward.multiplied(by: Int64(quest.maxWinners)) ?? .zero }
    /// The treasury's share of the price.
    public var treasuryFee: Amount { quest.price.subtracting(rewardsPool) ?? .zero }

    /// Applies an event.
    /// - Returns: actions for the I/O shell, in order.
    /// - Throws: `QuestLifecycleError`; the quest is unchanged.
    public mutating func handle(_ event: QuestEvent) throws(QuestLifecycleError) -> [QuestAction] {
        switch (quest.status, event) {
        case (.created, .funded):
            quest.status = .active
            return [.escrowPrice(from: quest.requester, amount: quest.price), .statusChanged(.active)]

        case (.active, .participantCompleted(let account, let time)):
            guard time <= quest.deadline else {
                throw QuestLifecycleError(code: .pastDeadline, reason: "\(account) finished at \(time), after the deadline \(quest.deadline)")
            }
            guard !quest.winners.contains(account) else {
                throw QuestLifecycleError(code: .alreadyWon, reason: "\(account) has already won this quest")
            }
            let eligible = quest.scope == .personal ? account == quest.requester : account != quest.requester
            guard eligible else {
                throw QuestLifecycleError(
                    code: .notEligible,
                    reason: quest.scope == .personal
                        ? "only the requester can win a personal quest" : "the requester cannot win their own global quest")
            }
            quest.winners.append(account)
            var actions: [QuestAction] = [.recordWinner(account)]
            if quest.winners.count >= quest.maxWinners {
                quest.status = .completed
                actions.append(.statusChanged(.completed))
            }
            return actions

        case (.active, .deadlinePassed(let time)):
            guard time >= quest.deadline else {
                throw QuestLifecycleError(code: .deadlineNotReached, reason: "the deadline \(quest.deadline) is after \(time)")
            }
            if quest.winners.isEmpty {
                quest.status = .expired
                return [.refund(to: quest.requester, amount: rewardsPool), .collectFee(amount: treasuryFee), .statusChanged(.expired)]
            }
            quest.status = .completed
            return [.statusChanged(.completed)]

        case (.active, .abandon(let account)):
            guard account == quest.requester else {
                throw QuestLifecycleError(code: .notRequester, reason: "only the requester can abandon this quest")
            }
            guard quest.winners.isEmpty else {
                throw QuestLifecycleError(code: .hasWinners, reason: "the quest already has winners and must be settled")
            }
            quest.status = .abandoned
            return [.refund(to: quest.requester, amount: rewardsPool), .collectFee(amount: treasuryFee), .statusChanged(.abandoned)]

        case (.completed, .settle):
            var actions = quest.winners.map { QuestAction.payReward(to: $0, amount: quest.reward) }
            let unused = Int64(quest.maxWinners - quest.winners.count)
            if unused > 0, let left = quest.reward.multiplied(by: unused) {
                actions.append(.refund(to: quest.requester, amount: left))
            }
            actions.append(.collectFee(amount: treasuryFee))
            actions.append(.statusChanged(.settled))
            quest.status = .settled
            return actions

        default:
            throw QuestLifecycleError(
                code: .illegalTransition, reason: "a quest that is \(quest.status.rawValue) cannot take \(Self.name(of: event))")
        }
    }

    private static func name(of event: QuestEvent) -> String {
        switch event {
        case .funded: "funded"
        case .participantCompleted: "participantCompleted"
        case .deadlinePassed: "deadlinePassed"
        case .abandon: "abandon"
        case .settle: "settle"
        }
    }
}
