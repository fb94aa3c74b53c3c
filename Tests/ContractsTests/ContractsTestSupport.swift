import Contracts
import Foundation
import Quests
import World

let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedWorld() throws -> World {
    try World.loadDefault(root: repositoryRoot)
}

/// A fixed "now" a few weeks after the map's epoch, so nothing depends on the wall clock.
let testNow = Date(timeIntervalSince1970: 1_738_000_000)

func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000).rounded()) }

/// Places used across the tests, far enough apart that no two overlap.
enum Place {
    static let a = ContractArea(x: 1_000, y: 1_000, radius: 25, poi: "kittenford")
    static let b = ContractArea(x: 2_000, y: 1_000, radius: 25)
    static let c = ContractArea(x: 3_000, y: 1_000, radius: 25)
    static let sources = [
        ContractArea(x: 5_000, y: 1_000, radius: 30), ContractArea(x: 5_500, y: 1_000, radius: 30),
        ContractArea(x: 6_000, y: 1_000, radius: 30),
    ]
    static let nowhere = ContractArea(x: 9_000, y: 9_000, radius: 1)
}

/// A contract over `condition`, created at 0 with a deadline at 100 s.
func contract(_ condition: ContractCondition, createdAt: Int64 = 0, deadline: Int64 = 100_000) -> QuestContract {
    QuestContract(questID: "q-1", createdAt: createdAt, deadline: deadline, maxWinners: 1, condition: condition)
}

/// A position event at the centre of `area`.
func at(_ area: ContractArea, _ time: Int64 = 1_000, weather: Weather? = .clear, hour: Int = 12) -> ContractEvent {
    .position(x: area.x, y: area.y, at: time, weather: weather, gameHour: hour)
}

/// A participant who accepted at time 0.
func accepted(_ contract: QuestContract) -> ContractProgress {
    var progress = ContractProgress(contract: contract)
    _ = progress.apply(.accepted(at: contract.createdAt))
    return progress
}

extension ContractProgress {
    /// Applies events in order and returns every outcome.
    mutating func apply(_ events: [ContractEvent]) -> [ContractOutcome] {
        events.flatMap { apply($0) }
    }
}

extension [ContractOutcome] {
    var completions: [Int64] {
        compactMap { if case .completed(let at) = $0 { at } else { nil } }
    }

    var stepPaths: [String] {
        compactMap { if case .stepCompleted(let path) = $0 { path } else { nil } }
    }

    var pickUps: [Int] {
        compactMap { if case .pickedUp(_, let source, _) = $0 { source } else { nil } }
    }
}

/// An active quest with the given objectives; built from JSON so the tests need no ledger types.
func makeQuest(_ objectives: [Objective], createdAt: Int64 = 0, deadline: Int64 = 100_000, maxWinners: Int = 1) throws -> Quest {
    let json = #"""
    {"id":"q-1","scope":"global","requester":"alice","title":"t","description":"d","region":"catnip-meadows",
     "difficulty":1,"motivation":"comfort","objectives":[],"reward":"1000000","price":"3000000","maxWinners":1,
     "createdAt":0,"deadline":1,"status":"active","winners":[]}
    """#
    var quest = try JSONDecoder().decode(Quest.self, from: Data(json.utf8))
    quest.objectives = objectives
    quest.createdAt = createdAt
    quest.deadline = deadline
    quest.maxWinners = maxWinners
    return quest
}

/// A quest the generator writes, stored the way the server stores it, active from its creation.
func generatedQuest(_ context: QuestRequestContext, id: String) throws -> Quest {
    let spec = try GrammarQuestGenerator().generate(context)
    let origin = context.origin(regionID: spec.region)
    let quote = try QuestPricing.quote(spec: spec, world: context.world, origin: origin, scope: context.scope)
    var quest = Quest(id: id, spec: spec, scope: context.scope, requester: "alice", quote: quote, createdAt: millis(context.now))
    quest.status = .active
    return quest
}
