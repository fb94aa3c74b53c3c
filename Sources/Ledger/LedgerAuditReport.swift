/// What ``LedgerAudit/run(_:)`` found.
public struct LedgerAuditReport: Sendable {
    /// One sentence per broken invariant, naming the first offending tx, account or event, in
    /// ledger order: schema, then events by seq, then transactions by id, then accounts by name,
    /// then totals.
    public var violations: [String]
    /// Rows in the transactions table.
    public var transactions: Int
    /// Rows in the event log.
    public var events: Int
    /// Rows in the accounts table.
    public var accounts: Int
    /// Whether no invariant is broken.
    public var isClean: Bool { violations.isEmpty }

    /// Builds a report.
    public init(violations: [String], transactions: Int, events: Int, accounts: Int) {
        self.violations = violations
        self.transactions = transactions
        self.events = events
        self.accounts = accounts
    }
}
