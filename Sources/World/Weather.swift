import Foundation

/// The weather in one region for one weather period.
public enum Weather: String, Codable, CaseIterable, Hashable, Sendable {
    case clear, cloudy, rain, fog, storm, snow

    /// Relative odds (out of 100) of each weather on a terrain, in `allCases` order.
    /// Zero means never: no snow in the desert, no rain on the tundra.
    public static func weights(for terrain: Terrain) -> [Weather: Int] {
        let row: [Int]
        switch terrain {
        //                clear cloudy rain fog storm snow
        case .plains:   row = [40, 25, 18, 8, 6, 3]
        case .forest:   row = [30, 25, 22, 15, 5, 3]
        case .hills:    row = [35, 25, 17, 12, 6, 5]
        case .mountain: row = [25, 20, 10, 15, 12, 18]
        case .swamp:    row = [15, 20, 25, 32, 8, 0]
        case .desert:   row = [65, 15, 3, 2, 15, 0]
        case .tundra:   row = [20, 25, 0, 15, 10, 30]
        case .city:     row = [40, 28, 20, 8, 4, 0]
        case .coast:    row = [30, 25, 20, 15, 10, 0]
        }
        return Dictionary(uniqueKeysWithValues: zip(allCases, row))
    }

    /// Probability of this weather on a terrain in any one period.
    public func probability(on terrain: Terrain) -> Double {
        let weights = Self.weights(for: terrain)
        let total = weights.values.reduce(0, +)
        return total > 0 ? Double(weights[self] ?? 0) / Double(total) : 0
    }
}

extension World {
    /// Index of the weather period holding `date`; weather is constant within one.
    public func weatherPeriodIndex(at date: Date) -> Int64 {
        let value = (date.timeIntervalSince(settings.epoch) / settings.weatherPeriod).rounded(.down)
        guard value.isFinite, abs(value) < 9e18 else { return 0 }
        return Int64(value)
    }

    /// The first real instant at which the next weather period begins.
    public func nextWeatherChange(after date: Date) -> Date {
        let next = weatherPeriodIndex(at: date) + 1
        var change = settings.epoch.addingTimeInterval(Double(next) * settings.weatherPeriod)
        var nudges = 0
        while weatherPeriodIndex(at: change) < next && nudges < 64 {
            change = change.addingTimeInterval(0.000_1)
            nudges += 1
        }
        return change
    }

    /// The weather in a region at a moment: a pure function of the world seed, the region
    /// id and the weather period, so a re-run years later gives the same answer.
    public func weather(region: Region, at date: Date) -> Weather {
        let period = weatherPeriodIndex(at: date)
        var rng = SplitMix64(mixing: seed, FNV1a.hash(region.id), UInt64(bitPattern: period))
        let weights = Weather.weights(for: region.terrain)
        let total = weights.values.reduce(0, +)
        guard total > 0 else { return .clear }
        var roll = Int(rng.next() % UInt64(total))
        for weather in Weather.allCases {
            let weight = weights[weather] ?? 0
            if roll < weight { return weather }
            roll -= weight
        }
        return .clear
    }

    /// The weather at a point, or nil where no region is.
    public func weather(at point: Point, date: Date) -> Weather? {
        region(at: point).map { weather(region: $0, at: date) }
    }
}
