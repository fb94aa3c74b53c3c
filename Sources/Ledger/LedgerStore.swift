import Foundation
import GRDB

/// The PUR ledger: accounts, balanced double-entry transfers and the append-only event log, on SQLite.
///
/// Every function takes the caller's `Database`, so that a transfer and the Server's own writes
/// (a quest's state, an idempotency record) commit together or not at all:
///
/// ```swift
/// let txId = try writer.write { db in
///     try LedgerStore.move(db, kind: "quest.reward", from: .rewardsPool, to: .player(key),
///                          amount: .pur(5), ref: "quest:42:\(key)", uniqueRef: true, memo: nil, at: Date())
/// }
/// ```
///
/// A function that throws has written nothing, even if the caller catches the error and goes on
/// in the same transaction.
public enum LedgerStore {
    /// The most rows one page of ``history(_:account:limit:beforeTxId:)`` or ``events(_:fromSeq:limit:)`` returns.
    public static let maxPageSize = 1_000

    /// Kind of the event that marks genesis; written once, first, by ``bootstrap(_:config:at:)``.
    public static let genesisEventKind = "ledger.genesis"

    /// Transaction kind of the genesis mint, issuance to treasury.
    public static let genesisMintKind = "genesis.mint"

    /// Transaction kind of the genesis funding of the rewards pool, treasury to rewards.
    public static let genesisRewardsKind = "genesis.rewards"

    private struct GenesisPayload: Encodable {
        var initialSupply: Amount
        var initialRewardsPool: Amount
    }

    /// Creates the system accounts and mints the initial supply, once; later calls do nothing.
    ///
    /// Genesis is marked by a `ledger.genesis` event, so a changed `config` never mints again.
    /// - Parameters:
    ///   - config: The supply to mint and the part of it that funds the rewards pool.
    ///   - at: The time recorded on the genesis rows.
    /// - Throws: ``LedgerError/insufficientFunds(account:balance:needed:)`` if the rewards pool
    ///   exceeds the supply; database errors.
    public static func bootstrap(_ db: Database, config: LedgerConfig, at: Date) throws {
        try db.inSavepoint {
            try ensureAccount(db, .issuance, kind: .issuance, at: at)
            try ensureAccount(db, .treasury, kind: .treasury, at: at)
            try ensureAccount(db, .rewardsPool, kind: .rewards, at: at)
            let done = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM ledger_events WHERE kind = ? LIMIT 1", arguments: [genesisEventKind]
            ) ?? false
            guard !done else { return .commit }
            try appendEvent(
                db, kind: genesisEventKind,
                payload: GenesisPayload(initialSupply: config.initialSupply, initialRewardsPool: config.initialRewardsPool),
                at: at
            )
            if config.initialSupply > .zero {
                try move(db, kind: genesisMintKind, from: .issuance, to: .treasury, amount: config.initialSupply,
                         ref: "genesis", uniqueRef: true, memo: "initial supply", at: at)
            }
            if config.initialRewardsPool > .zero {
                try move(db, kind: genesisRewardsKind, from: .treasury, to: .rewardsPool, amount: config.initialRewardsPool,
                         ref: "genesis", uniqueRef: true, memo: "initial rewards pool", at: at)
            }
            return .commit
        }
    }

    /// Creates an empty account if it does not exist, so a first deposit has somewhere to land.
    ///
    /// - Throws: ``LedgerError/invalidAccount(_:reason:)`` if the name does not fit `kind`
    ///   (players are 64 lowercase hex characters, escrows `escrow:<ref>`), or if the account
    ///   exists with another kind.
    public static func ensureAccount(_ db: Database, _ id: AccountID, kind: AccountKind, at: Date) throws {
        try validate(id, kind: kind)
        if let existing = try storedAccount(db, id) {
            guard existing.kind == kind else {
                throw LedgerError.invalidAccount(id, reason: "it already exists as a \(existing.kind.rawValue) account, not \(kind.rawValue)")
            }
            return
        }
        try db.execute(
            sql: "INSERT INTO ledger_accounts (id, kind, balance, created_at) VALUES (?, ?, 0, ?)",
            arguments: [id.rawValue, kind.rawValue, LedgerTime.millis(at)]
        )
    }

    /// Whether the account exists.
    public static func accountExists(_ db: Database, _ id: AccountID) throws -> Bool {
        try storedAccount(db, id) != nil
    }

    /// The account's kind, or `nil` if it does not exist.
    public static func accountKind(_ db: Database, _ id: AccountID) throws -> AccountKind? {
        try storedAccount(db, id)?.kind
    }

    /// The account's spendable balance.
    ///
    /// - Throws: ``LedgerError/unknownAccount(_:)``; ``LedgerError/invalidAccount(_:reason:)`` for
    ///   issuance, whose balance is negative: read ``totalSupply(_:)`` or ``signedBalance(_:_:)``.
    public static func balance(_ db: Database, _ id: AccountID) throws -> Amount {
        let micro = try signedBalance(db, id)
        guard let amount = Amount(micro: micro) else {
            throw LedgerError.invalidAccount(id, reason: "its balance is negative (\(micro) micro-PUR); read totalSupply instead")
        }
        return amount
    }

    /// The account's balance in micro-PUR with its sign; only issuance is ever negative.
    /// - Throws: ``LedgerError/unknownAccount(_:)``.
    public static func signedBalance(_ db: Database, _ id: AccountID) throws -> Int64 {
        guard let account = try storedAccount(db, id) else { throw LedgerError.unknownAccount(id) }
        return account.balance
    }

    /// All PUR in existence: minus the issuance balance.
    /// - Throws: ``LedgerError/unknownAccount(_:)`` before bootstrap.
    public static func totalSupply(_ db: Database) throws -> Amount {
        let issuance = try signedBalance(db, .issuance)
        guard issuance > Int64.min, let supply = Amount(micro: -issuance) else {
            throw LedgerError.corrupted("the issuance balance is \(issuance) micro-PUR, which is not minus a valid supply")
        }
        return supply
    }

    /// Records one balanced transfer: a transaction, its two entries (summing to zero), the new
    /// balances and its `ledger.tx` event, inside the caller's transaction.
    ///
    /// Every check happens before anything is written; the CHECK constraints and the unique
    /// index stand behind them.
    ///
    /// ```swift
    /// try LedgerStore.move(db, kind: "quest.stake", from: .player(key), to: .escrow("quest:42"),
    ///                      amount: stake, ref: "quest:42", uniqueRef: true, memo: nil, at: now)
    /// ```
    /// - Parameters:
    ///   - kind: What the transfer is for, e.g. `quest.reward`; not empty.
    ///   - ref: What it refers to, e.g. `quest:42:<player>`.
    ///   - uniqueRef: When true, a second transaction with the same `kind` and `ref` is refused,
    ///     so the same thing can never be paid twice.
    ///   - memo: Free text for statements.
    /// - Returns: The transaction id.
    /// - Throws: ``LedgerError`` `invalidReference`, `invalidAmount` (zero, or a mint past the
    ///   supply cap), `sameAccount`, `unknownAccount`, `duplicateReference`, `insufficientFunds`.
    @discardableResult
    public static func move(
        _ db: Database, kind: String, from: AccountID, to: AccountID, amount: Amount,
        ref: String?, uniqueRef: Bool, memo: String?, at: Date
    ) throws -> Int64 {
        guard !kind.isEmpty else { throw LedgerError.invalidReference("the transaction kind is empty") }
        if uniqueRef, ref?.isEmpty ?? true {
            throw LedgerError.invalidReference("a \(kind) transaction with a unique reference needs a non-empty ref")
        }
        guard amount > .zero else {
            throw LedgerError.invalidAmount("a transfer must move at least 1 micro-PUR, got 0")
        }
        guard from != to else { throw LedgerError.sameAccount }
        guard let payer = try storedAccount(db, from) else { throw LedgerError.unknownAccount(from) }
        guard let payee = try storedAccount(db, to) else { throw LedgerError.unknownAccount(to) }
        if uniqueRef, let ref, try referenceExists(db, kind: kind, ref: ref) {
            throw LedgerError.duplicateReference(kind: kind, ref: ref)
        }

        let (payerAfter, payerOverflow) = payer.balance.subtractingReportingOverflow(amount.micro)
        if payer.kind == .issuance {
            // Keeping issuance >= -Int64.max keeps the supply, and so every balance, within Int64.
            guard !payerOverflow, payerAfter >= -Int64.max else {
                throw LedgerError.invalidAmount("minting \(amount) would take the total supply past the cap of \(Amount.max)")
            }
        } else if payerOverflow || payerAfter < 0 {
            throw LedgerError.insufficientFunds(account: from, balance: Amount(micro: payer.balance) ?? .zero, needed: amount)
        }
        let (payeeAfter, payeeOverflow) = payee.balance.addingReportingOverflow(amount.micro)
        guard !payeeOverflow else {
            throw LedgerError.corrupted("crediting \(amount) to \(to) overflows its balance, so supply exceeds the cap")
        }

        let atMillis = LedgerTime.millis(at)
        var txId: Int64 = 0
        try db.inSavepoint {
            do {
                try db.execute(
                    sql: "INSERT INTO ledger_transactions (kind, ref, unique_ref, memo, at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [kind, ref, uniqueRef ? 1 : 0, memo, atMillis]
                )
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw LedgerError.duplicateReference(kind: kind, ref: ref ?? "")
            }
            txId = db.lastInsertedRowID
            let entrySQL = "INSERT INTO ledger_entries (tx_id, account_id, delta, balance_after) VALUES (?, ?, ?, ?)"
            try db.execute(sql: entrySQL, arguments: [txId, from.rawValue, -amount.micro, payerAfter])
            try db.execute(sql: entrySQL, arguments: [txId, to.rawValue, amount.micro, payeeAfter])
            let balanceSQL = "UPDATE ledger_accounts SET balance = ? WHERE id = ?"
            try db.execute(sql: balanceSQL, arguments: [payerAfter, from.rawValue])
            try db.execute(sql: balanceSQL, arguments: [payeeAfter, to.rawValue])
            let transfer = LedgerTransfer(
                txId: txId, kind: kind, ref: ref, uniqueRef: uniqueRef, from: from, to: to, amount: amount, memo: memo
            )
            try appendEvent(db, kind: LedgerTransfer.eventKind, payload: transfer, at: at)
            return .commit
        }
        return txId
    }

    /// Whether a transaction of this kind already holds this unique reference.
    public static func referenceExists(_ db: Database, kind: String, ref: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM ledger_transactions WHERE kind = ? AND ref = ? AND unique_ref = 1 LIMIT 1",
            arguments: [kind, ref]
        ) ?? false
    }

    struct StoredAccount {
        var kind: AccountKind
        var balance: Int64
    }

    static func storedAccount(_ db: Database, _ id: AccountID) throws -> StoredAccount? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT kind, balance FROM ledger_accounts WHERE id = ?", arguments: [id.rawValue]
        ) else { return nil }
        let kindName: String = try row.decode(atIndex: 0)
        guard let kind = AccountKind(rawValue: kindName) else {
            throw LedgerError.corrupted("account \(id) has the unknown kind \"\(kindName)\"")
        }
        return StoredAccount(kind: kind, balance: try row.decode(atIndex: 1))
    }

    static func validate(_ id: AccountID, kind: AccountKind) throws {
        let raw = id.rawValue
        guard (1...256).contains(raw.utf8.count) else {
            throw LedgerError.invalidAccount(id, reason: "a name is 1 to 256 bytes long")
        }
        guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw LedgerError.invalidAccount(id, reason: "a name cannot contain control characters")
        }
        let isSystemName = [AccountID.issuance, .treasury, .rewardsPool].contains(id)
        let isEscrowName = raw.hasPrefix(AccountID.escrowPrefix) && raw.utf8.count > AccountID.escrowPrefix.utf8.count
        let fits: Bool = switch kind {
        case .issuance: id == .issuance
        case .treasury: id == .treasury
        case .rewards: id == .rewardsPool
        case .escrow: isEscrowName
        case .player: id.isPublicKeyHex
        case .runner: !isSystemName && !raw.hasPrefix(AccountID.escrowPrefix)
        }
        guard fits else {
            let expected = switch kind {
            case .issuance, .treasury, .rewards: "the reserved name of that system account"
            case .escrow: "escrow:<ref>"
            case .player: "64 lowercase hex characters (an Ed25519 public key)"
            case .runner: "a name that is neither a system account nor an escrow"
            }
            throw LedgerError.invalidAccount(id, reason: "a \(kind.rawValue) account must be named \(expected)")
        }
    }
}
