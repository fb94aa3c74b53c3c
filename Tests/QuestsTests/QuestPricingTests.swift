import Foundation
import Ledger
import Testing
import Quests
import World

@Suite struct QuestPricingTests {
    func averageQuotes(scope: QuestScope) throws -> [(price: Double, reward: Double)] {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        return try (1...5).map { difficulty in
            var price = 0.0
            var reward = 0.0
            for seed in 0..<40 {
                let context = QuestRequestContext(world: world, scope: scope, difficulty: difficulty, seed: UInt64(seed * 7 + difficulty), now: testNow)
                let spec = try generator.generate(context)
                let quote = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: scope)
                price += Double(quote.price.micro)
                reward += Double(quote.reward.micro)
            }
            return (price / 40, reward / 40)
        }
    }

    @Test func averagePriceAndRewardRiseWithDifficulty() throws {
        let averages = try averageQuotes(scope: .personal)
        for level in 1..<5 {
            #expect(averages[level].price > averages[level - 1].price)
            #expect(averages[level].reward > averages[level - 1].reward)
        }
    }

    @Test func thePriceAlwaysCoversTheRewardsPoolAndTheFee() throws {
        let world = try shippedWorld()
        let generator = GrammarQuestGenerator()
        for context in sampleContexts(world: world, count: 200) {
            let spec = try generator.generate(context)
            let quote = try QuestPricing.quote(spec: spec, world: world, origin: context.origin(regionID: spec.region), scope: context.scope)
            let b = quote.breakdown
            #expect(b.rewardsPool.micro == quote.reward.micro * Int64(b.winners))
            #expect(b.rewardsPool.micro + b.treasuryFee.micro == quote.price.micro)
            #expect(quote.reward.micro >= EconomyConfig().minRewardMicro)
            #expect(quote.reward.micro <= EconomyConfig().maxRewardMicro)
        }
    }

    @Test func aGlobalQuestCostsMoreAndHasManyWinners() throws {
        let world = try shippedWorld()
        let spec = try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .global, difficulty: 3, seed: 5, now: testNow))
        let personal = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .personal)
        let global = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .global)
        #expect(global.breakdown.winners == EconomyConfig().defaultGlobalMaxWinners)
        #expect(personal.breakdown.winners == 1)
        #expect(global.reward == personal.reward)
        #expect(global.price > personal.price)
    }

    @Test func aTighterTimeLimitPaysMore() throws {
        let world = try shippedWorld()
        var spec = try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .personal, difficulty: 3, seed: 11, now: testNow))
        let relaxed = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .personal)
        spec.timeLimit /= 2
        let tight = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .personal)
        #expect(tight.reward > relaxed.reward)
    }

    @Test func theQuoteIsDeterministic() throws {
        let world = try shippedWorld()
        let spec = try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .personal, difficulty: 5, seed: 3, now: testNow))
        let a = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .personal)
        let b = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .personal)
        #expect(a == b)
    }
}

@Suite struct EconomyConfigTests {
    @Test func aConfigFileNeedOnlyNameWhatItChanges() throws {
        let config = try JSONDecoder().decode(EconomyConfig.self, from: Data(#"{"treasuryShareBps": 500}"#.utf8))
        #expect(config.treasuryShareBps == 500)
        #expect(config.defaultGlobalMaxWinners == EconomyConfig().defaultGlobalMaxWinners)
        #expect(try JSONDecoder().decode(EconomyConfig.self, from: JSONEncoder().encode(EconomyConfig())) == EconomyConfig())
    }

    @Test func aLargerTreasuryShareRaisesThePriceNotTheReward() throws {
        let world = try shippedWorld()
        let spec = try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .personal, difficulty: 5, seed: 8, now: testNow))
        var greedy = EconomyConfig()
        greedy.treasuryShareBps = 3_000
        let normal = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .personal)
        let costly = try QuestPricing.quote(spec: spec, world: world, origin: nil, scope: .personal, config: greedy)
        #expect(costly.reward == normal.reward)
        #expect(costly.price > normal.price)
    }
}
