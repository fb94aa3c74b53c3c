/// Payloads of the training events in the ledger's event log (and so leaves of the
/// transparency log): who took part, what each round decided and why.
/// Seeds are decimal strings: a u64 does not fit a JSON number exactly.
struct TrainingJoined: Codable {
    var runner: String
    var stake: String
}

struct TrainingLeft: Codable {
    var runner: String
    var refunded: String
}

struct TrainingRoundOpened: Codable {
    var round: UInt64
    var version: UInt64
    var seed: String
    var deadline: Int64
    var runners: [String]
}

struct TrainingUpdateReceived: Codable {
    var round: UInt64
    var runner: String
    var bytes: Int
    /// SHA-256 of the binary frame as received.
    var sha256: String
    /// Set when the update was refused on arrival as proven cheating (non-finite values).
    var offence: String?
}

struct TrainingRoundClosed: Codable {
    var round: UInt64
    var version: UInt64
    var newVersion: UInt64
    /// SHA-256 of the new version's parameters (little-endian f32), as `train.model` reports it.
    var paramsSHA256: String
    var heldOutLoss: Double?
    var accepted: [String]
    var audited: [String]
    /// Audited runners whose checkpoints did not all arrive in time: their updates were left out.
    var unverified: [String]?
    /// Each audited runner's segments and the relative distances its replay measured (what the
    /// tolerances are set from, and what a runner on other hardware can check itself against).
    var audits: [String: AuditRecord]?
    /// Untrusted runners whose update did not improve held-out data: scored 0, not aggregated.
    var onProbation: [String]?
    /// The coordinator's seconds on this round's audits (replays, hashing) and on judging it all.
    var auditSeconds: Double?
    var judgingSeconds: Double?
    var offences: [String: String]
    var scores: [String: Double]
    var reputation: [String: Double]
    /// micro-PUR per runner, as decimal strings; they add up to at most `emission`.
    var payments: [String: String]
    var emission: String
}

struct AuditRecord: Codable {
    var segments: [Int]
    var params: [Double]
    var m: [Double]
    var v: [Double]
    var upload: Double?
}

struct TrainingRoundAbandoned: Codable {
    var round: UInt64
    var version: UInt64
    var updates: Int
}

struct TrainingBanned: Codable {
    var runner: String
    var reason: String
}
