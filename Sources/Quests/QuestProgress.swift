import Foundation
import World

/// What the server knew at the moment of one accepted position.
public struct ProgressObservation: Hashable, Sendable {
    public var point: Point
    /// Unix ms (the server receive time of the accepted report).
    public var time: Int64
    /// Weather of the region at `point`; nil outside every region.
    public var weather: Weather?
    public var gameTime: GameTime

    public init(point: Point, time: Int64, weather: Weather?, gameTime: GameTime) {
        self.point = point
        self.time = time
        self.weather = weather
        self.gameTime = gameTime
    }

    /// Fills in weather and game time from the world.
    public init(point: Point, time: Int64, world: World) {
        let date = Date(timeIntervalSince1970: Double(time) / 1_000)
        self.init(point: point, time: time, weather: world.weather(at: point, date: date), gameTime: world.clock.gameTime(at: date))
    }
}

/// Something that happened to a participant's progress.
public enum ProgressEvent: Codable, Hashable, Sendable {
    /// One unit collected at a source: `have` of `need` so far.
    case collected(objective: Int, source: Int, have: Int, need: Int)
    case objectiveCompleted(Int)
    /// Every objective is done; the server may now record the participant as a winner.
    case questCompleted(at: Int64)
    /// The participant is in the right place but the weather or game hour is wrong.
    case conditionsNotMet(objective: Int)
    /// The observation was ignored: the quest is not active or its deadline has passed.
    case ignored(reason: String)
}

/// One participant's progress through one quest: a pure state machine the server
/// persists (it is Codable) and feeds with accepted positions.
///
/// Objectives complete in order. A reach objective completes inside its target circle;
/// a collect objective counts each distinct source once, until `count`. One position may
/// complete several objectives if they are satisfied at the same place.
public struct QuestProgress: Codable, Hashable, Sendable {
    public let questID: String
    public let account: String
    /// Index of the objective being worked on; equals the objective count when done.
    public private(set) var objectiveIndex: Int = 0
    /// Sources already collected for the current collect objective.
    public private(set) var collectedSources: [Int] = []
    /// Unix ms when the last objective completed.
    public private(set) var completedAt: Int64?

    public init(questID: String, account: String) {
        self.questID = questID
        self.account = account
    }

    public var isComplete: Bool { completedAt != nil }

    /// Advances by one accepted position.
    /// - Returns: what changed, in order; `.questCompleted` is last when it happens.
    public mutating func advance(in quest: Quest, with observation: ProgressObservation) -> [ProgressEvent] {
        guard !isComplete else { return [] }
        guard quest.status == .active else { return [.ignored(reason: "quest is \(quest.status.rawValue)")] }
        guard observation.time <= quest.deadline else { return [.ignored(reason: "the deadline has passed")] }
        guard observation.time >= quest.createdAt else { return [.ignored(reason: "before the quest began")] }

        var events: [ProgressEvent] = []
        while objectiveIndex < quest.objectives.count {
            let index = objectiveIndex
            let objective = quest.objectives[index]
            let conditionsHold = objective.conditions.isSatisfied(weather: observation.weather, gameTime: observation.gameTime)
            switch objective {
            case .reach(let reach):
                guard reach.target.contains(observation.point) else { return events }
                guard conditionsHold else { return events + [.conditionsNotMet(objective: index)] }
                finishObjective(index, at: observation.time, count: quest.objectives.count, events: &events)
            case .collect(let collect):
                guard let source = collect.sources.indices.first(where: {
                    !collectedSources.contains($0) && collect.sources[$0].contains(observation.point)
                }) else { return events }
                guard conditionsHold else { return events + [.conditionsNotMet(objective: index)] }
                collectedSources.append(source)
                events.append(.collected(objective: index, source: source, have: collectedSources.count, need: collect.count))
                guard collectedSources.count >= collect.count else { return events }
                finishObjective(index, at: observation.time, count: quest.objectives.count, events: &events)
            }
        }
        return events
    }

    private mutating func finishObjective(_ index: Int, at time: Int64, count: Int, events: inout [ProgressEvent]) {
        events.append(.objectiveCompleted(index))
        objectiveIndex += 1
        collectedSources = []
        if objectiveIndex == count {
            completedAt = time
            events.append(.questCompleted(at: time))
        }
    }
}
