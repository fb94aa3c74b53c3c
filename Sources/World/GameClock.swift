import Foundation

/// A moment of in-game time.
public struct GameTime: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Whole game days since the epoch (negative before it).
    public var day: Int
    /// 0...23
    public var hour: Int
    /// 0...59
    public var minute: Int

    public init(day: Int, hour: Int, minute: Int) {
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    public var description: String {
        "day \(day) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
    }
}

/// Maps real time to game time: a pure function of the epoch and the ratio, so every
/// server and client computes the same hour without talking to each other.
public struct GameClock: Hashable, Sendable {
    public let epoch: Date
    /// Game seconds per real second.
    public let ratio: Double

    public init(epoch: Date, ratio: Double) {
        self.epoch = epoch
        self.ratio = ratio
    }

    /// Real seconds in one game day (7,200 at ratio 12).
    public var realSecondsPerGameDay: Double { 86_400 / ratio }

    /// Game seconds since the epoch, rounded down.
    public func gameSeconds(at date: Date) -> Int64 {
        let value = (date.timeIntervalSince(epoch) * ratio).rounded(.down)
        guard value.isFinite, abs(value) < 9e18 else { return 0 }
        return Int64(value)
    }

    public func gameTime(at date: Date) -> GameTime {
        let total = gameSeconds(at: date)
        let (day, secondOfDay) = Self.floorDivMod(total, 86_400)
        return GameTime(day: Int(day), hour: Int(secondOfDay / 3_600), minute: Int(secondOfDay % 3_600 / 60))
    }

    /// The real instant at which the game reaches `gameSeconds` since the epoch.
    public func date(atGameSeconds gameSeconds: Int64) -> Date {
        epoch.addingTimeInterval(Double(gameSeconds) / ratio)
    }

    /// The first real instant strictly after `date` at which a new game hour begins.
    public func nextHourBoundary(after date: Date) -> Date {
        let (hours, _) = Self.floorDivMod(gameSeconds(at: date), 3_600)
        let target = (hours + 1) * 3_600
        var next = self.date(atGameSeconds: target)
        // Floating-point division may land a hair before the boundary; nudge until it is on it.
        var nudges = 0
        while gameSeconds(at: next) < target && nudges < 64 {
            next = next.addingTimeInterval(0.000_1)
            nudges += 1
        }
        return next
    }

    static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b
        var r = a % b
        if r < 0 {
            q -= 1
            r += b
        }
        return (q, r)
    }
}
