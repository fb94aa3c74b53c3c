import Testing
import Quests
import World
@testable import AntiCheat

@Suite struct TeleportTests {
    @Test func aJumpFarBeyondAnyLegalSpeedIsATeleportWithAStrike() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        let ruling = model.teleportAcrossTheStrip(at: 0, rules: rules)
        #expect(ruling.verdict == .teleport(distance: 2_400))
        #expect(!ruling.isAccepted)
        #expect(ruling.flagNames == ["teleport"])
        let strike = try #require(ruling.strike)
        #expect(strike.account == "alice")
        #expect(strike.strike == Strike(at: millis(1), kind: .teleport, distance: 2_400,
                                        from: Point(x: 500, y: 500), to: Point(x: 2_900, y: 500)))
        #expect(strike.strikesInWindow == 1)
        #expect(model.strikes.count == 1)
        #expect(ruling.events.map(\.kind) == ["movement.strike"])
    }

    @Test func aFastButPossibleMoveIsAnOrdinaryRejectionWithoutStrike() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.evaluate(report(100, at: 0), rules: rules)
        // 30 m/s on plains: over the limit, under five times it.
        let ruling = model.evaluate(report(700, at: 20), rules: rules)
        #expect(ruling.verdict == .rejected(.tooFast))
        #expect(ruling.strike == nil && ruling.events.isEmpty)
        #expect(model.coolingDownUntil == nil)
    }

    @Test func aShortHopIsNeverATeleportHoweverFast() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.evaluate(report(100, at: 0), rules: rules)
        // 200 m in one second is 200 m/s, but shorter than teleportMinimumMetres (250 m).
        #expect(model.evaluate(report(300, at: 1), rules: rules).verdict == .rejected(.tooFast))
        #expect(model.strikes.isEmpty)
    }

    @Test func theTeleportThresholdFollowsTheTerrain() throws {
        let rules = try stripRules()
        // 400 m in 10 s is 40 m/s: under 5 × 12 on plains, over 5 × 6 on the mountain.
        var plains = MovementModel(account: "alice")
        _ = plains.evaluate(report(100, at: 0), rules: rules)
        #expect(plains.evaluate(report(500, at: 10), rules: rules).verdict == .rejected(.tooFast))
        var mountain = MovementModel(account: "bob")
        _ = mountain.evaluate(report(1_100, at: 0), rules: rules)
        #expect(mountain.evaluate(report(1_500, at: 10), rules: rules).verdict == .teleport(distance: 400))
    }

    @Test func aBurstOfTooFrequentReportsEarnsNoStrike() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        // Four reports back to back spend the report budget; the jump then comes too soon as well.
        for i in 0..<4 { #expect(model.evaluate(report(100, at: Double(i) * 0.01), rules: rules).isAccepted) }
        let ruling = model.evaluate(report(2_900, at: 0.2), rules: rules)
        #expect(ruling.verdict == .rejected([.tooFast, .tooFrequent]))
        #expect(model.strikes.isEmpty)
    }

    @Test func aStalledConnectionFlushingOldReportsEarnsNoStrike() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        let at = { (client: Double, server: Double, x: Double) in
            PositionReport(point: Point(x: x, y: 500), clientTime: millis(client), serverTime: millis(server))
        }
        #expect(model.evaluate(at(0, 0, 100), rules: rules).isAccepted)
        // Measured at 1 s, delivered at 30 s after a stall: accepted, but now a stale reference.
        #expect(model.evaluate(at(1, 30, 112), rules: rules).isAccepted)
        // The next fresh report is 360 m on in one server second: too fast, but the client's own
        // clock shows 30 s of walking, so no strike.
        let ruling = model.evaluate(at(31, 31, 472), rules: rules)
        #expect(ruling.verdict == .rejected(.tooFast))
        #expect(model.strikes.isEmpty)
    }

    @Test func claimedLagBeyondTheAllowanceDoesNotHideATeleport() throws {
        // The client claims its first report was measured 10,000 s before the server got it.
        func ruling(allowance: Double) throws -> MovementRuling.Verdict {
            var settings = AntiCheatSettings()
            settings.teleportLagAllowanceSeconds = allowance
            let rules = try stripRules(settings)
            var model = MovementModel(account: "alice")
            let start = PositionReport(point: Point(x: 100, y: 500), clientTime: millis(-10_000), serverTime: millis(0))
            #expect(model.evaluate(start, rules: rules).isAccepted)
            let far = PositionReport(point: Point(x: 2_900, y: 500), clientTime: millis(1), serverTime: millis(1))
            return model.evaluate(far, rules: rules).verdict
        }
        // 2.8 km at an effective 8.8 m/s: credited 10 s, the threshold is 5 × 8.8 × 11 + 15 ≈ 500 m.
        #expect(try ruling(allowance: 10) == .teleport(distance: 2_800))
        // Credited all 3,600 s it claims, the same jump would pass as merely too fast.
        #expect(try ruling(allowance: 3_600) == .rejected(.tooFast))
    }

    @Test func absurdInputIsRefusedWithoutTrapping() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.evaluate(report(100, at: 0), rules: rules)
        let cases: [(PositionReport, MovementFlags)] = [
            (PositionReport(point: Point(x: 2_900, y: 500), clientTime: .max, serverTime: millis(5)), [.tooFast, .futureTimestamp]),
            (PositionReport(point: Point(x: 2_900, y: 500), clientTime: .min, serverTime: millis(6)), [.tooFast, .timestampWentBack]),
            (PositionReport(point: Point(x: .nan, y: 500), clientTime: millis(7), serverTime: millis(7)), [.outOfBounds]),
            (PositionReport(point: Point(x: .infinity, y: -.infinity), clientTime: millis(8), serverTime: millis(8)), [.outOfBounds]),
            (PositionReport(point: Point(x: 1e300, y: 500), clientTime: millis(9), serverTime: millis(9)), [.outOfBounds]),
        ]
        for (input, flags) in cases {
            #expect(model.evaluate(input, rules: rules).verdict == .rejected(flags))
        }
        #expect(model.strikes.isEmpty)
        #expect(model.lastAccepted == report(100, at: 0))
    }

    @Test func unvalidatedThresholdsStillNeverIndexOutsideTheStrikes() throws {
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: try stripRules())
        var settings = AntiCheatSettings()
        settings.claimsRestrictionStrikes = 0
        settings.rewardsRestrictionStrikes = -3
        // Read as validation would have them: one strike bars claims and rewards.
        #expect(model.restriction(now: millis(10), settings: settings)?.level == .noClaimsOrRewards)
        #expect(MovementModel(account: "bob").restriction(now: millis(10), settings: settings) == nil)
    }
}
