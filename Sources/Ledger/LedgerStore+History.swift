import GRDB

extension LedgerStore {
    /// An account's statement, newest first, one page at a time.
    ///
    /// ```swift
    /// let page1 = try LedgerStore.history(db, account: me, limit: 50, beforeTxId: nil)
    /// let page2 = try LedgerStore.history(db, account: me, limit: 50, beforeTxId: page1.last?.txId)
    /// ```
    /// For issuance, whose balance is negative, `balanceAfter` is the total supply after the transaction.
    /// - Parameters:
    ///   - limit: At most this many lines, capped at ``maxPageSize``.
    ///   - beforeTxId: Only transactions older than this one; `nil` for the newest.
    /// - Throws: ``LedgerError/unknownAccount(_:)``.
    public static func history(_ db: Database, account: AccountID, limit: Int, beforeTxId: Int64?) throws -> [HistoryEntry] {
        guard try accountExists(db, account) else { throw LedgerError.unknownAccount(account) }
        let limit = min(max(limit, 0), maxPageSize)
        guard limit > 0 else { return [] }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT e.tx_id, t.kind, t.ref, t.memo, t.at, e.delta, e.balance_after,
                   (SELECT o.account_id FROM ledger_entries o
                     WHERE o.tx_id = e.tx_id AND o.account_id <> e.account_id LIMIT 1)
            FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.tx_id
            WHERE e.account_id = ? AND e.tx_id < ?
            ORDER BY e.tx_id DESC
            LIMIT ?
            """, arguments: [account.rawValue, beforeTxId ?? Int64.max, limit])
        var entries: [HistoryEntry] = []
        while let row = try rows.next() {
            let txId: Int64 = try row.decode(atIndex: 0)
            let after: Int64 = try row.decode(atIndex: 6)
            let magnitude = after == Int64.min ? nil : Amount(micro: after < 0 ? -after : after)
            guard let balanceAfter = magnitude, after >= 0 || account == .issuance else {
                throw LedgerError.corrupted("entry of tx \(txId) leaves \(account) at \(after) micro-PUR")
            }
            let counterparty: String? = try row.decode(atIndex: 7)
            entries.append(HistoryEntry(
                txId: txId, kind: try row.decode(atIndex: 1), ref: try row.decode(atIndex: 2),
                counterparty: counterparty.map(AccountID.init(rawValue:)), delta: try row.decode(atIndex: 5),
                balanceAfter: balanceAfter, at: try row.decode(atIndex: 4), memo: try row.decode(atIndex: 3)
            ))
        }
        return entries
    }
}
