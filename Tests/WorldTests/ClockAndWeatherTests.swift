import Foundation
import Testing
@testable import World

@Suite struct ClockAndWeatherTests {
    let epoch = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z

    @Test func theEpochIsDayZeroMidnight() {
        let clock = GameClock(epoch: epoch, ratio: 12)
        #expect(clock.gameTime(at: epoch) == GameTime(day: 0, hour: 0, minute: 0))
    }

    @Test func gameTimeRunsAtTheRatio() {
        let clock = GameClock(epoch: epoch, ratio: 12)
        // 2 real hours = 1 game day; 5 real minutes = 1 game hour.
        #expect(clock.gameTime(at: epoch.addingTimeInterval(7_200)) == GameTime(day: 1, hour: 0, minute: 0))
        #expect(clock.gameTime(at: epoch.addingTimeInterval(7_200 + 5 * 60 * 13 + 30)) == GameTime(day: 1, hour: 13, minute: 6))
    }

    @Test func gameTimeBeforeTheEpochStaysInRange() {
        let clock = GameClock(epoch: epoch, ratio: 12)
        #expect(clock.gameTime(at: epoch.addingTimeInterval(-300)) == GameTime(day: -1, hour: 23, minute: 0))
    }

    @Test func theNextHourBoundaryStartsANewHour() {
        let clock = GameClock(epoch: epoch, ratio: 12)
        let now = epoch.addingTimeInterval(1_234.5)
        let next = clock.nextHourBoundary(after: now)
        #expect(next > now)
        #expect(clock.gameTime(at: next).hour == (clock.gameTime(at: now).hour + 1) % 24)
        #expect(clock.gameTime(at: next).minute == 0)
    }

    @Test func theShippedEpochParsesFromISO() throws {
        let world = try shippedWorld()
        #expect(world.settings.epoch == epoch)
        #expect(world.clock.gameTime(at: epoch) == GameTime(day: 0, hour: 0, minute: 0))
    }

    @Test func weatherIsTheSameForTheSameRegionAndPeriod() throws {
        let first = try shippedWorld()
        let second = try shippedWorld()
        for region in first.regions {
            for step in 0..<50 {
                let date = epoch.addingTimeInterval(Double(step) * 731)
                #expect(first.weather(region: region, at: date) == second.weather(region: region, at: date))
            }
        }
    }

    @Test func weatherHoldsWithinOnePeriod() throws {
        let world = try shippedWorld()
        let region = try #require(world.region(id: "whiskerwood"))
        let start = epoch.addingTimeInterval(world.settings.weatherPeriod * 10)
        let weather = world.weather(region: region, at: start)
        #expect(world.weather(region: region, at: start.addingTimeInterval(world.settings.weatherPeriod - 1)) == weather)
    }

    @Test func weatherIsPinnedForTheShippedWorld() throws {
        // If this changes, every stored quest's weather condition changes meaning.
        let world = try shippedWorld()
        let region = try #require(world.region(id: "purrington"))
        let sequence = (0..<8).map { world.weather(region: region, at: epoch.addingTimeInterval(Double($0) * 900)) }
        #expect(sequence == [.cloudy, .clear, .clear, .rain, .clear, .cloudy, .fog, .cloudy])
    }

    @Test func theHashesArePinned() {
        #expect(FNV1a.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a.hash("a") == 0xaf63_dc4c_8601_ec8c)
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xe220_a839_7b1d_cdaf)
    }

    @Test func desertsNeverSeeSnowAndTundraNeverSeesRain() throws {
        let world = try shippedWorld()
        let desert = try #require(world.region(id: "sunnap-dunes"))
        let tundra = try #require(world.region(id: "frostwhisker-tundra"))
        var seen = Set<Weather>()
        for period in 0..<2_000 {
            let date = epoch.addingTimeInterval(Double(period) * world.settings.weatherPeriod)
            #expect(world.weather(region: desert, at: date) != .snow)
            #expect(world.weather(region: tundra, at: date) != .rain)
            seen.insert(world.weather(region: tundra, at: date))
        }
        #expect(seen.contains(.snow))
    }

    @Test func weatherVariesOverTime() throws {
        let world = try shippedWorld()
        let region = try #require(world.region(id: "catnip-meadows"))
        let kinds = Set((0..<200).map { world.weather(region: region, at: epoch.addingTimeInterval(Double($0) * 900)) })
        #expect(kinds.count >= 4)
    }
}
