import Testing
import Quests
import World
@testable import AntiCheat

@Suite struct RestrictionTests {
    let hour = 3_600.0
    let day = 86_400.0

    /// A model with a 2.4 km teleport at 12:00:01, 13:00:01, … (one per hour) on 2025-03-01.
    func model(strikes: Int, settings: AntiCheatSettings = AntiCheatSettings()) throws -> (MovementModel, [MovementRuling]) {
        let rules = try stripRules(settings)
        var model = MovementModel(account: "alice")
        var rulings: [MovementRuling] = []
        for index in 0..<strikes {
            rulings.append(model.teleportAcrossTheStrip(at: Double(index) * hour, rules: rules))
        }
        return (model, rulings)
    }

    @Test func oneStrikeRestrictsNothing() throws {
        let (model, rulings) = try model(strikes: 1)
        #expect(model.restriction(now: millis(10), settings: AntiCheatSettings()) == nil)
        #expect(rulings[0].restrictionChange == nil)
    }

    @Test func twoStrikesInTheWindowBarNFTClaimsOnly() throws {
        let (model, rulings) = try model(strikes: 2)
        let restriction = try #require(model.restriction(now: millis(hour + 10), settings: AntiCheatSettings()))
        #expect(restriction.level == .noClaims)
        #expect(restriction.level.blocksClaims && !restriction.level.blocksQuestRewards)
        #expect(restriction.strikes == 2)
        #expect(restriction.until == millis(1 + day))
        #expect(restriction.reason
            == "2 teleports in 24 h, the last 2.4 km at 2025-03-01 13:00 UTC; restricted from NFT claims until 2025-03-02 12:00 UTC.")
        let change = try #require(rulings[1].restrictionChange)
        #expect(change.previous == .unrestricted && change.level == .noClaims)
        #expect(change.reason == restriction.reason)
        #expect(rulings[1].events.map(\.kind) == ["movement.strike", "restriction.changed"])
    }

    @Test func threeStrikesAlsoBarQuestRewards() throws {
        let (model, rulings) = try model(strikes: 3)
        let restriction = try #require(model.restriction(now: millis(2 * hour + 10), settings: AntiCheatSettings()))
        #expect(restriction.level == .noClaimsOrRewards)
        #expect(restriction.level.blocksClaims && restriction.level.blocksQuestRewards)
        #expect(restriction.until == millis(1 + day))
        #expect(restriction.liftedAt == millis(hour + 1 + day))
        #expect(restriction.reason == "3 teleports in 24 h, the last 2.4 km at 2025-03-01 14:00 UTC; "
            + "restricted from NFT claims and quest rewards until 2025-03-02 12:00 UTC, "
            + "and from NFT claims until 2025-03-02 13:00 UTC.")
        #expect(rulings[2].restrictionChange?.previous == .noClaims)
        #expect(rulings[2].restrictionChange?.level == .noClaimsOrRewards)
    }

    @Test func strikesDecayOutOfTheWindowOneByOne() throws {
        let (model, _) = try model(strikes: 3)
        let settings = AntiCheatSettings()
        let firstExpires = millis(1 + day)
        #expect(model.restriction(now: firstExpires - 1, settings: settings)?.level == .noClaimsOrRewards)
        #expect(model.restriction(now: firstExpires, settings: settings)?.level == .noClaims)
        #expect(model.restriction(now: millis(hour + 1 + day) - 1, settings: settings)?.level == .noClaims)
        #expect(model.restriction(now: millis(hour + 1 + day), settings: settings) == nil)
    }

    @Test func refreshRecordsEachLiftOnce() throws {
        var (model, _) = try model(strikes: 3)
        let settings = AntiCheatSettings()
        #expect(model.refresh(now: millis(2 * hour + 10), settings: settings) == nil)
        let loweredEvent = model.refresh(now: millis(1 + day), settings: settings)
        let lowered = try #require(loweredEvent)
        #expect(lowered.previous == .noClaimsOrRewards && lowered.level == .noClaims)
        #expect(lowered.until == millis(hour + 1 + day))
        #expect(model.refresh(now: millis(1 + day + 5), settings: settings) == nil)
        let liftedEvent = model.refresh(now: millis(2 * hour + day), settings: settings)
        let lifted = try #require(liftedEvent)
        #expect(lifted.previous == .noClaims && lifted.level == .unrestricted)
        #expect(lifted.until == nil)
        #expect(lifted.reason
            == "Restriction lifted: 1 teleport in the last 24 h, fewer than the 2 that restrict NFT claims.")
        #expect(model.strikes.count == 1)
    }

    @Test func strikesOlderThanTheWindowAreForgottenAndNoLongerCount() throws {
        var (model, _) = try model(strikes: 2)
        let rules = try stripRules()
        // A day and a half later the first two have left the window: the next report, however
        // ordinary, records the claims restriction as lifted, and a new teleport counts alone.
        let step = model.evaluate(report(500, at: 1.5 * day), rules: rules)
        #expect(step.isAccepted)
        #expect(step.restrictionChange?.previous == .noClaims)
        #expect(step.restrictionChange?.level == .unrestricted)
        #expect(model.strikes.isEmpty)
        let third = model.evaluate(report(2_900, at: 1.5 * day + 1), rules: rules)
        #expect(third.strike?.strikesInWindow == 1)
        #expect(third.restrictionChange == nil)
        #expect(model.restriction(now: millis(1.5 * day + 2), settings: rules.settings) == nil)
    }

    @Test func theThresholdsAndWindowAreConfigurable() throws {
        var settings = AntiCheatSettings()
        settings.claimsRestrictionStrikes = 1
        settings.rewardsRestrictionStrikes = 1
        settings.strikeWindowSeconds = 2 * 3_600
        let (model, rulings) = try model(strikes: 1, settings: settings)
        let restriction = try #require(model.restriction(now: millis(10), settings: settings))
        #expect(restriction.level == .noClaimsOrRewards)
        #expect(restriction.until == millis(1 + 2 * hour))
        #expect(restriction.reason == "1 teleport in 2 h, the last 2.4 km at 2025-03-01 12:00 UTC; "
            + "restricted from NFT claims and quest rewards until 2025-03-01 14:00 UTC.")
        #expect(rulings[0].restrictionChange?.level == .noClaimsOrRewards)
    }

    @Test func ordinaryRejectionsNeverRestrict() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.evaluate(report(100, at: 0), rules: rules)
        for step in 1...50 {
            // 30 m/s, again and again: refused, never struck.
            let ruling = model.evaluate(report(100 + 300, at: Double(step) * 10), rules: rules)
            #expect(ruling.strike == nil)
        }
        #expect(model.strikes.isEmpty)
        #expect(model.restriction(now: millis(1_000), settings: rules.settings) == nil)
    }

    @Test func reasonTimesAreUTCCalendarDates() {
        #expect(ReasonText.time(0) == "1970-01-01 00:00 UTC")
        #expect(ReasonText.time(1_709_164_800_000) == "2024-02-29 00:00 UTC")
        #expect(ReasonText.time(t0 + 3_723_000) == "2025-03-01 13:02 UTC")
        #expect(ReasonText.time(-60_000) == "1969-12-31 23:59 UTC")
        #expect(ReasonText.distance(850.4) == "850 m")
        #expect(ReasonText.distance(4_249) == "4.2 km")
        #expect(ReasonText.duration(seconds: 5_400) == "90 min")
    }
}
