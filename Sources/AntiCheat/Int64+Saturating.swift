/// Time arithmetic that cannot trap: report times come from the network, and a state machine
/// on the request path must answer, not crash, whatever numbers it is handed.
extension Int64 {
    /// `self + other`, clamped to the representable range.
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - earlier` in milliseconds, as a Double so that it never overflows.
    func millis(since earlier: Int64) -> Double { Double(self) - Double(earlier) }
}
