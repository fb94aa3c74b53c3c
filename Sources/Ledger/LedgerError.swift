/// Why the ledger refused an operation.
///
/// Every case has a stable ``code`` for clients and a ``message`` a person can act on. When a
/// ledger operation throws, nothing was written.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The paying account holds less than the amount.
    case insufficientFunds(account: AccountID, balance: Amount, needed: Amount)
    /// No account has this name; create it with ``LedgerStore/ensureAccount(_:_:kind:at:)``.
    case unknownAccount(AccountID)
    /// The amount is unusable (zero, or it would overflow the supply cap); the string says why.
    case invalidAmount(String)
    /// A transfer from an account to itself, which would record a movement of nothing.
    case sameAccount
    /// The idempotency key was already used for a different request by the same account.
    case idempotencyConflict(key: String)
    /// A transaction with this kind and unique reference exists: the thing was already paid.
    case duplicateReference(kind: String, ref: String)
    /// The account name does not fit its kind, or the account exists with another kind.
    case invalidAccount(AccountID, reason: String)
    /// The transaction kind or reference is unusable (empty, or missing where it must be unique).
    case invalidReference(String)
    /// The stored ledger breaks an invariant that writes maintain; run ``LedgerAudit/run(_:)``.
    case corrupted(String)

    /// A stable machine-readable code, e.g. `insufficient_funds`.
    public var code: String {
        switch self {
        case .insufficientFunds: "insufficient_funds"
        case .unknownAccount: "unknown_account"
        case .invalidAmount: "invalid_amount"
        case .sameAccount: "same_account"
        case .idempotencyConflict: "idempotency_conflict"
        case .duplicateReference: "duplicate_reference"
        case .invalidAccount: "invalid_account"
        case .invalidReference: "invalid_reference"
        case .corrupted: "ledger_corrupted"
        }
    }

    /// A sentence naming the account or field at fault.
    public var message: String {
        switch self {
        case let .insufficientFunds(account, balance, needed):
            "Account \(account) holds \(balance) but the transfer needs \(needed)."
        case let .unknownAccount(account):
            "Account \(account) does not exist."
        case let .invalidAmount(reason):
            "Invalid amount: \(reason)."
        case .sameAccount:
            "The source and destination accounts are the same; pick a different recipient."
        case let .idempotencyConflict(key):
            "Idempotency key \"\(key)\" was already used for a different request; use a new key."
        case let .duplicateReference(kind, ref):
            "A \(kind) transaction with reference \"\(ref)\" was already recorded."
        case let .invalidAccount(account, reason):
            "Account \(account) is invalid: \(reason)."
        case let .invalidReference(reason):
            "Invalid transaction reference: \(reason)."
        case let .corrupted(reason):
            "The ledger is inconsistent: \(reason)."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
