/// The anti-cheat policy's numbers: when a jump is a teleport, how long its cool-down lasts,
/// how long a strike counts and how many strikes restrict an account.
///
/// The server reads them from its config file (every field has a default) and must call
/// ``validate()`` (``MovementRules`` does) before use. docs/anti-cheat.md explains the policy.
public struct AntiCheatSettings: Codable, Equatable, Hashable, Sendable {
    /// Distance between terrain samples along a move, metres (default 25): a region narrower
    /// than this along the path may be missed, which only ever favours the player.
    public var sampleSpacingMetres: Double = 25
    /// Most terrain samples per move (default 400), so one very long jump costs bounded work;
    /// beyond `sampleSpacingMetres × maxSamples` the samples spread out.
    public var maxSamples: Int = 400
    /// A move faster than this multiple of its terrain's limit is a teleport (default 5).
    public var teleportSpeedFactor: Double = 5
    /// A move shorter than this is never a teleport, however short the interval (default 250 m);
    /// it keeps GPS-like noise and bursts of reports from ever earning a strike.
    public var teleportMinimumMetres: Double = 250
    /// Most seconds of client-reported lag credited when deciding whether a jump is a teleport
    /// (default 60): a stalled connection that delivers old reports late must not earn a strike.
    /// The credit never makes a report acceptable; it only spares a strike.
    public var teleportLagAllowanceSeconds: Double = 60
    /// Cool-down after any teleport, seconds (default 30).
    public var cooldownBaseSeconds: Double = 30
    /// Extra cool-down per kilometre jumped, seconds (default 60).
    public var cooldownSecondsPerKm: Double = 60
    /// Longest cool-down, seconds (default 900, 15 minutes).
    public var cooldownMaxSeconds: Double = 900
    /// How long a strike counts toward a restriction, seconds (default 86,400: 24 hours).
    public var strikeWindowSeconds: Double = 86_400
    /// Strikes within the window that bar an account from NFT claims (default 2).
    public var claimsRestrictionStrikes: Int = 2
    /// Strikes within the window that also bar quest rewards (default 3).
    public var rewardsRestrictionStrikes: Int = 3

    /// The default policy.
    public init() {}

    /// Longest cool-down or window accepted: a year, so every duration fits in Int64 milliseconds.
    static let longestSeconds: Double = 365 * 86_400

    /// Checks every field; the first bad one is named in the error.
    /// - Throws: ``AntiCheatSettingsError`` naming the field and what it must be.
    public func validate() throws(AntiCheatSettingsError) {
        func require(_ field: String, _ value: Double, in range: ClosedRange<Double>, open lower: Bool = false)
            throws(AntiCheatSettingsError)
        {
            guard value.isFinite, range.contains(value), !(lower && value == range.lowerBound) else {
                throw .outOfRange(field: field, value: value, minimum: range.lowerBound, maximum: range.upperBound,
                                  excludingMinimum: lower)
            }
        }
        try require("sampleSpacingMetres", sampleSpacingMetres, in: 0...10_000, open: true)
        try require("maxSamples", Double(maxSamples), in: 2...10_000)
        try require("teleportSpeedFactor", teleportSpeedFactor, in: 2...1_000)
        try require("teleportMinimumMetres", teleportMinimumMetres, in: 0...1_000_000)
        try require("teleportLagAllowanceSeconds", teleportLagAllowanceSeconds, in: 0...3_600)
        try require("cooldownBaseSeconds", cooldownBaseSeconds, in: 0...Self.longestSeconds)
        try require("cooldownSecondsPerKm", cooldownSecondsPerKm, in: 0...Self.longestSeconds)
        try require("cooldownMaxSeconds", cooldownMaxSeconds, in: 0...Self.longestSeconds)
        guard cooldownMaxSeconds >= cooldownBaseSeconds else {
            throw .belowOtherField(field: "cooldownMaxSeconds", value: cooldownMaxSeconds,
                                   other: "cooldownBaseSeconds", otherValue: cooldownBaseSeconds)
        }
        try require("strikeWindowSeconds", strikeWindowSeconds, in: 0...Self.longestSeconds, open: true)
        try require("claimsRestrictionStrikes", Double(claimsRestrictionStrikes), in: 1...1_000)
        try require("rewardsRestrictionStrikes", Double(rewardsRestrictionStrikes), in: 1...1_000)
        guard rewardsRestrictionStrikes >= claimsRestrictionStrikes else {
            throw .belowOtherField(field: "rewardsRestrictionStrikes", value: Double(rewardsRestrictionStrikes),
                                   other: "claimsRestrictionStrikes", otherValue: Double(claimsRestrictionStrikes))
        }
    }

    /// The cool-down after a jump of `distance` metres: base + per-km × km, capped.
    public func cooldownSeconds(forJumpOf distance: Double) -> Double {
        // A distance that is not a number (it cannot come from a validated point) gets the longest cool-down.
        guard !distance.isNaN else { return cooldownMaxSeconds }
        let seconds = cooldownBaseSeconds + cooldownSecondsPerKm * max(0, distance) / 1_000
        return seconds.isFinite ? min(seconds, cooldownMaxSeconds) : cooldownMaxSeconds
    }

    /// The window in milliseconds, the unit strike times use.
    var strikeWindowMillis: Int64 { Self.millis(strikeWindowSeconds) }

    /// Seconds to milliseconds, clamped to [0, a year] so a bad value can never trap.
    static func millis(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64((min(seconds, longestSeconds) * 1_000).rounded())
    }
}
