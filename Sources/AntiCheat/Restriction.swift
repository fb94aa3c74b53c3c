/// How far an account is restricted; each level includes the ones below it.
public enum RestrictionLevel: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    /// Nothing barred.
    case unrestricted
    /// No NFT claims.
    case noClaims
    /// No NFT claims and no quest rewards.
    case noClaimsOrRewards

    /// Whether the account may not claim NFT drops.
    public var blocksClaims: Bool { self >= .noClaims }
    /// Whether quests the account completes pay it nothing.
    public var blocksQuestRewards: Bool { self >= .noClaimsOrRewards }

    private var rank: Int {
        switch self {
        case .unrestricted: 0
        case .noClaims: 1
        case .noClaimsOrRewards: 2
        }
    }

    /// Orders levels by what they bar.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    /// Words for the player: "NFT claims", "NFT claims and quest rewards".
    var barredText: String {
        switch self {
        case .unrestricted: "nothing"
        case .noClaims: "NFT claims"
        case .noClaimsOrRewards: "NFT claims and quest rewards"
        }
    }
}

/// An account's current restriction, as the player sees it.
///
/// ```swift
/// if let r = model.restriction(now: now, settings: rules.settings), r.level.blocksClaims {
///     throw claimRefused(r.reason)
/// }
/// ```
public struct Restriction: Codable, Hashable, Sendable {
    /// Never `.unrestricted`: no restriction is `nil`.
    public var level: RestrictionLevel
    /// A sentence the player can read: what happened, what is barred, until when.
    public var reason: String
    /// When this level ends if no new strike comes, Unix ms (a lower level may follow).
    public var until: Int64
    /// When every restriction ends if no new strike comes, Unix ms.
    public var liftedAt: Int64
    /// Strikes inside the window now.
    public var strikes: Int

    /// A restriction as computed by ``MovementModel/restriction(now:settings:)``.
    public init(level: RestrictionLevel, reason: String, until: Int64, liftedAt: Int64, strikes: Int) {
        self.level = level
        self.reason = reason
        self.until = until
        self.liftedAt = liftedAt
        self.strikes = strikes
    }
}
