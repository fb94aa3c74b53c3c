import Foundation
import GRDB

extension LedgerStore {
    /// Appends an event to the log; events are never updated or deleted (triggers refuse it).
    ///
    /// The payload is stored as canonical JSON, sorted keys and no whitespace, so the same
    /// event always has the same bytes and can be hashed or signed.
    ///
    /// ```swift
    /// try LedgerStore.appendEvent(db, kind: "quest.opened", payload: ["quest": "42"], at: Date())
    /// ```
    /// - Returns: The event's sequence number.
    /// - Throws: ``LedgerError/invalidReference(_:)`` for an empty kind; encoding and database errors.
    @discardableResult
    public static func appendEvent<P: Encodable>(_ db: Database, kind: String, payload: P, at: Date) throws -> Int64 {
        guard !kind.isEmpty else { throw LedgerError.invalidReference("the event kind is empty") }
        try db.execute(
            sql: "INSERT INTO ledger_events (kind, payload, at) VALUES (?, ?, ?)",
            arguments: [kind, try canonicalJSON(payload), LedgerTime.millis(at)]
        )
        return db.lastInsertedRowID
    }

    /// Events from `fromSeq` (inclusive) on, oldest first, at most `limit` (capped at ``maxPageSize``).
    ///
    /// To follow the log, pass the last seq seen plus one.
    public static func events(_ db: Database, fromSeq: Int64, limit: Int) throws -> [LedgerEvent] {
        let limit = min(max(limit, 0), maxPageSize)
        guard limit > 0 else { return [] }
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT seq, kind, payload, at FROM ledger_events WHERE seq >= ? ORDER BY seq LIMIT ?",
            arguments: [fromSeq, limit]
        )
        var events: [LedgerEvent] = []
        while let row = try rows.next() {
            events.append(LedgerEvent(
                seq: try row.decode(atIndex: 0), kind: try row.decode(atIndex: 1),
                payload: try row.decode(atIndex: 2), at: try row.decode(atIndex: 3)
            ))
        }
        return events
    }

    /// Encodes a value the one way the ledger stores it: sorted keys, unescaped slashes, no whitespace.
    public static func canonicalJSON<P: Encodable>(_ value: P) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
