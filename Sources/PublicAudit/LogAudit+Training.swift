import Ledger
import RPC

/// The AI-runner rules, replayed: every training payment and slash is explained by the round
/// that decided it, and nobody is paid more than the round's emission.
///
/// - `train.round.opened` numbers rounds strictly upwards.
/// - `train.round.closed` lists `payments` (adding up to at most `emission`) and `offences`;
///   it is written before the round's transfers, in the same transaction.
/// - A `train.reward` (ref `round:<r>:<runner>`) comes from issuance, goes to that runner, once,
///   in exactly the amount the closed round lists for it; never to a banned runner.
/// - A `train.slash` (same ref form) takes from the runner's stake escrow only for an offence
///   the closed round lists, and never more than was staked.
struct TrainingReplay {
    struct Closed {
        var payments: [String: Int64]
        var offences: Set<String>
    }

    var lastOpened: UInt64 = 0
    var closed: [UInt64: Closed] = [:]
    var banned: Set<String> = []
    /// micro-PUR each runner has in its stake escrow, by the replayed transfers.
    var staked: [String: Int64] = [:]
    var paidTotal: Int64 = 0

    mutating func event(_ kind: String, _ p: JSONValue, fail: (String) -> Void) {
        switch kind {
        case "train.round.opened":
            guard let round = p["round"]?.intValue, round > 0 else { return fail("train.round.opened without a round") }
            if UInt64(round) <= lastOpened { fail("training round \(round) opened after round \(lastOpened)") }
            lastOpened = max(lastOpened, UInt64(round))
        case "train.round.closed":
            guard let round = p["round"]?.intValue, let emissionText = p["emission"]?.stringValue,
                  let emission = Int64(emissionText) else { return fail("train.round.closed without round or emission") }
            if closed[UInt64(round)] != nil { return fail("training round \(round) closed twice") }
            var payments: [String: Int64] = [:]
            for (runner, amount) in p["payments"]?.objectValue ?? [:] {
                guard let text = amount.stringValue, let value = Int64(text), value > 0 else {
                    return fail("training round \(round): payment to \(runner) is not a positive amount")
                }
                payments[runner] = value
                if banned.contains(runner) { fail("training round \(round) pays banned runner \(runner)") }
            }
            let total = payments.values.reduce(0, +)
            if total > emission { fail("training round \(round) pays \(total) micro-PUR, more than its emission \(emission)") }
            closed[UInt64(round)] = Closed(payments: payments, offences: Set((p["offences"]?.objectValue ?? [:]).keys))
        case "train.banned":
            if let runner = p["runner"]?.stringValue { banned.insert(runner) }
        case "train.update.received":
            if let runner = p["runner"]?.stringValue, banned.contains(runner) {
                fail("training accepted an update from banned runner \(runner)")
            }
        default:
            break
        }
    }

    mutating func transfer(kind: String, from: String, to: String, amount: Int64, ref: String?, fail: (String) -> Void) {
        switch kind {
        case "train.stake":
            staked[from, default: 0] += amount
            if to != AccountID.escrow("train:\(from)").rawValue { fail("train.stake of \(from) paid to \(to), not its stake escrow") }
        case "train.unstake":
            staked[to, default: 0] -= amount
            if (staked[to] ?? 0) < 0 { fail("train.unstake returns more to \(to) than it staked") }
        case "train.reward", "train.slash":
            let parts = (ref ?? "").split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[0] == "round", let round = UInt64(parts[1]) else {
                return fail("\(kind) with ref \(ref ?? "-"): expected round:<r>:<runner>")
            }
            let runner = parts[2]
            guard let decided = closed[round] else { return fail("\(kind) for round \(round), which has not closed") }
            if kind == "train.reward" {
                if from != AccountID.issuance.rawValue { fail("train.reward for round \(round) not minted by issuance") }
                if to != runner { fail("train.reward for \(runner) in round \(round) paid to \(to)") }
                if decided.payments[runner] != amount {
                    fail("train.reward of \(amount) to \(runner) in round \(round); the round decided \(decided.payments[runner] ?? 0)")
                }
                paidTotal += amount
            } else {
                if !decided.offences.contains(runner) { fail("train.slash of \(runner) in round \(round) without an offence") }
                if from != AccountID.escrow("train:\(runner)").rawValue { fail("train.slash of \(runner) not taken from its stake escrow") }
                staked[runner, default: 0] -= amount
                if (staked[runner] ?? 0) < 0 { fail("train.slash takes more from \(runner) than it staked") }
            }
        default:
            break
        }
    }
}
