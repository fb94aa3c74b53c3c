/// The payload of a `ledger.tx` event: one transfer, enough to replay every balance from the log.
public struct LedgerTransfer: Sendable, Codable, Equatable {
    /// The event kind that carries a transfer.
    public static let eventKind = "ledger.tx"

    /// The transaction's id.
    public var txId: Int64
    /// The transaction's kind, e.g. `quest.reward`.
    public var kind: String
    /// The transaction's reference, if any.
    public var ref: String?
    /// Whether `(kind, ref)` is unique.
    public var uniqueRef: Bool
    /// The paying account.
    public var from: AccountID
    /// The receiving account.
    public var to: AccountID
    /// How much moved.
    public var amount: Amount
    /// Free text recorded with the transaction.
    public var memo: String?

    /// Builds a transfer record.
    public init(txId: Int64, kind: String, ref: String?, uniqueRef: Bool, from: AccountID, to: AccountID, amount: Amount, memo: String?) {
        self.txId = txId
        self.kind = kind
        self.ref = ref
        self.uniqueRef = uniqueRef
        self.from = from
        self.to = to
        self.amount = amount
        self.memo = memo
    }
}
