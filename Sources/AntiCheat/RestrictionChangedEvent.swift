/// Payload of a `restriction.changed` ledger event: an account's restriction level moved,
/// up after a strike or down as strikes leave the window.
public struct RestrictionChangedEvent: Codable, Hashable, Sendable {
    /// The ledger event kind for this payload.
    public static let kind = "restriction.changed"

    /// The account whose restriction changed.
    public var account: String
    /// Server time of the change, Unix ms.
    public var at: Int64
    /// The level before the change.
    public var previous: RestrictionLevel
    /// The level from now on.
    public var level: RestrictionLevel
    /// The new restriction's reason, or why it was lifted; a sentence the player can read.
    public var reason: String
    /// When the new level ends if no new strike comes; nil when now unrestricted.
    public var until: Int64?
    /// Strikes inside the window at the change.
    public var strikes: Int

    /// The event for a change of level.
    public init(
        account: String, at: Int64, previous: RestrictionLevel, level: RestrictionLevel, reason: String,
        until: Int64?, strikes: Int
    ) {
        self.account = account
        self.at = at
        self.previous = previous
        self.level = level
        self.reason = reason
        self.until = until
        self.strikes = strikes
    }
}
