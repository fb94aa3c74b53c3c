import World

/// The fastest legitimate speed on each terrain, and the time a move between two points needs.
///
/// A terrain's limit is the world's base speed times the map's `terrainSpeedFactors` (the same
/// factors quest time limits use, so a client that travels by the map's rules is never judged
/// stricter than it was promised); points outside every region travel at the base speed.
///
/// A move's limit comes from the terrain *along* it, not only at its ends: the segment is
/// sampled every `sampleSpacing` metres (at most `maxSamples` pieces) through a lookup closure,
/// so this type needs no map and tests can paint any terrain they like.
///
/// ```swift
/// let limits = TerrainSpeedLimits(world: world.settings)
/// let speed = limits.effectiveLimit(from: a, to: b) { world.region(at: $0)?.terrain }
/// ```
public struct TerrainSpeedLimits: Hashable, Sendable {
    /// Speed where the map says nothing, m/s (the world's `maxSpeed`).
    public var baseSpeed: Double
    /// Factors in (0, 1] on `baseSpeed`; a terrain not listed, or listed out of range, counts as 1.
    public var factors: [Terrain: Double]
    /// Metres between samples along a move.
    public var sampleSpacing: Double
    /// Most pieces a move is cut into.
    public var maxSamples: Int

    /// Limits from a base speed and per-terrain factors, for maps built in code and tests.
    public init(baseSpeed: Double, factors: [Terrain: Double] = [:], sampleSpacing: Double = 25, maxSamples: Int = 400) {
        self.baseSpeed = baseSpeed
        self.factors = factors
        self.sampleSpacing = sampleSpacing
        self.maxSamples = maxSamples
    }

    /// The limits a map defines, sampled as the settings say.
    public init(world: WorldSettings, settings: AntiCheatSettings = AntiCheatSettings()) {
        self.init(baseSpeed: world.maxSpeed, factors: world.terrainSpeedFactors,
                  sampleSpacing: settings.sampleSpacingMetres, maxSamples: settings.maxSamples)
    }

    /// The fastest legitimate speed on a terrain, m/s; nil (outside every region) is the base speed.
    public func limit(for terrain: Terrain?) -> Double {
        guard let terrain, let factor = factors[terrain], factor.isFinite, factor > 0, factor <= 1 else {
            return baseSpeed
        }
        return baseSpeed * factor
    }

    /// Shortest legitimate time from `a` to `b`, seconds: the sum over the pieces of the
    /// segment of piece length / the limit at the piece's middle.
    ///
    /// Summing times rather than taking the slowest terrain's limit for the whole move is
    /// deliberate: a player who walked 290 m of plains and 10 m of mountain in one interval
    /// moved legitimately, and the slowest-terrain rule would call that too fast.
    public func travelSeconds(from a: Point, to b: Point, terrainAt: (Point) -> Terrain?) -> Double {
        let length = a.distance(to: b)
        guard length.isFinite, length > 0 else { return 0 }
        let pieces = pieceCount(length: length)
        let pieceLength = length / Double(pieces)
        var seconds = 0.0
        for index in 0..<pieces {
            let t = (Double(index) + 0.5) / Double(pieces)
            let middle = Point(x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t)
            seconds += pieceLength / limit(for: terrainAt(middle))
        }
        return seconds
    }

    /// The move's effective limit, m/s: its length over ``travelSeconds(from:to:terrainAt:)``,
    /// i.e. the length-weighted harmonic mean of the limits along it. For a move that stays on
    /// one terrain it is that terrain's limit; a slow stretch anywhere on the move lowers it.
    public func effectiveLimit(from a: Point, to b: Point, terrainAt: (Point) -> Terrain?) -> Double {
        let seconds = travelSeconds(from: a, to: b, terrainAt: terrainAt)
        guard seconds > 0, seconds.isFinite else { return limit(for: terrainAt(a)) }
        return a.distance(to: b) / seconds
    }

    /// One piece per `sampleSpacing` metres, at least 1 and at most `maxSamples`.
    func pieceCount(length: Double) -> Int {
        let most = max(1, maxSamples)
        let wanted = (length / sampleSpacing).rounded(.up)
        guard wanted.isFinite, wanted >= 1 else { return wanted >= 1 ? most : 1 }
        return wanted >= Double(most) ? most : Int(wanted)
    }
}
