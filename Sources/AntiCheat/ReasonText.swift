/// Wording for sentences players read. Times are UTC and computed here rather than with a
/// formatter, so the text never depends on the server's locale or time zone.
enum ReasonText {
    /// "1 teleport", "3 teleports".
    static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }

    /// "850 m", "4.2 km".
    static func distance(_ metres: Double) -> String {
        guard metres.isFinite else { return "an impossible distance" }
        if metres < 1_000 { return "\(Int(metres.rounded())) m" }
        let tenths = (metres / 100).rounded()
        guard tenths < 1e12 else { return "over 100,000,000 km" }
        let whole = Int64(tenths)
        return "\(whole / 10).\(whole % 10) km"
    }

    /// "24 h", "90 min", "45 s".
    static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return "\(seconds) s" }
        let whole = Int64(seconds.rounded())
        if whole >= 3_600 && whole % 3_600 == 0 { return "\(whole / 3_600) h" }
        if whole >= 60 && whole % 60 == 0 { return "\(whole / 60) min" }
        return "\(whole) s"
    }

    /// Unix ms as "2025-03-01 12:03 UTC" (proleptic Gregorian calendar).
    static func time(_ millis: Int64) -> String {
        let seconds = millis >= 0 ? millis / 1_000 : (millis - 999) / 1_000
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(daysSinceEpoch: days)
        return "\(year)-\(pad(month))-\(pad(day)) \(pad(secondOfDay / 3_600)):\(pad(secondOfDay % 3_600 / 60)) UTC"
    }

    /// Days since 1970-01-01 to (year, month, day): Howard Hinnant's `civil_from_days`.
    static func civil(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
