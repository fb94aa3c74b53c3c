/// One entry of the append-only event log, which is the ledger's replayable history.
public struct LedgerEvent: Sendable, Codable, Equatable {
    /// Position in the log: 1, 2, 3… with no gaps.
    public let seq: Int64
    /// What happened, e.g. `ledger.tx`.
    public let kind: String
    /// The event's data as canonical JSON (sorted keys, no whitespace), so it hashes the same everywhere.
    public let payload: String
    /// When it was appended, in milliseconds since 1970.
    public let at: Int64

    /// Builds an event as read from the log.
    public init(seq: Int64, kind: String, payload: String, at: Int64) {
        self.seq = seq
        self.kind = kind
        self.payload = payload
        self.at = at
    }
}
