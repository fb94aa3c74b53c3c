import Foundation
import World

/// What a generator proposes: the quest without its owner, price or clock. The server
/// validates it, prices it, then turns it into a `Quest`.
public struct QuestSpec: Codable, Hashable, Sendable {
    public var title: String
    public var description: String
    public var region: String
    public var difficulty: Int
    public var motivation: Motivation
    public var objectives: [Objective]
    /// Real seconds from creation to deadline.
    public var timeLimit: Int

    public init(
        title: String, description: String, region: String, difficulty: Int, motivation: Motivation,
        objectives: [Objective], timeLimit: Int
    ) {
        self.title = title
        self.description = description
        self.region = region
        self.difficulty = difficulty
        self.motivation = motivation
        self.objectives = objectives
        self.timeLimit = timeLimit
    }
}

/// Everything a generator may use. The same context always yields the same quest.
public struct QuestRequestContext: Sendable {
    public var world: World
    public var scope: QuestScope
    /// Region id the requester asked for; nil lets the generator choose.
    public var region: String?
    /// 1...5, or nil to let the generator choose.
    public var difficulty: Int?
    /// Where the requester stands; personal quests start their route here.
    public var requesterPosition: Point?
    public var seed: UInt64
    /// When the quest will start; weather conditions are checked against the real
    /// forecast from this moment, so nothing is asked that cannot happen in time.
    public var now: Date
    /// Titles (as players read them) handed out lately where this quest will be: a generator
    /// that can should give another.
    public var avoidTitles: [String]

    public init(
        world: World, scope: QuestScope, region: String? = nil, difficulty: Int? = nil,
        requesterPosition: Point? = nil, seed: UInt64, now: Date, avoidTitles: [String] = []
    ) {
        self.world = world
        self.scope = scope
        self.region = region
        self.difficulty = difficulty
        self.requesterPosition = requesterPosition
        self.seed = seed
        self.now = now
        self.avoidTitles = avoidTitles
    }

    /// Where the route starts: the requester's position for a personal quest when it is
    /// reachable, else the centre of the quest's region (a global quest has many starts).
    public func origin(regionID: String) -> Point? {
        if scope == .personal, let position = requesterPosition, world.isReachable(position) {
            return position
        }
        return world.region(id: regionID)?.centre
    }
}

/// Anything that can propose quests: the grammar today, a trained model later. Every
/// proposal goes through `QuestValidator` before it is used.
///
/// Generation may take tens of milliseconds, so the server calls it off its game actor and
/// hands a generator that decodes several requests in one pass all that are waiting
/// (``generate(all:)``, at most ``preferredBatchSize``).
public protocol QuestGenerator: Sendable {
    func generate(_ request: QuestRequestContext) throws -> QuestSpec
    /// Several requests at once, one result each in the same order.
    func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>]
    /// How many requests ``generate(all:)`` handles well in one call.
    var preferredBatchSize: Int { get }
}

extension QuestGenerator {
    /// One at a time, for generators that gain nothing from batching.
    public func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] {
        requests.map { request in Result { try generate(request) } }
    }

    public var preferredBatchSize: Int { 1 }
}
