import World

/// What a participant must do, as a tree of version-1 conditions.
///
/// Some conditions are *instant*: they hold or not at one observation and keep no state
/// (`reach`, `weather`, `gameTime`, and `all`/`anyOf` made only of instant parts). The
/// rest are *stateful* and keep progress between observations (`collect`, `allInOrder`,
/// and `all`/`anyOf` with a stateful part). See docs/contracts-language.md for the full
/// semantics.
///
/// JSON: one object with exactly one key naming the kind:
/// ```json
/// {"allInOrder": [
///   {"all": [{"reach": {"poi": "kittenford", "radius": 25, "x": 1200, "y": 1500}},
///            {"weather": ["fog", "rain"]}]},
///   {"collect": {"count": 2, "item": "catnip-sprig",
///                "sources": [{"radius": 30, "x": 900, "y": 1300}, {"radius": 30, "x": 990, "y": 1310}],
///                "when": {"gameTime": {"fromHour": 20, "toHour": 4}}}}]}
/// ```
public indirect enum ContractCondition: Hashable, Sendable {
    /// Stand inside the circle.
    case reach(ContractArea)
    /// Pick up `count` units of `item`, one per distinct source visited while `when` (an
    /// instant condition, nil for always) holds. The server has no inventory it can trust:
    /// the pick-up it records at a source, an `item.picked` event, *is* the inventory.
    case collect(item: String, count: Int, sources: [ContractArea], when: ContractCondition? = nil)
    /// The region's weather at the observation is one of these (none outside every region).
    case weather(in: [Weather])
    /// The game hour is in `fromHour..<toHour`, wrapping past midnight when `toHour < fromHour`.
    case gameTime(fromHour: Int, toHour: Int)
    /// Every part is satisfied at the same observation: instant parts hold at it, stateful
    /// parts have completed at or before it.
    case all([ContractCondition])
    /// Each step completes, then the next; one observation may complete several steps.
    case allInOrder([ContractCondition])
    /// The first branch to complete wins; each branch keeps its own progress.
    case anyOf([ContractCondition])

    /// The key naming this kind in JSON and in error paths.
    public var kind: String {
        switch self {
        case .reach: "reach"
        case .collect: "collect"
        case .weather: "weather"
        case .gameTime: "gameTime"
        case .all: "all"
        case .allInOrder: "allInOrder"
        case .anyOf: "anyOf"
        }
    }

    /// Whether the condition holds or not at a single observation, keeping no progress.
    public var isInstant: Bool {
        switch self {
        case .reach, .weather, .gameTime: true
        case .collect, .allInOrder: false
        case .all(let parts), .anyOf(let parts): parts.allSatisfy(\.isInstant)
        }
    }

    /// The conditions directly inside this one, in order (a collect's `when` included).
    public var children: [ContractCondition] {
        switch self {
        case .reach, .weather, .gameTime: []
        case .collect(_, _, _, let when): when.map { [$0] } ?? []
        case .all(let parts), .allInOrder(let parts), .anyOf(let parts): parts
        }
    }

    /// This condition and every one inside it; the size limit counts these.
    public var nodeCount: Int { children.reduce(1) { $0 + $1.nodeCount } }

    /// Levels of nesting, 1 for a condition with nothing inside.
    public var depth: Int { 1 + (children.map(\.depth).max() ?? 0) }
}

extension ContractCondition: Codable {
    private static let kinds: Set<String> = ["reach", "collect", "weather", "gameTime", "all", "allInOrder", "anyOf"]
    private static let collectKeys: Set<String> = ["item", "count", "sources", "when"]
    private static let gameTimeKeys: Set<String> = ["fromHour", "toHour"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ContractKey.self)
        let keys = c.allKeys.map(\.stringValue).sorted()
        guard keys.count == 1, let kind = keys.first, Self.kinds.contains(kind) else {
            throw ContractError(
                code: .unknownCondition, path: ContractCoding.path(decoder.codingPath),
                reason: "a condition is an object with exactly one of \(Self.kinds.sorted().joined(separator: ", ")); found \(keys)")
        }
        let key = ContractKey(kind)
        switch kind {
        case "reach":
            self = .reach(try c.decode(ContractArea.self, forKey: key))
        case "collect":
            let body = try c.superDecoder(forKey: key)
            let fields = try ContractCoding.object(body, allowed: Self.collectKeys)
            self = .collect(
                item: try fields.decode(String.self, forKey: ContractKey("item")),
                count: try fields.decode(Int.self, forKey: ContractKey("count")),
                sources: try fields.decode([ContractArea].self, forKey: ContractKey("sources")),
                when: try fields.decodeIfPresent(ContractCondition.self, forKey: ContractKey("when")))
        case "weather":
            self = .weather(in: try c.decode([Weather].self, forKey: key))
        case "gameTime":
            let body = try c.superDecoder(forKey: key)
            let fields = try ContractCoding.object(body, allowed: Self.gameTimeKeys)
            self = .gameTime(
                fromHour: try fields.decode(Int.self, forKey: ContractKey("fromHour")),
                toHour: try fields.decode(Int.self, forKey: ContractKey("toHour")))
        case "all":
            self = .all(try c.decode([ContractCondition].self, forKey: key))
        case "allInOrder":
            self = .allInOrder(try c.decode([ContractCondition].self, forKey: key))
        default:
            self = .anyOf(try c.decode([ContractCondition].self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ContractKey.self)
        let key = ContractKey(kind)
        switch self {
        case .reach(let area):
            try c.encode(area, forKey: key)
        case .collect(let item, let count, let sources, let when):
            var fields = c.nestedContainer(keyedBy: ContractKey.self, forKey: key)
            try fields.encode(item, forKey: ContractKey("item"))
            try fields.encode(count, forKey: ContractKey("count"))
            try fields.encode(sources, forKey: ContractKey("sources"))
            try fields.encodeIfPresent(when, forKey: ContractKey("when"))
        case .weather(let allowed):
            try c.encode(allowed, forKey: key)
        case .gameTime(let from, let to):
            var fields = c.nestedContainer(keyedBy: ContractKey.self, forKey: key)
            try fields.encode(from, forKey: ContractKey("fromHour"))
            try fields.encode(to, forKey: ContractKey("toHour"))
        case .all(let parts), .allInOrder(let parts), .anyOf(let parts):
            try c.encode(parts, forKey: key)
        }
    }
}
