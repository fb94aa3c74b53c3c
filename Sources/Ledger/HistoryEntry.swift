/// One line of an account statement: a transaction seen from that account.
public struct HistoryEntry: Sendable, Codable, Equatable {
    /// The transaction's id; pass the last one as `beforeTxId` to get the next page.
    public let txId: Int64
    /// The transaction's kind.
    public let kind: String
    /// The transaction's reference, if any.
    public let ref: String?
    /// The other side of the transfer.
    public let counterparty: AccountID?
    /// The signed change to this account in micro-PUR: negative when it paid.
    public let delta: Int64
    /// This account's balance right after the transaction.
    public let balanceAfter: Amount
    /// When the transaction happened, in milliseconds since 1970.
    public let at: Int64
    /// Free text recorded with the transaction.
    public let memo: String?

    /// Builds a statement line.
    public init(txId: Int64, kind: String, ref: String?, counterparty: AccountID?, delta: Int64, balanceAfter: Amount, at: Int64, memo: String?) {
        self.txId = txId
        self.kind = kind
        self.ref = ref
        self.counterparty = counterparty
        self.delta = delta
        self.balanceAfter = balanceAfter
        self.at = at
        self.memo = memo
    }
}
