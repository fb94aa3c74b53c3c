import Ledger
import World

/// Who a quest is for: the requester alone, or every player until `maxWinners` finish.
public enum QuestScope: String, Codable, CaseIterable, Hashable, Sendable {
    case personal, global
}

/// Where a quest is in its life; see `QuestLifecycle` for the allowed moves.
public enum QuestStatus: String, Codable, CaseIterable, Hashable, Sendable {
    /// Generated and priced, price not yet escrowed.
    case created
    case active, completed, settled, expired, abandoned

    /// Whether no further event can change the quest.
    public var isTerminal: Bool { self == .settled || self == .expired || self == .abandoned }
}

/// Why the quest giver wants it done (Doran & Parberry's nine NPC motivations).
public enum Motivation: String, Codable, CaseIterable, Hashable, Sendable {
    case knowledge, comfort, reputation, serenity, protection, conquest, wealth, ability, equipment
}

/// A quest as the server stores it and sends it to clients.
///
/// Times are unix milliseconds; `reward` and `price` are `Amount`s (decimal strings in JSON).
public struct Quest: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var scope: QuestScope
    /// Account that paid the price.
    public var requester: String
    public var title: String
    public var description: String
    /// Id of the quest's home region.
    public var region: String
    /// 1...5
    public var difficulty: Int
    public var motivation: Motivation
    public var objectives: [Objective]
    /// Paid to each winner at settlement.
    public var reward: Amount
    /// Paid by the requester up front.
    public var price: Amount
    public var maxWinners: Int
    public var createdAt: Int64
    public var deadline: Int64
    public var status: QuestStatus
    public var winners: [String]

    public init(
        id: String, scope: QuestScope, requester: String, title: String, description: String, region: String,
        difficulty: Int, motivation: Motivation, objectives: [Objective], reward: Amount, price: Amount,
        maxWinners: Int, createdAt: Int64, deadline: Int64, status: QuestStatus = .created, winners: [String] = []
    ) {
        self.id = id
        self.scope = scope
        self.requester = requester
        self.title = title
        self.description = description
        self.region = region
        self.difficulty = difficulty
        self.motivation = motivation
        self.objectives = objectives
        self.reward = reward
        self.price = price
        self.maxWinners = maxWinners
        self.createdAt = createdAt
        self.deadline = deadline
        self.status = status
        self.winners = winners
    }

    /// Builds a quest from a validated spec and its quote; the deadline is `createdAt + timeLimit`.
    public init(id: String, spec: QuestSpec, scope: QuestScope, requester: String, quote: QuestQuote, createdAt: Int64) {
        self.init(
            id: id, scope: scope, requester: requester, title: spec.title, description: spec.description,
            region: spec.region, difficulty: spec.difficulty, motivation: spec.motivation,
            objectives: spec.objectives, reward: quote.reward, price: quote.price,
            maxWinners: quote.breakdown.winners, createdAt: createdAt,
            deadline: createdAt + Int64(spec.timeLimit) * 1000)
    }
}
