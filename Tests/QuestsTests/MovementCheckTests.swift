import Testing
import Quests
import World

@Suite struct MovementCheckTests {
    let settings = MovementSettings(maxSpeed: 12, toleranceFactor: 1.25, jitterMetres: 15, minReportInterval: 1, maxFutureSkewMillis: 5_000)
    let start = PositionReport(point: Point(x: 9_800, y: 9_400), clientTime: 1_000_000, serverTime: 1_000_000)

    func verdict(_ report: PositionReport, after last: PositionReport?) throws -> MovementVerdict {
        MovementCheck.evaluate(report, after: last, settings: settings, world: try shippedWorld())
    }

    @Test func theFirstReportInBoundsIsAccepted() throws {
        #expect(try verdict(start, after: nil) == .accepted)
    }

    @Test func walkingAtMaxSpeedIsAccepted() throws {
        let next = PositionReport(point: Point(x: 9_800 + 120, y: 9_400), clientTime: 1_010_000, serverTime: 1_010_000)
        #expect(try verdict(next, after: start) == .accepted)
    }

    @Test func aTeleportIsTooFast() throws {
        let next = PositionReport(point: Point(x: 15_000, y: 9_400), clientTime: 1_010_000, serverTime: 1_010_000)
        #expect(try verdict(next, after: start) == .rejected(.tooFast))
    }

    @Test func speedUsesServerTimesNotClientTimes() throws {
        // The client claims an hour passed; the server saw ten seconds.
        let next = PositionReport(point: Point(x: 9_800 + 2_000, y: 9_400), clientTime: 1_000_000 + 3_600_000, serverTime: 1_010_000)
        let result = try verdict(next, after: start)
        guard case .rejected(let flags) = result else {
            Issue.record("expected a rejection")
            return
        }
        #expect(flags.contains(.tooFast))
    }

    @Test func aTimestampFromTheFutureIsRefused() throws {
        let next = PositionReport(point: start.point, clientTime: 1_010_000 + 60_000, serverTime: 1_010_000)
        #expect(try verdict(next, after: start) == .rejected(.futureTimestamp))
    }

    @Test func aTimestampThatGoesBackIsRefused() throws {
        let next = PositionReport(point: start.point, clientTime: 999_000, serverTime: 1_010_000)
        #expect(try verdict(next, after: start) == .rejected(.timestampWentBack))
    }

    @Test func aPointOffTheMapIsOutOfBounds() throws {
        let next = PositionReport(point: Point(x: -5, y: 9_400), clientTime: 1_000_000, serverTime: 1_000_000)
        #expect(try verdict(next, after: nil) == .rejected(.outOfBounds))
    }

    @Test func aPointInsideTheBoundsButInNoRegionIsUnreachable() throws {
        let world = try World(
            name: "Gap", seed: 1, bounds: Bounds(minX: 0, minY: 0, maxX: 100, maxY: 100),
            settings: try shippedWorld().settings,
            regions: [Region(id: "west", name: "West", terrain: .plains, hazard: 1, area: .rect(Bounds(minX: 0, minY: 0, maxX: 50, maxY: 100)))],
            pointsOfInterest: [], items: [])
        let report = PositionReport(point: Point(x: 80, y: 50), clientTime: 0, serverTime: 0)
        #expect(MovementCheck.evaluate(report, after: nil, settings: settings, world: world) == .rejected(.unreachable))
    }

    @Test func aSenderWhoseBudgetIsSpentIsTooFrequent() throws {
        let next = PositionReport(point: start.point, clientTime: 1_000_200, serverTime: 1_000_200)
        #expect(MovementCheck.evaluate(next, after: start, settings: settings, world: try shippedWorld(), tokens: 0) == .rejected(.tooFrequent))
        // With budget left (jitter brought it early), the same report is fine.
        #expect(MovementCheck.evaluate(next, after: start, settings: settings, world: try shippedWorld(), tokens: 1) == .accepted)
    }

    @Test func aSteadyClientWithReceiveJitterIsNeverRefusedAndAFloodIs() throws {
        let world = try shippedWorld()
        var generator = SystemRandomNumberGenerator()
        // 1 Hz sent, each report delayed 0-900 ms on its way (gaps from 100 ms to 1.9 s).
        var steady = MovementCheck(settings: settings)
        var refused = 0
        for i in 0..<2_000 {
            let t = 1_000_000 + Int64(i) * 1_000 + Int64.random(in: 0...900, using: &generator)
            if steady.check(PositionReport(point: start.point, clientTime: t, serverTime: t), in: world) != .accepted { refused += 1 }
        }
        #expect(refused == 0)
        // 10 Hz: after the burst, at most one in ten goes through.
        var flood = MovementCheck(settings: settings)
        var accepted = 0
        for i in 0..<1_000 {
            let t = 1_000_000 + Int64(i) * 100
            if flood.check(PositionReport(point: start.point, clientTime: t, serverTime: t), in: world) == .accepted { accepted += 1 }
        }
        #expect(accepted <= 1_000 / 10 + Int(MovementCheck.reportBurst) + 1)
        #expect(accepted >= 1_000 / 10 - 1)
    }

    @Test func aRejectedReportDoesNotMoveTheReference() throws {
        let world = try shippedWorld()
        var check = MovementCheck(settings: settings)
        #expect(check.check(start, in: world) == .accepted)
        let jump = PositionReport(point: Point(x: 15_000, y: 9_400), clientTime: 1_005_000, serverTime: 1_005_000)
        #expect(check.check(jump, in: world) != .accepted)
        #expect(check.lastAccepted == start)
        // Once enough real time has passed for the distance, the same place is fine.
        let later = PositionReport(point: Point(x: 15_000, y: 9_400), clientTime: 1_000_000 + 600_000, serverTime: 1_000_000 + 600_000)
        #expect(check.check(later, in: world) == .accepted)
    }

    @Test func severalFlagsAreReportedTogether() throws {
        let next = PositionReport(point: Point(x: 19_000, y: 19_000), clientTime: 990_000, serverTime: 1_000_100)
        #expect(MovementCheck.evaluate(next, after: start, settings: settings, world: try shippedWorld(), tokens: 0)
            == .rejected([.tooFast, .timestampWentBack, .tooFrequent]))
        #expect(MovementFlags([.tooFast, .tooFrequent]).names == ["tooFast", "tooFrequent"])
    }
}
