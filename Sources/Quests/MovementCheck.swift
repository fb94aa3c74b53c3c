import World

/// A position a client reported, with the server's own receive time beside the client's claim.
public struct PositionReport: Codable, Hashable, Sendable {
    public var point: Point
    /// Unix ms the client says it measured the position; only checked for sanity.
    public var clientTime: Int64
    /// Unix ms the server received it; the only clock speed is measured with.
    public var serverTime: Int64

    public init(point: Point, clientTime: Int64, serverTime: Int64) {
        self.point = point
        self.clientTime = clientTime
        self.serverTime = serverTime
    }
}

/// Limits for `MovementCheck`.
public struct MovementSettings: Codable, Hashable, Sendable {
    /// Fastest legitimate speed, m/s.
    public var maxSpeed: Double
    /// Headroom over `maxSpeed` for network jitter in receive times (default 1.25).
    public var toleranceFactor: Double
    /// Metres always allowed between reports, for GPS noise (default 15).
    public var jitterMetres: Double
    /// Shortest gap between reports, seconds.
    public var minReportInterval: Double
    /// How far ahead of the server clock a client timestamp may be, ms (default 5000).
    public var maxFutureSkewMillis: Int64

    public init(
        maxSpeed: Double, toleranceFactor: Double = 1.25, jitterMetres: Double = 15, minReportInterval: Double,
        maxFutureSkewMillis: Int64 = 5_000
    ) {
        self.maxSpeed = maxSpeed
        self.toleranceFactor = toleranceFactor
        self.jitterMetres = jitterMetres
        self.minReportInterval = minReportInterval
        self.maxFutureSkewMillis = maxFutureSkewMillis
    }

    /// Settings taken from the map, with default tolerances.
    public init(world: WorldSettings) {
        self.init(maxSpeed: world.maxSpeed, minReportInterval: world.minReportInterval)
    }
}

/// Everything wrong with one report.
public struct MovementFlags: OptionSet, Codable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Implied speed since the last accepted report exceeds the limit.
    public static let tooFast = MovementFlags(rawValue: 1 << 0)
    /// The client timestamp is ahead of the server clock by more than the allowed skew.
    public static let futureTimestamp = MovementFlags(rawValue: 1 << 1)
    /// The client timestamp is earlier than the last accepted one.
    public static let timestampWentBack = MovementFlags(rawValue: 1 << 2)
    /// The point is outside the map bounds (or not a number).
    public static let outOfBounds = MovementFlags(rawValue: 1 << 3)
    /// The point is inside the bounds but nowhere a cat can stand.
    public static let unreachable = MovementFlags(rawValue: 1 << 4)
    /// The report came sooner than `minReportInterval` after the last accepted one.
    public static let tooFrequent = MovementFlags(rawValue: 1 << 5)

    private static let named: [(MovementFlags, String)] = [
        (.tooFast, "tooFast"), (.futureTimestamp, "futureTimestamp"), (.timestampWentBack, "timestampWentBack"),
        (.outOfBounds, "outOfBounds"), (.unreachable, "unreachable"), (.tooFrequent, "tooFrequent"),
    ]

    /// Flag names for logs and client errors, in a fixed order.
    public var names: [String] { Self.named.filter { contains($0.0) }.map(\.1) }
    public var description: String { "[\(names.joined(separator: ", "))]" }
}

/// The outcome of checking one report.
public enum MovementVerdict: Hashable, Sendable {
    case accepted
    case rejected(MovementFlags)
}

/// Server-side plausibility check of one account's positions: a pure state machine.
///
/// Speed is measured between *server* receive times, because a cheating client controls
/// its own timestamps; client timestamps must only be non-decreasing and not from the
/// future. A rejected report does not move the reference point, so a teleport is refused
/// until real time has caught up with the distance (a cooldown that scales with the jump).
///
/// ```swift
/// var check = MovementCheck(settings: MovementSettings(world: world.settings))
/// if check.check(report, in: world) == .accepted { /* feed QuestProgress */ }
/// ```
public struct MovementCheck: Codable, Hashable, Sendable {
    public var settings: MovementSettings
    /// The last accepted report; nil before the account's first.
    public private(set) var lastAccepted: PositionReport?

    public init(settings: MovementSettings, lastAccepted: PositionReport? = nil) {
        self.settings = settings
        self.lastAccepted = lastAccepted
    }

    /// Report budget left after the last accepted report (nil: full).
    public private(set) var tokens: Double?

    /// Checks a report and, if it is accepted, makes it the new reference.
    public mutating func check(_ report: PositionReport, in world: World) -> MovementVerdict {
        let verdict = Self.evaluate(report, after: lastAccepted, settings: settings, world: world, tokens: tokens)
        if verdict == .accepted {
            tokens = lastAccepted.map { Self.reportTokens(elapsedMillis: report.serverTime - $0.serverTime, before: tokens, settings: settings) - 1 }
            lastAccepted = report
        }
        return verdict
    }

    /// Reports a client may send back to back: the budget a steady sender's receive-time jitter
    /// draws on. A client at exactly one report per `minReportInterval` whose reports arrive
    /// early or late never runs dry; a flood does after this many.
    public static let reportBurst = 3.0

    /// The report rate as a token bucket (one token per `minReportInterval`, at most
    /// `reportBurst`), judged on the server's receive times: the tokens available for a report
    /// `elapsedMillis` after the last accepted one, which left `before` (nil: a full bucket).
    /// A report needs one. A fixed minimum gap instead refused 18–36 % of a steady 1 Hz client's
    /// reports, whose gaps jitter around 1 s as they cross the network.
    public static func reportTokens(elapsedMillis: Int64, before: Double?, settings: MovementSettings) -> Double {
        guard settings.minReportInterval > 0 else { return reportBurst }
        let refill = Double(max(0, elapsedMillis)) / 1_000 / settings.minReportInterval
        return min(reportBurst, (before ?? reportBurst) + refill)
    }

    /// Checks a report against the last accepted one without changing anything.
    public static func evaluate(
        _ report: PositionReport, after last: PositionReport?, settings: MovementSettings, world: World,
        tokens: Double? = nil
    ) -> MovementVerdict {
        var flags: MovementFlags = []
        if !world.contains(report.point) {
            flags.insert(.outOfBounds)
        } else if !world.isReachable(report.point) {
            flags.insert(.unreachable)
        }
        if report.clientTime > report.serverTime + settings.maxFutureSkewMillis {
            flags.insert(.futureTimestamp)
        }
        if let last {
            if report.clientTime < last.clientTime { flags.insert(.timestampWentBack) }
            let elapsedMillis = report.serverTime - last.serverTime
            if Self.reportTokens(elapsedMillis: elapsedMillis, before: tokens, settings: settings) < 1 { flags.insert(.tooFrequent) }
            if !flags.contains(.outOfBounds) {
                let seconds = max(0, Double(elapsedMillis) / 1_000)
                let allowed = settings.maxSpeed * settings.toleranceFactor * seconds + settings.jitterMetres
                if last.point.distance(to: report.point) > allowed { flags.insert(.tooFast) }
            }
        }
        return flags.isEmpty ? .accepted : .rejected(flags)
    }
}
