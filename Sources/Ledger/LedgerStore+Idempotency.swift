import Foundation
import GRDB

extension LedgerStore {
    /// The stored response to a retried request, so a client that resends after a lost reply
    /// gets the same answer instead of paying twice.
    ///
    /// Keys are scoped to the account, so one player cannot collide with another's keys.
    /// - Parameters:
    ///   - requestHash: A hash of the request's content; the same key with other content is a conflict.
    /// - Returns: The stored response, or `nil` if the key is new.
    /// - Throws: ``LedgerError/idempotencyConflict(key:)`` if the key was used with another request.
    public static func idempotentResponse(_ db: Database, account: AccountID, key: String, requestHash: String) throws -> String? {
        guard let row = try Row.fetchOne(
            db,
            sql: "SELECT request_hash, response FROM ledger_idempotency WHERE account_id = ? AND key = ?",
            arguments: [account.rawValue, key]
        ) else { return nil }
        let storedHash: String = try row.decode(atIndex: 0)
        guard storedHash == requestHash else { throw LedgerError.idempotencyConflict(key: key) }
        return try row.decode(atIndex: 1)
    }

    /// Stores the response to a request under its key, in the same transaction as the request's
    /// effects, so either both are kept or neither.
    ///
    /// Recording the same key and hash again keeps the first response.
    /// - Throws: ``LedgerError/idempotencyConflict(key:)`` if the key holds another request.
    public static func recordIdempotent(_ db: Database, account: AccountID, key: String, requestHash: String, response: String, at: Date) throws {
        guard try idempotentResponse(db, account: account, key: key, requestHash: requestHash) == nil else { return }
        try db.execute(
            sql: "INSERT INTO ledger_idempotency (account_id, key, request_hash, response, at) VALUES (?, ?, ?, ?, ?)",
            arguments: [account.rawValue, key, requestHash, response, LedgerTime.millis(at)]
        )
    }
}
