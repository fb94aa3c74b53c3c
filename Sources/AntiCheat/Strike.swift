import World

/// What earned a strike.
public enum StrikeKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// A jump far beyond any legitimate speed (see ``MovementModel``).
    case teleport
}

/// One strike against an account, kept until it leaves the strike window.
public struct Strike: Codable, Hashable, Sendable {
    /// Server time of the offending report, Unix ms.
    public var at: Int64
    /// What earned it.
    public var kind: StrikeKind
    /// Metres between `from` and `to`.
    public var distance: Double
    /// The last accepted position, where the player really was.
    public var from: Point
    /// Where the player claimed to be.
    public var to: Point

    /// A strike as recorded; the model makes these, tests and migrations may too.
    public init(at: Int64, kind: StrikeKind, distance: Double, from: Point, to: Point) {
        self.at = at
        self.kind = kind
        self.distance = distance
        self.from = from
        self.to = to
    }
}
