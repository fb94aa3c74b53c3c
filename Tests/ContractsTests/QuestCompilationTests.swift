import Contracts
import Foundation
import Quests
import Testing
import World

@Suite struct QuestCompilationTests {
    let target = TargetArea(x: 1_200, y: 1_500, radius: 25)
    let sources = [TargetArea(x: 900, y: 1_300, radius: 30), TargetArea(x: 990, y: 1_310, radius: 30)]

    @Test func objectivesBecomeOneStepEachInOrder() throws {
        let quest = try makeQuest([
            .reach(ReachObjective(target: target, poi: "kittenford")),
            .collect(CollectObjective(item: "catnip-sprig", count: 2, sources: sources)),
        ], createdAt: 5, deadline: 3_600_005, maxWinners: 3)
        let compiled = try QuestContract(quest: quest)
        #expect(compiled == QuestContract(
            questID: "q-1", createdAt: 5, deadline: 3_600_005, maxWinners: 3,
            condition: .allInOrder([
                .reach(ContractArea(x: 1_200, y: 1_500, radius: 25, poi: "kittenford")),
                .collect(item: "catnip-sprig", count: 2, sources: sources.map { ContractArea($0) }),
            ])))
    }

    @Test func aReachWithConditionsBecomesAllOfPlaceWeatherAndTime() throws {
        let conditions = ObjectiveConditions(weather: [.fog, .rain], gameTimeWindow: GameTimeWindow(fromHour: 20, toHour: 4))
        let compiled = try QuestContract(quest: makeQuest([.reach(ReachObjective(target: target, conditions: conditions))]))
        #expect(compiled.condition == .allInOrder([
            .all([.reach(ContractArea(target)), .weather(in: [.fog, .rain]), .gameTime(fromHour: 20, toHour: 4)]),
        ]))
    }

    @Test func aCollectKeepsItsConditionsForEachPickUp() throws {
        let window = ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: 4, toHour: 8))
        let one = try QuestContract(quest: makeQuest([.collect(CollectObjective(item: "dew", count: 1, sources: sources, conditions: window))]))
        #expect(one.condition == .allInOrder([
            .collect(item: "dew", count: 1, sources: sources.map { ContractArea($0) }, when: .gameTime(fromHour: 4, toHour: 8)),
        ]))
        let both = ObjectiveConditions(weather: [.snow], gameTimeWindow: GameTimeWindow(fromHour: 4, toHour: 8))
        let two = try QuestContract(quest: makeQuest([.collect(CollectObjective(item: "dew", count: 1, sources: sources, conditions: both))]))
        #expect(two.condition == .allInOrder([
            .collect(
                item: "dew", count: 1, sources: sources.map { ContractArea($0) },
                when: .all([.weather(in: [.snow]), .gameTime(fromHour: 4, toHour: 8)])),
        ]))
    }

    @Test func aQuestThatBreaksAContractRuleDoesNotCompile() throws {
        let empty = try makeQuest([])
        #expect(throws: ContractError.self) { try QuestContract(quest: empty) }
        let noWeather = try makeQuest([.reach(ReachObjective(target: target, conditions: ObjectiveConditions(weather: [])))])
        let error = try #require(throws: ContractError.self) { try QuestContract(quest: noWeather) }
        #expect(error.path == "condition.allInOrder[0].all[1].weather")
    }

    @Test func aCompiledExampleHasTheDocumentedJSON() throws {
        let quest = try makeQuest([
            .reach(ReachObjective(target: target, poi: "kittenford", conditions: ObjectiveConditions(weather: [.fog, .rain]))),
            .collect(CollectObjective(
                item: "catnip-sprig", count: 2, sources: sources,
                conditions: ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: 20, toHour: 4)))),
            .reach(ReachObjective(target: TargetArea(x: 2_000, y: 1_000, radius: 25), poi: "old-mill")),
        ], createdAt: 1_738_000_000_000, deadline: 1_738_003_600_000)
        let compiled = try QuestContract(quest: quest)
        // The same text is in docs/contracts-language.md.
        #expect(try compiled.canonicalJSON() == #"{"condition":{"allInOrder":[{"all":[{"reach":{"poi":"kittenford","radius":25,"x":1200,"y":1500}},{"weather":["fog","rain"]}]},{"collect":{"count":2,"item":"catnip-sprig","sources":[{"radius":30,"x":900,"y":1300},{"radius":30,"x":990,"y":1310}],"when":{"gameTime":{"fromHour":20,"toHour":4}}}},{"reach":{"poi":"old-mill","radius":25,"x":2000,"y":1000}}]},"createdAt":1738000000000,"deadline":1738003600000,"maxWinners":1,"questID":"q-1","v":1}"#)
        #expect(try compiled.contractHash() == "862241f52d54eae841676570afeaa52416b1853539e3ce502aa1d6778603dc8c")
    }

    @Test func everyGeneratedQuestCompilesToAValidContract() throws {
        let world = try shippedWorld()
        for seed in 0..<60 {
            let context = QuestRequestContext(world: world, scope: seed % 2 == 0 ? .personal : .global, seed: UInt64(seed), now: testNow)
            let quest = try generatedQuest(context, id: "q-\(seed)")
            let compiled = try QuestContract(quest: quest)
            #expect(compiled.condition.children.count == quest.objectives.count)
            #expect(try QuestContract.decode(Data(compiled.canonicalJSON().utf8)) == compiled)
        }
    }

    @Test func theDocumentedWalkthroughYieldsTheDocumentedOutcomes() throws {
        let quest = try makeQuest([
            .reach(ReachObjective(target: target, poi: "kittenford", conditions: ObjectiveConditions(weather: [.fog, .rain]))),
            .collect(CollectObjective(
                item: "catnip-sprig", count: 2, sources: sources,
                conditions: ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: 20, toHour: 4)))),
            .reach(ReachObjective(target: TargetArea(x: 2_000, y: 1_000, radius: 25), poi: "old-mill")),
        ], createdAt: 1_000, deadline: 100_000)
        var progress = ContractProgress(contract: try QuestContract(quest: quest))
        func position(_ area: TargetArea, _ time: Int64, weather: Weather = .clear, hour: Int = 12) -> ContractEvent {
            .position(x: area.x, y: area.y, at: time, weather: weather, gameHour: hour)
        }
        let mill = TargetArea(x: 2_000, y: 1_000, radius: 25)
        #expect(progress.apply(.accepted(at: 1_000)) == [.accepted(at: 1_000)])
        #expect(progress.apply(position(target, 2_000)) == [.conditionsNotMet(path: "condition.allInOrder[0]")])
        #expect(progress.apply(position(target, 3_000, weather: .rain)) == [.stepCompleted(path: "condition.allInOrder[0]")])
        #expect(progress.apply(position(sources[1], 4_000, hour: 21)) == [
            .pickedUp(item: "catnip-sprig", source: 1, path: "condition.allInOrder[1]"),
        ])
        #expect(progress.apply(position(sources[1], 5_000, hour: 21)).isEmpty)
        #expect(progress.apply(position(sources[0], 6_000, hour: 13)) == [.conditionsNotMet(path: "condition.allInOrder[1]")])
        #expect(progress.apply(position(sources[0], 7_000, hour: 2)) == [
            .pickedUp(item: "catnip-sprig", source: 0, path: "condition.allInOrder[1]"),
            .stepCompleted(path: "condition.allInOrder[1]"),
        ])
        #expect(progress.apply(position(mill, 8_000)) == [.stepCompleted(path: "condition.allInOrder[2]"), .completed(at: 8_000)])
        #expect(progress.apply(.settled(at: 9_000)) == [.settled(at: 9_000)])
    }
}
