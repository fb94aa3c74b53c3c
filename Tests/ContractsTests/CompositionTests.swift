import Contracts
import Testing
import World

@Suite struct CompositionTests {
    @Test func allInOrderCompletesStepsOnlyInOrder() {
        var progress = accepted(contract(.allInOrder([.reach(Place.a), .reach(Place.b)])))
        #expect(progress.apply(at(Place.b, 1_000)).isEmpty)
        #expect(progress.apply(at(Place.a, 2_000)) == [.stepCompleted(path: "condition.allInOrder[0]")])
        #expect(progress.apply(at(Place.b, 3_000)) == [.stepCompleted(path: "condition.allInOrder[1]"), .completed(at: 3_000)])
    }

    @Test func oneObservationMayCompleteSeveralConsecutiveSteps() {
        let rain = ContractCondition.weather(in: [.rain])
        var progress = accepted(contract(.allInOrder([.reach(Place.a), rain, .gameTime(fromHour: 10, toHour: 14), .reach(Place.b)])))
        let outcomes = progress.apply(at(Place.a, 1_000, weather: .rain, hour: 12))
        #expect(outcomes == [
            .stepCompleted(path: "condition.allInOrder[0]"), .stepCompleted(path: "condition.allInOrder[1]"),
            .stepCompleted(path: "condition.allInOrder[2]"),
        ])
        #expect(progress.conditions[0].step == 3)
    }

    @Test func aCollectStepAndTheNextStepCanCompleteTogether() {
        let source = Place.sources[0]
        let here = ContractArea(x: source.x, y: source.y, radius: 5)
        var progress = accepted(contract(.allInOrder([.collect(item: "pebble", count: 1, sources: [source]), .reach(here)])))
        #expect(progress.apply(at(source, 1_000)) == [
            .pickedUp(item: "pebble", source: 0, path: "condition.allInOrder[0]"),
            .stepCompleted(path: "condition.allInOrder[0]"), .stepCompleted(path: "condition.allInOrder[1]"),
            .completed(at: 1_000),
        ])
    }

    @Test func allNeedsEveryPartAtTheSameObservation() {
        var progress = accepted(contract(.all([.reach(Place.a), .weather(in: [.fog]), .gameTime(fromHour: 20, toHour: 4)])))
        // Each part held once, but never together.
        #expect(progress.apply(at(Place.a, 1_000, weather: .clear, hour: 12)) == [.conditionsNotMet(path: "condition")])
        #expect(progress.apply(at(Place.b, 2_000, weather: .fog, hour: 22)).isEmpty)
        #expect(progress.phase == .active)
        #expect(progress.apply(at(Place.a, 3_000, weather: .fog, hour: 22)).completions == [3_000])
    }

    @Test func allWithAStatefulPartWaitsForItThenNeedsTheInstantPartsAtOnce() {
        let sequence = ContractCondition.allInOrder([.reach(Place.a), .reach(Place.b)])
        var progress = accepted(contract(.all([sequence, .weather(in: [.rain])])))
        #expect(progress.apply(at(Place.a, 1_000, weather: .rain)) == [.stepCompleted(path: "condition.all[0].allInOrder[0]")])
        #expect(progress.apply(at(Place.b, 2_000, weather: .clear)) == [
            .stepCompleted(path: "condition.all[0].allInOrder[1]"), .stepCompleted(path: "condition.all[0]"),
        ])
        #expect(progress.phase == .active)
        // The sequence stays done; only the weather was missing.
        #expect(progress.apply(at(Place.nowhere, 3_000, weather: .rain)) == [.completed(at: 3_000)])
    }

    @Test func anyOfIsWonByTheFirstBranchToComplete() {
        var progress = accepted(contract(.anyOf([.reach(Place.a), .reach(Place.b)])))
        #expect(progress.apply(at(Place.b, 1_000)) == [.stepCompleted(path: "condition.anyOf[1]"), .completed(at: 1_000)])
        #expect(progress.conditions[0].step == 1)
    }

    @Test func anyOfPrefersTheLowerBranchWhenTwoCompleteAtOnce() {
        let wide = ContractArea(x: Place.b.x, y: Place.b.y, radius: 500)
        var progress = accepted(contract(.anyOf([.reach(wide), .reach(Place.b)])))
        #expect(progress.apply(at(Place.b, 1_000)).stepPaths == ["condition.anyOf[0]"])
    }

    @Test func anyOfBranchesKeepTheirOwnProgress() {
        let gather = ContractCondition.collect(item: "pebble", count: 2, sources: Place.sources)
        let tour = ContractCondition.allInOrder([.reach(Place.a), .reach(Place.b), .reach(Place.c)])
        var progress = accepted(contract(.anyOf([gather, tour])))
        #expect(progress.apply(at(Place.a, 1_000)) == [.stepCompleted(path: "condition.anyOf[1].allInOrder[0]")])
        #expect(progress.apply(at(Place.sources[0], 2_000)) == [.pickedUp(item: "pebble", source: 0, path: "condition.anyOf[0]")])
        #expect(progress.apply(at(Place.b, 3_000)) == [.stepCompleted(path: "condition.anyOf[1].allInOrder[1]")])
        // The tour was not reset by the pick-up, nor the pick-up by the tour.
        #expect(progress.apply(at(Place.c, 4_000)).stepPaths == [
            "condition.anyOf[1].allInOrder[2]", "condition.anyOf[1]",
        ])
        #expect(progress.completedAt == 4_000)
        #expect(progress.conditions[1].sources == [0])
    }

    @Test func aBranchThatLosesKeepsItsProgressButCannotWinLater() {
        let gather = ContractCondition.collect(item: "pebble", count: 2, sources: Place.sources)
        var progress = accepted(contract(.allInOrder([.anyOf([gather, .reach(Place.a)]), .reach(Place.b)])))
        _ = progress.apply(at(Place.sources[0], 1_000))
        #expect(progress.apply(at(Place.a, 2_000)).stepPaths == ["condition.allInOrder[0].anyOf[1]", "condition.allInOrder[0]"])
        #expect(progress.apply(at(Place.sources[1], 3_000)).isEmpty)
        #expect(progress.apply(at(Place.b, 4_000)).completions == [4_000])
    }

    @Test func anInstantAnyOfInsideAllIsJudgedAtTheObservation() {
        let wet = ContractCondition.anyOf([.weather(in: [.rain]), .weather(in: [.storm])])
        var progress = accepted(contract(.all([.reach(Place.a), wet])))
        #expect(progress.apply(at(Place.a, 1_000, weather: .fog)) == [.conditionsNotMet(path: "condition")])
        #expect(progress.apply(at(Place.a, 2_000, weather: .storm)).completions == [2_000])
    }

    @Test func unmetConditionsHoldBackAStepAndEverythingAfterIt() {
        let foggyA = ContractCondition.all([.reach(Place.a), .weather(in: [.fog])])
        var progress = accepted(contract(.allInOrder([foggyA, .reach(Place.b)])))
        #expect(progress.apply(at(Place.a, 1_000, weather: .rain)) == [.conditionsNotMet(path: "condition.allInOrder[0]")])
        #expect(progress.apply(at(Place.b, 2_000, weather: .fog)).isEmpty)
        #expect(progress.conditions[0].step == 0)
    }
}
