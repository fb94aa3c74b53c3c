import Foundation
import Ledger
import Testing
import Quests
import World

@Suite struct QuestProgressTests {
    let a = TargetArea(x: 1_000, y: 1_000, radius: 25)
    let b = TargetArea(x: 2_000, y: 1_000, radius: 25)
    let sources = [TargetArea(x: 3_000, y: 1_000, radius: 30), TargetArea(x: 3_500, y: 1_000, radius: 30), TargetArea(x: 4_000, y: 1_000, radius: 30)]
    let noon = GameTime(day: 1, hour: 12, minute: 0)

    func quest(_ objectives: [Objective], deadline: Int64 = 10_000_000) -> Quest {
        Quest(
            id: "q", scope: .personal, requester: "alice", title: "t", description: "d", region: "catnip-meadows",
            difficulty: 1, motivation: .comfort, objectives: objectives, reward: .pur(1), price: .pur(2), maxWinners: 1,
            createdAt: 0, deadline: deadline, status: .active)
    }

    func at(_ area: TargetArea, _ time: Int64 = 1_000, weather: Weather = .clear, hour: Int = 12) -> ProgressObservation {
        ProgressObservation(point: area.centre, time: time, weather: weather, gameTime: GameTime(day: 1, hour: hour, minute: 0))
    }

    @Test func objectivesCompleteOnlyInOrder() {
        let q = quest([.reach(ReachObjective(target: a)), .reach(ReachObjective(target: b))])
        var progress = QuestProgress(questID: "q", account: "alice")
        #expect(progress.advance(in: q, with: at(b)).isEmpty)
        #expect(progress.advance(in: q, with: at(a)) == [.objectiveCompleted(0)])
        #expect(progress.advance(in: q, with: at(b, 2_000)) == [.objectiveCompleted(1), .questCompleted(at: 2_000)])
        #expect(progress.isComplete)
    }

    @Test func aPositionJustInsideTheRadiusCounts() {
        let q = quest([.reach(ReachObjective(target: a))])
        var progress = QuestProgress(questID: "q", account: "alice")
        let near = ProgressObservation(point: Point(x: 1_024, y: 1_000), time: 5, weather: .clear, gameTime: noon)
        let far = ProgressObservation(point: Point(x: 1_026, y: 1_000), time: 5, weather: .clear, gameTime: noon)
        #expect(progress.advance(in: q, with: far).isEmpty)
        #expect(progress.advance(in: q, with: near).contains(.objectiveCompleted(0)))
    }

    @Test func eachDistinctSourceCountsOnce() {
        let q = quest([.collect(CollectObjective(item: "dandelion-puff", count: 2, sources: sources))])
        var progress = QuestProgress(questID: "q", account: "alice")
        #expect(progress.advance(in: q, with: at(sources[1])) == [.collected(objective: 0, source: 1, have: 1, need: 2)])
        #expect(progress.advance(in: q, with: at(sources[1], 2_000)).isEmpty)
        #expect(progress.collectedSources == [1])
        #expect(progress.advance(in: q, with: at(sources[2], 3_000)) == [
            .collected(objective: 0, source: 2, have: 2, need: 2), .objectiveCompleted(0), .questCompleted(at: 3_000),
        ])
    }

    @Test func aWeatherConditionHoldsBackTheObjective() {
        let q = quest([.reach(ReachObjective(target: a, conditions: ObjectiveConditions(weather: [.fog, .rain])))])
        var progress = QuestProgress(questID: "q", account: "alice")
        #expect(progress.advance(in: q, with: at(a, weather: .clear)) == [.conditionsNotMet(objective: 0)])
        #expect(progress.advance(in: q, with: at(a, 2_000, weather: .fog)).contains(.questCompleted(at: 2_000)))
    }

    @Test func aTimeWindowThatWrapsPastMidnightIsHonoured() {
        let q = quest([.reach(ReachObjective(target: a, conditions: ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: 22, toHour: 3))))])
        var progress = QuestProgress(questID: "q", account: "alice")
        #expect(progress.advance(in: q, with: at(a, hour: 12)) == [.conditionsNotMet(objective: 0)])
        #expect(progress.advance(in: q, with: at(a, hour: 3)) == [.conditionsNotMet(objective: 0)])
        #expect(progress.advance(in: q, with: at(a, hour: 1)).contains(.objectiveCompleted(0)))
    }

    @Test func aCollectConditionAppliesToEachUnit() {
        let q = quest([.collect(CollectObjective(item: "dandelion-puff", count: 1, sources: sources, conditions: ObjectiveConditions(weather: [.snow])))])
        var progress = QuestProgress(questID: "q", account: "alice")
        #expect(progress.advance(in: q, with: at(sources[0], weather: .rain)) == [.conditionsNotMet(objective: 0)])
        #expect(progress.collectedSources.isEmpty)
        #expect(progress.advance(in: q, with: at(sources[0], weather: .snow)).contains(.objectiveCompleted(0)))
    }

    @Test func reportsAfterTheDeadlineAreIgnored() {
        let q = quest([.reach(ReachObjective(target: a))], deadline: 500)
        var progress = QuestProgress(questID: "q", account: "alice")
        #expect(progress.advance(in: q, with: at(a, 501)) == [.ignored(reason: "the deadline has passed")])
        #expect(!progress.isComplete)
    }

    @Test func reportsForAnInactiveQuestAreIgnored() {
        var q = quest([.reach(ReachObjective(target: a))])
        q.status = .expired
        var progress = QuestProgress(questID: "q", account: "alice")
        #expect(progress.advance(in: q, with: at(a)) == [.ignored(reason: "quest is expired")])
    }

    @Test func progressSurvivesAJSONRoundTrip() throws {
        let q = quest([.collect(CollectObjective(item: "dandelion-puff", count: 3, sources: sources))])
        var progress = QuestProgress(questID: "q", account: "alice")
        _ = progress.advance(in: q, with: at(sources[2]))
        let decoded = try JSONDecoder().decode(QuestProgress.self, from: JSONEncoder().encode(progress))
        #expect(decoded == progress)
        #expect(decoded.collectedSources == [2])
    }

    @Test func theObservationTakesWeatherAndGameTimeFromTheWorld() throws {
        let world = try shippedWorld()
        let point = Point(x: 9_800, y: 9_400)
        let observation = ProgressObservation(point: point, time: millis(testNow), world: world)
        #expect(observation.weather == world.weather(at: point, date: testNow))
        #expect(observation.gameTime == world.clock.gameTime(at: testNow))
    }
}
