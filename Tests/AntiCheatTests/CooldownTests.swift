import Testing
import Quests
import World
@testable import AntiCheat

@Suite struct CooldownTests {
    @Test func theCooldownIsTheBasePlusAMinutePerKilometre() throws {
        let rules = try stripRules()
        var short = MovementModel(account: "alice")
        _ = short.evaluate(report(100, at: 0), rules: rules)
        let hop = short.evaluate(report(1_100, at: 1), rules: rules)
        #expect(hop.verdict == .teleport(distance: 1_000))
        // 30 s + 60 s × 1 km.
        #expect(hop.strike?.cooldownUntil == millis(1 + 90))
        #expect(short.coolingDownUntil == millis(91))

        var long = MovementModel(account: "bob")
        let jump = long.teleportAcrossTheStrip(at: 0, rules: rules)
        // 30 s + 60 s × 2.4 km.
        #expect(jump.strike?.cooldownUntil == millis(1 + 174))
    }

    @Test func theCooldownGrowsWithDistanceUpToItsCap() {
        let settings = AntiCheatSettings()
        let lengths = [0.0, 500, 1_000, 5_000, 10_000, 14_500, 20_000, 1e9]
        let cooldowns = lengths.map { settings.cooldownSeconds(forJumpOf: $0) }
        #expect(cooldowns == [30, 60, 90, 330, 630, 900, 900, 900])
        #expect(settings.cooldownSeconds(forJumpOf: .infinity) == 900)
        #expect(settings.cooldownSeconds(forJumpOf: .nan) == 900)
    }

    @Test func reportsDuringTheCooldownAreRefusedAndDoNotMoveThePlayer() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: rules)
        let until = millis(175)
        // A legitimate step and another jump alike: refused unjudged, no second strike.
        for (x, seconds) in [(510.0, 20.0), (2_900, 60), (500, 174.9)] {
            let ruling = model.evaluate(report(x, at: seconds), rules: rules)
            #expect(ruling.verdict == .coolingDown(until: until))
            #expect(ruling.flagNames == ["coolingDown"])
            #expect(ruling.events.isEmpty)
        }
        #expect(model.lastAccepted == report(500, at: 0))
        #expect(model.strikes.count == 1)
    }

    @Test func afterTheCooldownTheNextReportIsJudgedFromThePointBeforeTheJump() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: rules)
        // At the destination, 2.4 km from (500, 500) after 175 s: still too fast through the mountain.
        #expect(model.evaluate(report(2_900, at: 175), rules: rules).verdict == .rejected(.tooFast))
        #expect(model.coolingDownUntil == nil)
        // Near where the player really was: accepted, and the new position.
        #expect(model.evaluate(report(900, at: 176), rules: rules).verdict == .accepted)
        #expect(model.lastAccepted?.point == Point(x: 900, y: 500))
    }

    @Test func theJumpNeverCountsAsAMoveEvenAfterTheCooldown() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: rules)
        // A report right next to the jump's destination is judged from (500, 500), not from (2900, 500).
        #expect(model.evaluate(report(2_905, at: 180), rules: rules).verdict == .rejected(.tooFast))
        #expect(model.lastAccepted?.point == Point(x: 500, y: 500))
    }

    @Test func jumpingAgainAfterTheCooldownIsASecondStrike() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: rules)
        let again = model.teleportAcrossTheStrip(at: 200, rules: rules)
        #expect(again.verdict == .teleport(distance: 2_400))
        #expect(again.strike?.strikesInWindow == 2)
        #expect(model.strikes.count == 2)
    }
}
