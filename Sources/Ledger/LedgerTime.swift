import Foundation

/// Converts times to the stored form, milliseconds since 1970.
enum LedgerTime {
    /// Milliseconds since 1970, clamped to what Int64 holds so no date can trap.
    static func millis(_ date: Date) -> Int64 {
        let millis = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard millis.isFinite else { return 0 }
        if millis >= 9.2e18 { return Int64.max }
        if millis <= -9.2e18 { return Int64.min }
        return Int64(millis)
    }
}
