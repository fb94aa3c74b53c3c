/// Restrictions follow from the strikes inside the window; nothing else is stored but the
/// level last announced, so a restriction can never disagree with the strikes behind it.
extension MovementModel {
    /// The account's restriction at `now`, or nil when it has none.
    /// - Parameters:
    ///   - now: server time, Unix ms.
    ///   - settings: the window and thresholds.
    public func restriction(now: Int64, settings: AntiCheatSettings) -> Restriction? {
        let live = liveStrikes(now: now, settings: settings)
        let level = Self.level(strikes: live.count, settings: settings)
        guard level != .unrestricted, let last = live.last else { return nil }
        let window = settings.strikeWindowMillis
        let (claims, rewards) = Self.thresholds(settings)
        // With the strikes sorted, the count falls below a threshold T when the strike T places
        // from the newest leaves the window.
        let liftedAt = live[live.count - claims].at.saturatingAdding(window)
        let levelUntil = level == .noClaimsOrRewards
            ? live[live.count - rewards].at.saturatingAdding(window) : liftedAt
        var reason = "\(ReasonText.count(live.count, "teleport")) in \(ReasonText.duration(seconds: settings.strikeWindowSeconds)), "
            + "the last \(ReasonText.distance(last.distance)) at \(ReasonText.time(last.at)); "
            + "restricted from \(level.barredText) until \(ReasonText.time(levelUntil))"
        if level == .noClaimsOrRewards && liftedAt > levelUntil {
            reason += ", and from \(RestrictionLevel.noClaims.barredText) until \(ReasonText.time(liftedAt))"
        }
        reason += "."
        return Restriction(level: level, reason: reason, until: levelUntil, liftedAt: liftedAt, strikes: live.count)
    }

    /// Strikes that still count at `now`, oldest first.
    func liveStrikes(now: Int64, settings: AntiCheatSettings) -> [Strike] {
        let window = Double(settings.strikeWindowMillis)
        return strikes.filter { now.millis(since: $0.at) < window }.sorted { $0.at < $1.at }
    }

    static func level(strikes: Int, settings: AntiCheatSettings) -> RestrictionLevel {
        let (claims, rewards) = thresholds(settings)
        if strikes >= rewards { return .noClaimsOrRewards }
        if strikes >= claims { return .noClaims }
        return .unrestricted
    }

    /// The thresholds as validation would have them (claims ≥ 1, rewards ≥ claims), so settings
    /// that skipped `validate()` can never index outside the strikes.
    static func thresholds(_ settings: AntiCheatSettings) -> (claims: Int, rewards: Int) {
        let claims = max(1, settings.claimsRestrictionStrikes)
        return (claims, max(claims, settings.rewardsRestrictionStrikes))
    }

    /// The `restriction.changed` event when the level differs from the one last announced.
    mutating func announceRestrictionChange(now: Int64, settings: AntiCheatSettings) -> RestrictionChangedEvent? {
        let current = restriction(now: now, settings: settings)
        let level = current?.level ?? .unrestricted
        guard level != announcedLevel else { return nil }
        defer { announcedLevel = level }
        let strikes = liveStrikes(now: now, settings: settings).count
        let reason = current?.reason
            ?? "Restriction lifted: \(ReasonText.count(strikes, "teleport")) in the last "
            + "\(ReasonText.duration(seconds: settings.strikeWindowSeconds)), fewer than the "
            + "\(settings.claimsRestrictionStrikes) that restrict NFT claims."
        return RestrictionChangedEvent(
            account: account, at: now, previous: announcedLevel, level: level, reason: reason,
            until: current?.until, strikes: strikes)
    }
}
