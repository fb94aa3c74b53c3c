import Testing
import Quests
import World
@testable import AntiCheat

@Suite struct TerrainSpeedLimitsTests {
    let limits = TerrainSpeedLimits(baseSpeed: 12, factors: stripFactors)

    @Test func eachTerrainsLimitIsTheBaseSpeedTimesTheMapFactor() {
        #expect(limits.limit(for: .plains) == 12)
        #expect(limits.limit(for: .mountain) == 6)
        #expect(abs(limits.limit(for: .swamp) - 7.2) < 1e-9)
    }

    @Test func pointsOutsideEveryRegionTravelAtTheBaseSpeed() {
        #expect(limits.limit(for: nil) == 12)
        let limit = limits.effectiveLimit(from: Point(x: 0, y: 0), to: Point(x: 5_000, y: 0)) { _ in nil }
        #expect(abs(limit - 12) < 1e-9)
    }

    @Test func aFactorOutsideZeroToOneIsIgnoredRatherThanTrusted() {
        let odd = TerrainSpeedLimits(baseSpeed: 12, factors: [.plains: 3, .swamp: 0, .mountain: .nan])
        #expect(odd.limit(for: .plains) == 12)
        #expect(odd.limit(for: .swamp) == 12)
        #expect(odd.limit(for: .mountain) == 12)
    }

    @Test func samplingFindsASlowRegionBetweenTwoFastEnds() throws {
        let world = try stripWorld()
        let a = Point(x: 500, y: 500), b = Point(x: 2_500, y: 500)
        // Both ends are plains; 1 km of mountain lies between them: 500/12 + 1000/6 + 500/12 = 250 s.
        #expect(world.region(at: a)?.terrain == .plains && world.region(at: b)?.terrain == .plains)
        let seconds = limits.travelSeconds(from: a, to: b) { world.region(at: $0)?.terrain }
        #expect(abs(seconds - 250) < 0.5)
        #expect(abs(limits.effectiveLimit(from: a, to: b) { world.region(at: $0)?.terrain } - 8) < 0.02)
    }

    @Test func aNarrowSlowStripInTheMiddleIsNotMissed() {
        // 30 m of swamp in a 2 km plains move: wider than one 25 m sample spacing.
        let terrain: (Point) -> Terrain? = { $0.x >= 1_000 && $0.x <= 1_030 ? .swamp : .plains }
        let limit = limits.effectiveLimit(from: Point(x: 0, y: 0), to: Point(x: 2_000, y: 0), terrainAt: terrain)
        #expect(limit < 12 - 0.05)
        let plain = limits.effectiveLimit(from: Point(x: 0, y: 0), to: Point(x: 2_000, y: 0)) { _ in .plains }
        #expect(abs(plain - 12) < 1e-9)
    }

    @Test func aLongMoveIsSampledABoundedNumberOfTimes() {
        var lookups = 0
        let seconds = limits.travelSeconds(from: Point(x: 0, y: 0), to: Point(x: 1e9, y: 0)) { _ in
            lookups += 1
            return .plains
        }
        #expect(lookups == 400)
        #expect(abs(seconds - 1e9 / 12) < 1)
    }

    @Test func aMoveOfNoLengthNeedsNoTime() {
        var lookups = 0
        let p = Point(x: 10, y: 10)
        #expect(limits.travelSeconds(from: p, to: p) { _ in lookups += 1; return .mountain } == 0)
        #expect(lookups == 0)
    }

    @Test func aMoveAllowedOnPlainsIsRefusedThroughMountainsAtTheSameSpeed() throws {
        let rules = try stripRules()
        // 900 m in 90 s (10 m/s): legal on plains (limit 12), too fast on the mountain (limit 6).
        var plains = MovementModel(account: "alice")
        #expect(plains.evaluate(report(50, at: 0), rules: rules).isAccepted)
        #expect(plains.evaluate(report(950, at: 90), rules: rules).verdict == .accepted)

        var mountain = MovementModel(account: "bob")
        #expect(mountain.evaluate(report(1_050, at: 0), rules: rules).isAccepted)
        #expect(mountain.evaluate(report(1_950, at: 90), rules: rules).verdict == .rejected(.tooFast))
    }

    @Test func aMoveWithPlainsAtBothEndsButMountainBetweenIsRefused() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.evaluate(report(500, at: 0), rules: rules)
        // 2 km in 170 s is 11.8 m/s: legal if only the ends counted (and for the basic check), but the
        // mountain between them makes the effective limit 8 m/s: 8 × 1.25 × 170 + 15 = 1,715 m allowed.
        let ruling = model.evaluate(report(2_500, at: 170), rules: rules)
        #expect(ruling.verdict == .rejected(.tooFast))
        #expect(model.lastAccepted?.point == Point(x: 500, y: 500))
    }

    @Test func aMoveMostlyOnPlainsIsJudgedByItsTimeNotByItsSlowestMetre() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.evaluate(report(700, at: 0), rules: rules)
        // 300 m of plains then 10 m of mountain in 25 s: needs 300/12 + 10/6 ≈ 26.7 s at full speed,
        // inside the 1.25 tolerance; the slowest-terrain rule would allow only 6 × 1.25 × 25 + 15 = 202 m.
        #expect(model.evaluate(report(1_010, at: 25), rules: rules).verdict == .accepted)
    }
}
