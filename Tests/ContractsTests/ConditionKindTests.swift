import Contracts
import Quests
import Testing
import World

@Suite struct ConditionKindTests {
    @Test func reachCompletesInsideTheCircleAndOnItsEdge() {
        var progress = accepted(contract(.reach(Place.a)))
        let edge = ContractEvent.position(x: Place.a.x + 25, y: Place.a.y, at: 2_000, weather: .clear, gameHour: 12)
        #expect(progress.apply(edge) == [.completed(at: 2_000)])
        #expect(progress.phase == .completed)
    }

    @Test func reachIgnoresAPositionJustOutside() {
        var progress = accepted(contract(.reach(Place.a)))
        let outside = ContractEvent.position(x: Place.a.x + 25.001, y: Place.a.y, at: 2_000, weather: .clear, gameHour: 12)
        #expect(progress.apply(outside).isEmpty)
        #expect(progress.phase == .active)
    }

    @Test func collectCountsEachDistinctSourceOnce() {
        var progress = accepted(contract(.collect(item: "catnip-sprig", count: 2, sources: Place.sources)))
        #expect(progress.apply(at(Place.sources[1], 1_000)) == [.pickedUp(item: "catnip-sprig", source: 1, path: "condition")])
        #expect(progress.apply(at(Place.sources[1], 2_000)).isEmpty)
        #expect(progress.conditions[0].sources == [1])
        #expect(progress.apply(at(Place.sources[2], 3_000)) == [
            .pickedUp(item: "catnip-sprig", source: 2, path: "condition"), .completed(at: 3_000),
        ])
    }

    @Test func collectNeedsNoMoreThanItsCount() {
        var progress = accepted(contract(.collect(item: "catnip-sprig", count: 1, sources: Place.sources)))
        #expect(progress.apply(at(Place.sources[2])).completions == [1_000])
        #expect(progress.conditions[0].sources == [2])
    }

    @Test func collectWithAWhenConditionCountsOnlyPickUpsWhereItHolds() {
        var progress = accepted(contract(.collect(item: "snowdrop", count: 2, sources: Place.sources, when: .weather(in: [.snow]))))
        #expect(progress.apply(at(Place.sources[0], 1_000, weather: .rain)) == [.conditionsNotMet(path: "condition")])
        #expect(progress.conditions[0].sources.isEmpty)
        #expect(progress.apply(at(Place.sources[0], 2_000, weather: .snow)).pickUps == [0])
        #expect(progress.apply(at(Place.sources[1], 3_000, weather: .fog)) == [.conditionsNotMet(path: "condition")])
        #expect(progress.apply(at(Place.sources[1], 4_000, weather: .snow)).completions == [4_000])
    }

    @Test func weatherHoldsOnlyForAListedWeather() {
        var progress = accepted(contract(.weather(in: [.fog, .rain])))
        #expect(progress.apply(at(Place.a, 1_000, weather: .clear)).isEmpty)
        #expect(progress.apply(at(Place.a, 2_000, weather: .rain)).completions == [2_000])
    }

    @Test func weatherNeverHoldsOutsideEveryRegion() {
        var progress = accepted(contract(.weather(in: Weather.allCases)))
        #expect(progress.apply(at(Place.a, 1_000, weather: nil)).isEmpty)
        #expect(progress.phase == .active)
    }

    @Test func gameTimeIncludesItsFirstHourAndExcludesItsLast() {
        var progress = accepted(contract(.gameTime(fromHour: 12, toHour: 15)))
        #expect(progress.apply(at(Place.a, 1_000, hour: 11)).isEmpty)
        #expect(progress.apply(at(Place.a, 2_000, hour: 15)).isEmpty)
        #expect(progress.apply(at(Place.a, 3_000, hour: 12)).completions == [3_000])
    }

    @Test func gameTimeWrapsPastMidnightLikeGameTimeWindow() {
        for hour in 0...23 {
            var progress = accepted(contract(.gameTime(fromHour: 22, toHour: 3)))
            let completed = !progress.apply(at(Place.a, 1_000, hour: hour)).completions.isEmpty
            let window = GameTimeWindow(fromHour: 22, toHour: 3)
            #expect(completed == window.contains(GameTime(day: 3, hour: hour, minute: 30)), "hour \(hour)")
            #expect(completed == [22, 23, 0, 1, 2].contains(hour), "hour \(hour)")
        }
    }
}

