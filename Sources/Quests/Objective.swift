import World

/// A circle on the map: where a player must stand for a step to count.
///
/// Encoded as `{"x": 9800, "y": 9400, "radius": 25}`.
public struct TargetArea: Codable, Hashable, Sendable {
    public var x: Double
    public var y: Double
    /// Metres from the centre within which a position counts.
    public var radius: Double

    public init(x: Double, y: Double, radius: Double) {
        self.x = x
        self.y = y
        self.radius = radius
    }

    public init(centre: Point, radius: Double) {
        self.init(x: centre.x, y: centre.y, radius: radius)
    }

    public var centre: Point { Point(x: x, y: y) }

    public func contains(_ point: Point) -> Bool {
        point.isFinite && centre.distance(to: point) <= radius
    }
}

/// An in-game hour range. `fromHour` is inclusive and `toHour` exclusive; a range that
/// wraps past midnight (`{20, 4}`) is allowed. Since game days recur every
/// `86400 / gameTimeRatio` real seconds, a window always comes round again.
public struct GameTimeWindow: Codable, Hashable, Sendable {
    public var fromHour: Int
    public var toHour: Int

    public init(fromHour: Int, toHour: Int) {
        self.fromHour = fromHour
        self.toHour = toHour
    }

    /// Whether both hours are in 0...23 and differ (an empty or all-day window is a mistake).
    public var isValid: Bool {
        (0...23).contains(fromHour) && (0...23).contains(toHour) && fromHour != toHour
    }

    /// Length in game hours.
    public var hours: Int { (toHour - fromHour + 24) % 24 }

    public func contains(_ time: GameTime) -> Bool {
        if fromHour < toHour { return time.hour >= fromHour && time.hour < toHour }
        return time.hour >= fromHour || time.hour < toHour
    }
}

/// Optional conditions that must hold at the moment a step is done, in the region where
/// the player stands. Empty conditions always hold.
public struct ObjectiveConditions: Codable, Hashable, Sendable {
    /// The weather must be one of these; nil means any weather.
    public var weather: [Weather]?
    /// The game time must fall in this window; nil means any time.
    public var gameTimeWindow: GameTimeWindow?

    public init(weather: [Weather]? = nil, gameTimeWindow: GameTimeWindow? = nil) {
        self.weather = weather
        self.gameTimeWindow = gameTimeWindow
    }

    public static let none = ObjectiveConditions()

    public var isEmpty: Bool { weather == nil && gameTimeWindow == nil }

    public func isSatisfied(weather current: Weather?, gameTime: GameTime) -> Bool {
        if let allowed = weather {
            guard let current, allowed.contains(current) else { return false }
        }
        if let window = gameTimeWindow, !window.contains(gameTime) { return false }
        return true
    }
}

/// Go to a place.
public struct ReachObjective: Hashable, Sendable {
    public var target: TargetArea
    /// The point of interest the target marks, when it is one.
    public var poi: String?
    public var conditions: ObjectiveConditions

    public init(target: TargetArea, poi: String? = nil, conditions: ObjectiveConditions = .none) {
        self.target = target
        self.poi = poi
        self.conditions = conditions
    }
}

/// Pick up `count` units of an item.
///
/// The server has no inventory to trust, so holding an item means having been there: a
/// player collects one unit by standing inside a source circle (while the conditions
/// hold), and each distinct source counts once. Sources lie only in regions where the
/// item is found, so a quest can never ask for a fish in the desert. There are usually
/// more sources than `count`, so the player chooses a route.
public struct CollectObjective: Hashable, Sendable {
    /// Item id from the catalog.
    public var item: String
    public var count: Int
    public var sources: [TargetArea]
    public var conditions: ObjectiveConditions

    public init(item: String, count: Int, sources: [TargetArea], conditions: ObjectiveConditions = .none) {
        self.item = item
        self.count = count
        self.sources = sources
        self.conditions = conditions
    }
}

/// One step of a quest. Steps complete in order.
///
/// JSON carries a `type` tag and the conditions flat beside the other fields:
/// ```json
/// {"type": "reach", "target": {"x": 1200, "y": 1500, "radius": 25}, "poi": "kittenford",
///  "gameTimeWindow": {"fromHour": 20, "toHour": 4}}
/// {"type": "collect", "item": "catnip-sprig", "count": 2,
///  "sources": [{"x": 900, "y": 1300, "radius": 30}], "weather": ["rain", "fog"]}
/// ```
public enum Objective: Codable, Hashable, Sendable {
    case reach(ReachObjective)
    case collect(CollectObjective)

    public var conditions: ObjectiveConditions {
        switch self {
        case .reach(let reach): reach.conditions
        case .collect(let collect): collect.conditions
        }
    }

    private enum Kind: String, Codable { case reach, collect }

    private enum CodingKeys: String, CodingKey {
        case type, target, poi, item, count, sources, weather, gameTimeWindow
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let conditions = ObjectiveConditions(
            weather: try c.decodeIfPresent([Weather].self, forKey: .weather),
            gameTimeWindow: try c.decodeIfPresent(GameTimeWindow.self, forKey: .gameTimeWindow))
        switch try c.decode(Kind.self, forKey: .type) {
        case .reach:
            self = .reach(ReachObjective(
                target: try c.decode(TargetArea.self, forKey: .target),
                poi: try c.decodeIfPresent(String.self, forKey: .poi),
                conditions: conditions))
        case .collect:
            self = .collect(CollectObjective(
                item: try c.decode(String.self, forKey: .item),
                count: try c.decode(Int.self, forKey: .count),
                sources: try c.decode([TargetArea].self, forKey: .sources),
                conditions: conditions))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .reach(let reach):
            try c.encode(Kind.reach, forKey: .type)
            try c.encode(reach.target, forKey: .target)
            try c.encodeIfPresent(reach.poi, forKey: .poi)
        case .collect(let collect):
            try c.encode(Kind.collect, forKey: .type)
            try c.encode(collect.item, forKey: .item)
            try c.encode(collect.count, forKey: .count)
            try c.encode(collect.sources, forKey: .sources)
        }
        try c.encodeIfPresent(conditions.weather, forKey: .weather)
        try c.encodeIfPresent(conditions.gameTimeWindow, forKey: .gameTimeWindow)
    }
}
