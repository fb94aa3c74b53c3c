import Quests

/// A circle on the map, with its coordinates written into the contract so that
/// evaluating it never needs the map: `{"poi":"kittenford","radius":25,"x":1200,"y":1500}`.
///
/// Coordinates and radius are metres on a millimetre grid: every initialiser (decoding
/// included) rounds them to the nearest 0.001 m, half away from zero, so the canonical
/// form can write them as short fixed decimals and reading it back gives the same value.
public struct ContractArea: Codable, Hashable, Sendable {
    /// Metres east of the map's origin.
    public let x: Double
    /// Metres north of the map's origin.
    public let y: Double
    /// Metres from the centre within which a position counts (the edge counts).
    public let radius: Double
    /// The point of interest the circle marks, when it is one; a label, never looked up.
    public let poi: String?

    /// Makes a circle, rounding its numbers to the millimetre.
    public init(x: Double, y: Double, radius: Double, poi: String? = nil) {
        self.x = Self.quantized(x)
        self.y = Self.quantized(y)
        self.radius = Self.quantized(radius)
        self.poi = poi
    }

    /// Resolves a quest's target circle into the contract.
    public init(_ target: TargetArea, poi: String? = nil) {
        self.init(x: target.x, y: target.y, radius: target.radius, poi: poi)
    }

    /// Whether a position lies inside: `sqrt(dx² + dy²) <= radius` in binary64, the same
    /// arithmetic as `TargetArea.contains`, so both agree on the edge.
    public func contains(x px: Double, y py: Double) -> Bool {
        guard px.isFinite, py.isFinite else { return false }
        let dx = px - x
        let dy = py - y
        return (dx * dx + dy * dy).squareRoot() <= radius
    }

    /// Rounds to the millimetre grid; values outside the valid range pass through so that
    /// validation, not rounding, reports them.
    static func quantized(_ value: Double) -> Double {
        guard value.isFinite, abs(value) <= QuestContract.maxCoordinate else { return value }
        return (value * 1_000).rounded(.toNearestOrAwayFromZero) / 1_000
    }

    private static let keys: Set<String> = ["x", "y", "radius", "poi"]

    public init(from decoder: any Decoder) throws {
        let c = try ContractCoding.object(decoder, allowed: Self.keys)
        self.init(
            x: try c.decode(Double.self, forKey: ContractKey("x")),
            y: try c.decode(Double.self, forKey: ContractKey("y")),
            radius: try c.decode(Double.self, forKey: ContractKey("radius")),
            poi: try c.decodeIfPresent(String.self, forKey: ContractKey("poi")))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ContractKey.self)
        try c.encode(x, forKey: ContractKey("x"))
        try c.encode(y, forKey: ContractKey("y"))
        try c.encode(radius, forKey: ContractKey("radius"))
        try c.encodeIfPresent(poi, forKey: ContractKey("poi"))
    }
}
