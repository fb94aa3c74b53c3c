import Quests
import World

/// One account's movement model: where it last legitimately was, whether it is cooling down
/// after a teleport, and its strikes. A pure state machine: no clock, no I/O; time comes in as
/// the report's server receive time (Unix ms), and every result the server must keep comes back
/// in the ``MovementRuling`` as events. Codable, so the server persists it per account.
///
/// ## The policy (docs/anti-cheat.md says the same at more length)
///
/// Each report goes through, in order:
/// 1. **Cool-down.** While `serverTime < coolingDownUntil` the report is refused with
///    `.coolingDown(until:)`, unjudged; it does not move the player and earns nothing.
/// 2. **Basic checks.** `MovementCheck` (bounds, reachability, timestamps going back or from the
///    future, reports too frequent, and speed against the world's `maxSpeed`) against the last
///    accepted report.
/// 3. **Terrain speed.** The move must fit `effectiveLimit × toleranceFactor × elapsed + jitter`,
///    where the effective limit comes from the terrain sampled along the whole segment
///    (``TerrainSpeedLimits``) and `elapsed` is measured between *server* receive times.
///    Otherwise `.rejected([.tooFast])`: an ordinary violation, no strike.
/// 4. **Teleport.** A move whose only fault is speed is a teleport when it is at least
///    `teleportMinimumMetres` long and longer than
///    `teleportSpeedFactor × effectiveLimit × (elapsed + lagCredit) + jitter` (5× the terrain
///    limit by default). `lagCredit` is the client-reported time beyond the server's, capped at
///    `teleportLagAllowanceSeconds`, so a stalled connection flushing old reports is not struck;
///    the credit never makes a report acceptable. A teleport records a ``Strike`` and starts a
///    cool-down of `min(cooldownBaseSeconds + cooldownSecondsPerKm × km, cooldownMaxSeconds)`.
///    The jump never becomes the player's position: after the cool-down the next report is
///    judged from the point before the jump.
///
/// Strikes count for `strikeWindowSeconds` (24 h). With `claimsRestrictionStrikes` (2) in the
/// window the account may not claim NFTs; with `rewardsRestrictionStrikes` (3) it also earns no
/// quest rewards. ``restriction(now:settings:)`` gives the level, a reason the player can read,
/// and until when; each change of level is returned once as a `restriction.changed` event.
///
/// ```swift
/// var model = MovementModel(account: "alice")
/// let ruling = model.evaluate(report, rules: rules)
/// for event in ruling.events { try LedgerStore.appendEvent(db, kind: event.kind, payload: event, at: now) }
/// guard ruling.isAccepted else { throw positionRejected(ruling.flagNames) }
/// ```
public struct MovementModel: Codable, Hashable, Sendable {
    /// Strikes kept at most; older ones beyond it no longer change any restriction.
    static let maxStoredStrikes = 100

    /// The account the model belongs to; named in every event.
    public let account: String
    /// The last accepted report: the player's legitimate position; nil before the first.
    public private(set) var lastAccepted: PositionReport?
    /// Report budget left after the last accepted report (`MovementCheck.reportTokens`); nil: full.
    public private(set) var reportTokens: Double?
    /// Server time (Unix ms) until which reports are refused after a teleport; nil when not cooling down.
    public private(set) var coolingDownUntil: Int64?
    /// Strikes still inside the window at the last evaluation, oldest first.
    public private(set) var strikes: [Strike]
    /// The level last reported in a `restriction.changed` event, so each change is reported once.
    public internal(set) var announcedLevel: RestrictionLevel

    /// A fresh model; `lastAccepted` carries a position saved before this model existed.
    public init(account: String, lastAccepted: PositionReport? = nil) {
        self.account = account
        self.lastAccepted = lastAccepted
        coolingDownUntil = nil
        strikes = []
        announcedLevel = .unrestricted
    }

    /// Judges one report and updates the model: an accepted report becomes the position, a
    /// teleport records a strike and starts a cool-down, anything else changes nothing but the
    /// passage of time (strikes that aged out, a cool-down that ended).
    /// - Parameters:
    ///   - report: the position with the server's receive time, which is this evaluation's "now".
    ///   - rules: the map, the basic limits and the anti-cheat settings.
    /// - Returns: the verdict and the events to append to the ledger.
    public mutating func evaluate(_ report: PositionReport, rules: MovementRules) -> MovementRuling {
        let now = report.serverTime
        forgetExpiredStrikes(now: now, settings: rules.settings)
        var ruling: MovementRuling
        if let until = coolingDownUntil, now < until {
            ruling = MovementRuling(verdict: .coolingDown(until: until))
        } else {
            coolingDownUntil = nil
            ruling = MovementRuling(verdict: judge(report, rules: rules))
            switch ruling.verdict {
            case .accepted:
                if let last = lastAccepted {
                    reportTokens = MovementCheck.reportTokens(elapsedMillis: report.serverTime - last.serverTime,
                                                              before: reportTokens, settings: rules.movement) - 1
                }
                lastAccepted = report
            case .teleport(let distance):
                ruling.strike = recordTeleport(report, distance: distance, settings: rules.settings)
            case .rejected, .coolingDown:
                break
            }
        }
        ruling.restrictionChange = announceRestrictionChange(now: now, settings: rules.settings)
        return ruling
    }

    /// Lets time pass without a report: drops strikes that left the window and returns the
    /// `restriction.changed` event if the level fell. Call it before telling a player their
    /// status, so a restriction that has run out is also recorded as lifted.
    public mutating func refresh(now: Int64, settings: AntiCheatSettings) -> RestrictionChangedEvent? {
        forgetExpiredStrikes(now: now, settings: settings)
        if let until = coolingDownUntil, now >= until { coolingDownUntil = nil }
        return announceRestrictionChange(now: now, settings: settings)
    }

    /// The verdict for a report against the last accepted one, changing nothing.
    func judge(_ report: PositionReport, rules: MovementRules) -> MovementRuling.Verdict {
        var flags: MovementFlags = []
        if case .rejected(let basic) = MovementCheck.evaluate(
            report, after: lastAccepted, settings: rules.movement, world: rules.world, tokens: reportTokens)
        {
            flags = basic
        }
        guard let last = lastAccepted, !flags.contains(.outOfBounds), report.point.isFinite else {
            return flags.isEmpty ? .accepted : .rejected(flags)
        }
        let movement = rules.movement
        let distance = last.point.distance(to: report.point)
        let elapsed = max(0, report.serverTime.millis(since: last.serverTime) / 1_000)
        let limit = rules.speedLimits.effectiveLimit(from: last.point, to: report.point, terrainAt: rules.terrain(at:))
        if distance > limit * movement.toleranceFactor * elapsed + movement.jitterMetres {
            flags.insert(.tooFast)
        }
        // Only a move whose sole fault is speed can be a teleport: a report that is also too
        // frequent or badly timed is refused anyway, and a burst of them must not earn strikes.
        if flags == .tooFast && isTeleport(distance: distance, limit: limit, elapsed: elapsed, last: last,
                                           report: report, rules: rules) {
            return .teleport(distance: distance)
        }
        return flags.isEmpty ? .accepted : .rejected(flags)
    }

    private func isTeleport(
        distance: Double, limit: Double, elapsed: Double, last: PositionReport, report: PositionReport,
        rules: MovementRules
    ) -> Bool {
        let settings = rules.settings
        guard distance >= settings.teleportMinimumMetres else { return false }
        let clientElapsed = report.clientTime.millis(since: last.clientTime) / 1_000
        let lagCredit = min(max(0, clientElapsed - elapsed), settings.teleportLagAllowanceSeconds)
        return distance > settings.teleportSpeedFactor * limit * (elapsed + lagCredit) + rules.movement.jitterMetres
    }

    private mutating func recordTeleport(_ report: PositionReport, distance: Double, settings: AntiCheatSettings)
        -> StrikeEvent?
    {
        guard let from = lastAccepted?.point else { return nil }
        let strike = Strike(at: report.serverTime, kind: .teleport, distance: distance, from: from, to: report.point)
        strikes.append(strike)
        if strikes.count > Self.maxStoredStrikes { strikes.removeFirst(strikes.count - Self.maxStoredStrikes) }
        let until = report.serverTime.saturatingAdding(AntiCheatSettings.millis(settings.cooldownSeconds(forJumpOf: distance)))
        coolingDownUntil = until
        return StrikeEvent(account: account, strike: strike, cooldownUntil: until,
                           strikesInWindow: liveStrikes(now: report.serverTime, settings: settings).count)
    }

    private mutating func forgetExpiredStrikes(now: Int64, settings: AntiCheatSettings) {
        let window = Double(settings.strikeWindowMillis)
        strikes.removeAll { now.millis(since: $0.at) >= window }
    }
}
