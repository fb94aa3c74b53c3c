import Foundation
import Testing
import Quests
import World
@testable import AntiCheat

/// Seeded random walks by players who keep to each terrain's speed: they cross many regions,
/// report at irregular intervals and must never be struck (nor, in fact, refused).
@Suite struct LegitimateWalkTests {
    struct WalkResult {
        var reports = 0
        var accepted = 0
        var teleports = 0
        var strikes = 0
        var regionsVisited = Set<String>()
    }

    /// Walks in straight legs between reports (the heading drifts between legs), moving in 0.25 s steps at `pace` × the limit of
    /// the terrain underfoot, so the walker is never faster than the terrain allows.
    static func walk(
        seed: UInt64, world: World, rules: MovementRules, reports: Int, pace: ClosedRange<Double>,
        interval: ClosedRange<Double>, networkDelay: ClosedRange<Double> = 0...0
    ) -> WalkResult {
        var rng = SplitMix64(seed: seed)
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + (range.upperBound - range.lowerBound) * rng.nextUnit()
        }
        let bounds = world.bounds
        var position = Point(x: uniform(bounds.minX + 100...bounds.maxX - 100), y: uniform(bounds.minY + 100...bounds.maxY - 100))
        var model = MovementModel(account: "walker-\(seed)")
        var result = WalkResult()
        var clock = 1_000.0  // seconds since t0, the walker's real time
        var heading = uniform(0...(2 * Double.pi))  // drifts a little each leg, so walks go far
        for _ in 0..<reports {
            let sentAt = clock
            let delay = uniform(networkDelay)
            let time = t0 + Int64((sentAt * 1_000).rounded())
            let report = PositionReport(point: position, clientTime: time, serverTime: time + Int64((delay * 1_000).rounded()))
            let ruling = model.evaluate(report, rules: rules)
            result.reports += 1
            if ruling.isAccepted { result.accepted += 1 }
            if case .teleport = ruling.verdict { result.teleports += 1 }
            if ruling.strike != nil { result.strikes += 1 }
            if let region = world.region(at: position) { result.regionsVisited.insert(region.id) }

            let legSeconds = uniform(interval)
            heading += uniform(-0.5...0.5)
            let speedFactor = uniform(pace)
            var elapsed = 0.0
            while elapsed < legSeconds {
                let dt = min(0.25, legSeconds - elapsed)
                let speed = rules.speedLimits.limit(for: world.region(at: position)?.terrain) * speedFactor
                let next = Point(x: position.x + speed * dt * cos(heading), y: position.y + speed * dt * sin(heading))
                guard world.contains(next) else {
                    // Wait at the edge for the rest of the leg, then head somewhere else.
                    heading = uniform(0...(2 * Double.pi))
                    break
                }
                position = next
                elapsed += dt
            }
            clock += legSeconds
        }
        return result
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func walkingAtTheTerrainsSpeedAcrossTheMapNeverStrikes(seed: UInt64) throws {
        let world = try shippedWorld()
        let rules = try MovementRules(world: world)
        let result = Self.walk(seed: seed, world: world, rules: rules, reports: 300, pace: 0.6...1.0, interval: 1...40)
        #expect(result.strikes == 0)
        #expect(result.teleports == 0)
        #expect(result.accepted == result.reports)
        #expect(result.regionsVisited.count >= 2)
    }

    @Test(arguments: [UInt64(11), 12, 13, 14])
    func walkingAtFullSpeedThroughALaggyNetworkNeverStrikes(seed: UInt64) throws {
        let world = try shippedWorld()
        let rules = try MovementRules(world: world)
        // Up to 400 ms of delay on each report shortens some server intervals; tolerance and jitter cover it.
        let result = Self.walk(seed: seed, world: world, rules: rules, reports: 300, pace: 1...1, interval: 2...20,
                               networkDelay: 0...0.4)
        #expect(result.strikes == 0)
        #expect(result.accepted == result.reports)
    }

    @Test func theStripWalkCrossesTheMountainAndStaysClean() throws {
        let world = try stripWorld()
        let rules = try MovementRules(world: world)
        let result = Self.walk(seed: 99, world: world, rules: rules, reports: 400, pace: 0.9...1.0, interval: 1...60)
        #expect(result.regionsVisited == ["west", "middle", "east"])
        #expect(result.strikes == 0)
        #expect(result.accepted == result.reports)
    }

    @Test func theSameWalkAtDoubleTheTerrainsSpeedIsRefusedButNotStruck() throws {
        // Proves the walks run close enough to the limits to be caught when they break them.
        let world = try shippedWorld()
        let rules = try MovementRules(world: world)
        let result = Self.walk(seed: 1, world: world, rules: rules, reports: 300, pace: 2...2, interval: 5...40)
        #expect(result.accepted < result.reports / 2)
        #expect(result.strikes == 0)
    }
}
