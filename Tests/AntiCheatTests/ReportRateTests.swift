import Foundation
import Quests
import Testing
import World
@testable import AntiCheat

/// The report rate as the server judges it (`MovementModel`, with the map's 1 s
/// `minReportInterval`): a token bucket on receive times, so a client that sends exactly once a
/// second is never refused however the network shifts its reports, and a flood is.
@Suite struct ReportRateTests {
    /// A client standing still that sends one report a second by its own clock; each report
    /// reaches the server 0–600 ms after it was sent (±300 ms around a 300 ms mean), so the
    /// gaps the server sees range from 0.4 s to 1.6 s.
    @Test(arguments: [UInt64(1), 2, 3])
    func aSteadyOneHertzClientWithJitteredReceiveTimesIsNeverRefused(seed: UInt64) throws {
        let rules = try stripRules()
        var model = MovementModel(account: "steady-\(seed)")
        var rng = SplitMix64(seed: seed)
        var refused: [Int: [String]] = [:]
        var shortestGap = Int64.max
        var lastReceived: Int64?
        for n in 0..<1_000 {
            let sent = millis(Double(n))
            let received = sent + Int64((rng.nextUnit() * 600).rounded())
            if let lastReceived { shortestGap = min(shortestGap, received - lastReceived) }
            lastReceived = received
            let ruling = model.evaluate(PositionReport(point: Point(x: 500, y: 500), clientTime: sent, serverTime: received), rules: rules)
            if !ruling.isAccepted { refused[n] = ruling.flagNames }
        }
        #expect(shortestGap < 500, "the jitter brought some reports well under 1 s apart")
        #expect(refused.isEmpty, "\(refused.count) of 1,000 refused, first \(refused.sorted { $0.key < $1.key }.prefix(3))")
    }

    @Test func aFloodAtTenHertzIsRefusedAfterItsBurst() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "flood")
        var accepted = 0
        var tooFrequent = 0
        for n in 0..<50 {
            let at = millis(Double(n) / 10)
            let ruling = model.evaluate(PositionReport(point: Point(x: 500, y: 500), clientTime: at, serverTime: at), rules: rules)
            if ruling.isAccepted { accepted += 1 }
            if ruling.flagNames.contains("tooFrequent") { tooFrequent += 1 }
            if n < 4 { #expect(ruling.isAccepted, "report \(n): the first one and a burst of 3 are allowed") }
        }
        // 5 s at 10 Hz: the first report, the burst of 3, and one more per second that passes.
        #expect(accepted <= 1 + 3 + 5)
        #expect(tooFrequent == 50 - accepted)
    }
}
