import Foundation
import Ledger
import Quests
import World

let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedWorld() throws -> World {
    try World.loadDefault(root: repositoryRoot)
}

/// A fixed "now" a few weeks after the map's epoch, so results never depend on the wall clock.
let testNow = Date(timeIntervalSince1970: 1_738_000_000)

func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000).rounded()) }

/// The request contexts the big tests share: every region × difficulty × scope, then
/// free choices, 1,000 in all.
func sampleContexts(world: World, count: Int = 1_000) -> [QuestRequestContext] {
    var contexts: [QuestRequestContext] = []
    var rng = SplitMix64(seed: 2024)
    var seed: UInt64 = 1
    while contexts.count < count {
        for region in world.regions {
            for difficulty in 1...5 {
                for scope in QuestScope.allCases where contexts.count < count {
                    let position = Point(x: (rng.nextUnit() * 20_000).rounded(), y: (rng.nextUnit() * 20_000).rounded())
                    let free = seed % 7 == 0
                    contexts.append(QuestRequestContext(
                        world: world, scope: scope, region: free ? nil : region.id, difficulty: free ? nil : difficulty,
                        requesterPosition: scope == .personal ? position : nil, seed: seed,
                        now: testNow.addingTimeInterval(Double(seed % 97) * 611)))
                    seed += 1
                }
            }
        }
    }
    return contexts
}

/// Builds a stored quest from a spec the way the server would.
func makeQuest(
    _ spec: QuestSpec, world: World, scope: QuestScope = .personal, requester: String = "alice", origin: Point? = nil,
    now: Date = testNow, status: QuestStatus = .active
) throws -> Quest {
    let quote = try QuestPricing.quote(spec: spec, world: world, origin: origin, scope: scope)
    var quest = Quest(id: "q-1", spec: spec, scope: scope, requester: requester, quote: quote, createdAt: millis(now))
    quest.status = status
    return quest
}

/// Walks a quest's reference route at full speed, reporting every second through
/// `MovementCheck` and `QuestProgress`, waiting at each stop until it counts.
/// - Returns: when the quest completed (nil if never) and how many reports were rejected.
func walkAtMaxSpeed(_ quest: Quest, world: World, origin: Point, account: String = "alice") -> (completedAt: Int64?, rejected: Int) {
    var check = MovementCheck(settings: MovementSettings(world: world.settings))
    var progress = QuestProgress(questID: quest.id, account: account)
    var rejected = 0
    var time = quest.createdAt
    var position = origin

    func report() {
        let verdict = check.check(PositionReport(point: position, clientTime: time, serverTime: time), in: world)
        guard verdict == .accepted else {
            rejected += 1
            return
        }
        _ = progress.advance(in: quest, with: ProgressObservation(point: position, time: time, world: world))
    }

    report()
    let route = QuestRoute(objectives: quest.objectives, origin: origin, world: world)
    let step = world.settings.maxSpeed
    for stop in route.stops {
        let target = stop.target.centre
        while position != target && time <= quest.deadline {
            time += 1_000
            let remaining = position.distance(to: target)
            if remaining <= step {
                position = target
            } else {
                position = Point(
                    x: position.x + (target.x - position.x) / remaining * step,
                    y: position.y + (target.y - position.y) / remaining * step)
            }
            report()
        }
        func done() -> Bool {
            if progress.isComplete || progress.objectiveIndex > stop.objective { return true }
            if let source = stop.source, progress.objectiveIndex == stop.objective { return progress.collectedSources.contains(source) }
            return false
        }
        while !done() && time <= quest.deadline {
            time += 2_000
            report()
        }
    }
    return (progress.completedAt, rejected)
}
