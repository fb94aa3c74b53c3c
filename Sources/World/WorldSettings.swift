import Foundation

/// The rules of movement and time that every server and client must agree on.
public struct WorldSettings: Codable, Hashable, Sendable {
    /// Fastest legitimate travel in metres per second; anything above it is a cheat.
    public var maxSpeed: Double
    /// Optional slow-down per terrain (0 < factor ≤ 1); quest time limits honour it,
    /// anti-cheat does not (it must never reject a legitimate report).
    public var terrainSpeedFactors: [Terrain: Double]
    /// Default radius in metres within which a `reach` objective counts as reached.
    public var reachRadius: Double
    /// Radius in metres within which an item source can be claimed.
    public var claimRadius: Double
    /// Game seconds per real second.
    public var gameTimeRatio: Double
    /// The real instant at which game time was day 0, 00:00.
    public var epoch: Date
    /// Shortest accepted gap between two position reports of one account, in seconds.
    public var minReportInterval: Double
    /// Real seconds for which one weather roll holds in a region.
    public var weatherPeriod: Double

    public init(
        maxSpeed: Double, terrainSpeedFactors: [Terrain: Double] = [:], reachRadius: Double,
        claimRadius: Double, gameTimeRatio: Double, epoch: Date, minReportInterval: Double,
        weatherPeriod: Double = 900
    ) {
        self.maxSpeed = maxSpeed
        self.terrainSpeedFactors = terrainSpeedFactors
        self.reachRadius = reachRadius
        self.claimRadius = claimRadius
        self.gameTimeRatio = gameTimeRatio
        self.epoch = epoch
        self.minReportInterval = minReportInterval
        self.weatherPeriod = weatherPeriod
    }

    /// Speed multiplier for a terrain; 1 when the map gives none.
    public func speedFactor(for terrain: Terrain) -> Double {
        terrainSpeedFactors[terrain] ?? 1
    }

    private enum CodingKeys: String, CodingKey {
        case maxSpeed, terrainSpeedFactors, reachRadius, claimRadius, gameTimeRatio, epoch,
            minReportInterval, weatherPeriod
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxSpeed = try c.decode(Double.self, forKey: .maxSpeed)
        terrainSpeedFactors = try c.decodeIfPresent([Terrain: Double].self, forKey: .terrainSpeedFactors) ?? [:]
        reachRadius = try c.decode(Double.self, forKey: .reachRadius)
        claimRadius = try c.decode(Double.self, forKey: .claimRadius)
        gameTimeRatio = try c.decode(Double.self, forKey: .gameTimeRatio)
        minReportInterval = try c.decode(Double.self, forKey: .minReportInterval)
        weatherPeriod = try c.decodeIfPresent(Double.self, forKey: .weatherPeriod) ?? 900
        // The epoch may be unix seconds or an ISO-8601 string; both are common in hand-written maps.
        if let seconds = try? c.decode(Double.self, forKey: .epoch) {
            epoch = Date(timeIntervalSince1970: seconds)
        } else {
            let text = try c.decode(String.self, forKey: .epoch)
            guard let date = Self.parseISODate(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .epoch, in: c,
                    debugDescription: "\"\(text)\" is neither unix seconds nor an ISO-8601 date")
            }
            epoch = date
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maxSpeed, forKey: .maxSpeed)
        try c.encode(terrainSpeedFactors, forKey: .terrainSpeedFactors)
        try c.encode(reachRadius, forKey: .reachRadius)
        try c.encode(claimRadius, forKey: .claimRadius)
        try c.encode(gameTimeRatio, forKey: .gameTimeRatio)
        try c.encode(epoch.timeIntervalSince1970, forKey: .epoch)
        try c.encode(minReportInterval, forKey: .minReportInterval)
        try c.encode(weatherPeriod, forKey: .weatherPeriod)
    }

    static func parseISODate(_ text: String) -> Date? {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        return dateOnly.date(from: text)
    }
}
