import Foundation
import Testing
import Quests
import World

@Suite struct GrammarQuestGeneratorTests {
    @Test func aThousandGeneratedQuestsAllPassTheValidator() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        var regions = Set<String>()
        var difficulties = Set<Int>()
        var motivations = Set<Motivation>()
        for context in sampleContexts(world: world) {
            let spec = try generator.generate(context)
            let origin = context.origin(regionID: spec.region)
            try QuestValidator.validate(spec, world: world, origin: origin, now: context.now)
            regions.insert(spec.region)
            difficulties.insert(spec.difficulty)
            motivations.insert(spec.motivation)
        }
        #expect(regions.count == world.regions.count)
        #expect(difficulties == Set(1...5))
        #expect(motivations.count == Motivation.allCases.count)
    }

    @Test("Conditions lean towards the live world: the weather there now, hours open now or soon")
    func conditionsFollowTheLiveWorld() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        var weather = (holding: 0, all: 0), hours = (soon: 0, all: 0)
        for (i, start) in [1_738_000_000.0, 1_738_050_000, 1_738_123_000].enumerated() {
            let now = Date(timeIntervalSince1970: start)
            let hour = world.clock.gameTime(at: now).hour
            for seed in 0..<300 {
                let request = QuestRequestContext(world: world, scope: .personal, difficulty: 5, seed: UInt64(i * 1_000 + seed), now: now)
                for objective in try generator.generate(request).objectives {
                    if case .reach(let reach) = objective, let kinds = reach.conditions.weather {
                        weather.all += 1
                        if let current = world.weather(at: reach.target.centre, date: now), kinds.contains(current) { weather.holding += 1 }
                    }
                    if let w = objective.conditions.gameTimeWindow {
                        hours.all += 1
                        if (hour - w.fromHour + 24) % 24 < w.hours || (w.fromHour - hour + 24) % 24 <= 6 { hours.soon += 1 }
                    }
                }
            }
        }
        // Chosen blindly, about a third of the weather sets hold and half the windows are near.
        #expect(weather.all > 100 && Double(weather.holding) / Double(weather.all) > 0.7, "\(weather)")
        #expect(hours.all > 100 && Double(hours.soon) / Double(hours.all) > 0.75, "\(hours)")
    }

    @Test func walkingTheRouteAtMaxSpeedFinishesBeforeTheDeadline() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        for context in sampleContexts(world: world, count: 250) {
            let spec = try generator.generate(context)
            let origin = context.origin(regionID: spec.region) ?? world.bounds.centre
            let quest = try makeQuest(spec, world: world, scope: context.scope, origin: origin, now: context.now)
            let result = walkAtMaxSpeed(quest, world: world, origin: origin)
            #expect(result.rejected == 0, "\(spec.title)")
            let completedAt = try #require(result.completedAt, "\(spec.title) [seed \(context.seed)] never completed")
            #expect(completedAt <= quest.deadline)
        }
    }

    @Test func theSameSeedGivesTheSameQuest() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        for context in sampleContexts(world: world, count: 40) {
            #expect(try generator.generate(context) == generator.generate(context))
        }
    }

    @Test func differentSeedsGiveDifferentQuests() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        let specs = try (1...30).map { seed in
            try generator.generate(QuestRequestContext(world: world, scope: .personal, region: "purrington", difficulty: 3, seed: UInt64(seed), now: testNow))
        }
        #expect(Set(specs.map(\.title)).count > 10)
        #expect(Set(specs).count == specs.count)
    }

    @Test func theRequestedRegionAndDifficultyAreHonoured() throws {
        let world = try shippedWorld()
        let spec = try GrammarQuestGenerator().generate(
            QuestRequestContext(world: world, scope: .global, region: "sunnap-dunes", difficulty: 4, seed: 9, now: testNow))
        #expect(spec.region == "sunnap-dunes")
        #expect(spec.difficulty == 4)
    }

    @Test func harderQuestsHaveMoreObjectivesLongerRoutesAndRarerItems() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        var objectives = [Double](repeating: 0, count: 5)
        var distance = [Double](repeating: 0, count: 5)
        var rarity = [Double](repeating: 0, count: 5)
        var conditions = [Double](repeating: 0, count: 5)
        let perLevel = 40
        for difficulty in 1...5 {
            for seed in 0..<perLevel {
                let spec = try generator.generate(QuestRequestContext(
                    world: world, scope: .personal, difficulty: difficulty, seed: UInt64(seed * 31 + difficulty), now: testNow))
                let route = QuestRoute(objectives: spec.objectives, origin: world.region(id: spec.region)?.centre ?? Point(x: 0, y: 0), world: world)
                objectives[difficulty - 1] += Double(spec.objectives.count)
                distance[difficulty - 1] += route.distance
                for objective in spec.objectives {
                    if case .collect(let collect) = objective { rarity[difficulty - 1] += Double(world.item(id: collect.item)?.rarity.rank ?? 0) }
                    if !objective.conditions.isEmpty { conditions[difficulty - 1] += 1 }
                }
            }
        }
        for level in 1..<5 {
            #expect(objectives[level] > objectives[level - 1])
            #expect(distance[level] > distance[level - 1])
            #expect(rarity[level] >= rarity[level - 1])
        }
        #expect(conditions[0] == 0)
        #expect(conditions[4] > conditions[1])
    }

    @Test func theTextNamesThePlacesAndItemsTheObjectivesUse() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        for context in sampleContexts(world: world, count: 100) {
            let spec = try generator.generate(context)
            for objective in spec.objectives {
                switch objective {
                case .reach(let reach):
                    let name = try #require(reach.poi.flatMap { world.pointOfInterest(id: $0) }?.name)
                    #expect(spec.description.contains(name))
                case .collect(let collect):
                    let name = try #require(world.item(id: collect.item)?.name)
                    #expect(spec.description.contains(name))
                }
            }
        }
    }

    @Test func anUnknownRegionIsRefused() throws {
        let world = try shippedWorld()
        #expect(throws: QuestGenerationError.self) {
            try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .personal, region: "atlantis", seed: 1, now: testNow))
        }
    }

    @Test func aDifficultyOutsideOneToFiveIsRefused() throws {
        let world = try shippedWorld()
        #expect(throws: QuestGenerationError.self) {
            try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .personal, difficulty: 6, seed: 1, now: testNow))
        }
    }
}
