import World

/// Payload of a `movement.strike` ledger event: a strike and the cool-down it started.
/// The server appends it as returned; "strikes kept as events" needs nothing more.
public struct StrikeEvent: Codable, Hashable, Sendable {
    /// The ledger event kind for this payload.
    public static let kind = "movement.strike"

    /// The struck account.
    public var account: String
    /// Server time of the offending report, Unix ms.
    public var at: Int64
    /// What earned the strike.
    public var kind: StrikeKind
    /// Metres jumped.
    public var distance: Double
    /// Where the player really was (the last accepted position).
    public var from: Point
    /// Where the player claimed to be.
    public var to: Point
    /// Reports before this server time (Unix ms) are refused.
    public var cooldownUntil: Int64
    /// Strikes inside the window, this one included.
    public var strikesInWindow: Int

    /// The event for a strike just recorded.
    public init(account: String, strike: Strike, cooldownUntil: Int64, strikesInWindow: Int) {
        self.account = account
        at = strike.at
        kind = strike.kind
        distance = strike.distance
        from = strike.from
        to = strike.to
        self.cooldownUntil = cooldownUntil
        self.strikesInWindow = strikesInWindow
    }

    /// The strike this event records.
    public var strike: Strike { Strike(at: at, kind: kind, distance: distance, from: from, to: to) }
}
