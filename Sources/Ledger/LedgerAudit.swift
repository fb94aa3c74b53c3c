import Foundation
import GRDB

/// Proves the ledger conserves PUR by recomputing it two independent ways.
///
/// It replays the `ledger.tx` events from the first, sums the entries, and compares both with
/// the balance columns, so a change to any one of the three shows up. Run it at startup and
/// from an admin tool; it reads everything, so give it a read transaction of its own.
public enum LedgerAudit {
    /// Checks every ledger invariant and reports each violation as a sentence.
    ///
    /// Checks: every transaction has exactly two entries that sum to zero and exactly one
    /// matching `ledger.tx` event (and every such event one transaction); every balance equals
    /// the sum of its entries, the replayed events and each entry's recorded balance-after; no
    /// balance is negative except issuance; all balances sum to zero; no unique `(kind, ref)`
    /// repeats; event seqs run 1, 2, 3… without gaps; the append-only triggers and the unique
    /// index are in place.
    /// ```swift
    /// let report = try writer.read { db in try LedgerAudit.run(db) }
    /// if !report.isClean { logger.critical("\(report.violations.joined(separator: "\n"))") }
    /// ```
    /// - Throws: Database errors only; a broken ledger is reported, not thrown.
    public static func run(_ db: Database) throws -> LedgerAuditReport {
        var audit = Auditor()
        try audit.checkSchema(db)
        try audit.loadAccounts(db)
        try audit.replayEvents(db)
        try audit.checkTransactions(db)
        audit.checkAccounts()
        return LedgerAuditReport(
            violations: audit.sortedViolations(), transactions: audit.transactionCount,
            events: audit.eventCount, accounts: audit.accounts.count
        )
    }
}

/// The audit's working state: one pass over each table, everything compared in memory.
private struct Auditor {
    /// Where a violation occurs, so the report reads in ledger order.
    enum Stage: Int { case schema, events, transactions, accounts, totals }

    struct Violation {
        var stage: Stage
        var position: Int64
        var order: Int
        var message: String
    }

    struct Entry {
        var id: Int64
        var account: AccountID
        var delta: Int64
    }

    struct RecordedTransfer {
        var seq: Int64
        var transfer: LedgerTransfer
    }

    var violations: [Violation] = []
    var accounts: [(id: AccountID, kind: String, balance: Int64)] = []
    var accountIDs: Set<AccountID> = []
    var replayed: [AccountID: Int64] = [:]
    var entrySums: [AccountID: Int64] = [:]
    var transferEvents: [Int64: RecordedTransfer] = [:]
    var transactionCount = 0
    var eventCount = 0

    mutating func report(_ stage: Stage, _ position: Int64, _ message: String) {
        violations.append(Violation(stage: stage, position: position, order: violations.count, message: message))
    }

    func sortedViolations() -> [String] {
        violations.sorted { ($0.stage.rawValue, $0.position, $0.order) < ($1.stage.rawValue, $1.position, $1.order) }
            .map(\.message)
    }

    mutating func checkSchema(_ db: Database) throws {
        let names = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')"))
        for trigger in LedgerStore.Schema.guardTriggers where !names.contains(trigger) {
            report(.schema, 0, "The append-only trigger \(trigger) is missing, so history can be rewritten.")
        }
        if !names.contains(LedgerStore.Schema.uniqueRefIndex) {
            report(.schema, 1, "The unique index \(LedgerStore.Schema.uniqueRefIndex) is missing, so a unique reference can be paid twice.")
        }
    }

    mutating func loadAccounts(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, kind, balance FROM ledger_accounts ORDER BY id")
        while let row = try rows.next() {
            let id = AccountID(rawValue: try row.decode(atIndex: 0))
            accounts.append((id, try row.decode(atIndex: 1), try row.decode(atIndex: 2)))
            accountIDs.insert(id)
        }
    }

    mutating func replayEvents(_ db: Database) throws {
        let decoder = JSONDecoder()
        var expectedSeq: Int64 = 1
        var overdrawn: Set<AccountID> = []
        let rows = try Row.fetchCursor(db, sql: "SELECT seq, kind, payload FROM ledger_events ORDER BY seq")
        while let row = try rows.next() {
            eventCount += 1
            let seq: Int64 = try row.decode(atIndex: 0)
            if seq != expectedSeq {
                report(.events, seq, "Event seq \(expectedSeq) is missing: the log jumps from seq \(expectedSeq - 1) to \(seq).")
            }
            expectedSeq = seq &+ 1
            guard try row.decode(String.self, atIndex: 1) == LedgerTransfer.eventKind else { continue }
            let payload: String = try row.decode(atIndex: 2)
            guard let transfer = try? decoder.decode(LedgerTransfer.self, from: Data(payload.utf8)) else {
                report(.events, seq, "Event seq \(seq) is a \(LedgerTransfer.eventKind) event whose payload cannot be read.")
                continue
            }
            if let earlier = transferEvents[transfer.txId] {
                report(.events, seq, "Event seq \(seq) records tx \(transfer.txId) again; event seq \(earlier.seq) already did.")
                continue
            }
            transferEvents[transfer.txId] = RecordedTransfer(seq: seq, transfer: transfer)
            for (account, delta) in [(transfer.from, -transfer.amount.micro), (transfer.to, transfer.amount.micro)] {
                if !accountIDs.contains(account) {
                    report(.events, seq, "Event seq \(seq) moves PUR for account \(account), which does not exist.")
                }
                let (after, overflow) = (replayed[account] ?? 0).addingReportingOverflow(delta)
                guard !overflow else {
                    report(.events, seq, "Replaying event seq \(seq) overflows the balance of \(account).")
                    continue
                }
                replayed[account] = after
                if after < 0, account != .issuance, overdrawn.insert(account).inserted {
                    report(.events, seq, "Replaying event seq \(seq) takes \(account) to \(after) micro-PUR: it paid more than it held.")
                }
            }
        }
        let highWater = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'ledger_events'") ?? 0
        if highWater >= expectedSeq {
            report(.events, expectedSeq, "Events seq \(expectedSeq) to \(highWater) are missing: the log once reached seq \(highWater).")
        }
    }

    mutating func checkTransactions(_ db: Database) throws {
        var transactions: [Int64: (kind: String, ref: String?, uniqueRef: Bool)] = [:]
        let txRows = try Row.fetchCursor(db, sql: "SELECT id, kind, ref, unique_ref FROM ledger_transactions")
        while let row = try txRows.next() {
            transactions[try row.decode(atIndex: 0)] = (try row.decode(atIndex: 1), try row.decode(atIndex: 2), try row.decode(Int64.self, atIndex: 3) != 0)
        }
        transactionCount = transactions.count

        // Entries in tx order, so each account's running sum can be compared with the
        // balance-after it recorded.
        var entriesByTx: [Int64: [Entry]] = [:]
        var driftReported: Set<AccountID> = []
        let entryRows = try Row.fetchCursor(db, sql: "SELECT id, tx_id, account_id, delta, balance_after FROM ledger_entries ORDER BY tx_id, id")
        while let row = try entryRows.next() {
            let entry = Entry(id: try row.decode(atIndex: 0), account: AccountID(rawValue: try row.decode(atIndex: 2)), delta: try row.decode(atIndex: 3))
            let txId: Int64 = try row.decode(atIndex: 1)
            let recordedAfter: Int64 = try row.decode(atIndex: 4)
            entriesByTx[txId, default: []].append(entry)
            if !accountIDs.contains(entry.account) {
                report(.transactions, txId, "Entry \(entry.id) of tx \(txId) names account \(entry.account), which does not exist.")
            }
            let (sum, overflow) = (entrySums[entry.account] ?? 0).addingReportingOverflow(entry.delta)
            guard !overflow else {
                report(.transactions, txId, "Entry \(entry.id) of tx \(txId) overflows the entry sum of \(entry.account).")
                continue
            }
            entrySums[entry.account] = sum
            if sum != recordedAfter, driftReported.insert(entry.account).inserted {
                report(.transactions, txId, "Entry \(entry.id) of tx \(txId) records \(entry.account) at \(recordedAfter) micro-PUR afterwards, but its entries up to there sum to \(sum).")
            }
        }

        var uniqueRefs: [String: Int64] = [:]
        let allIds = Set(transactions.keys).union(entriesByTx.keys).union(transferEvents.keys).sorted()
        for txId in allIds {
            let entries = entriesByTx[txId] ?? []
            guard let tx = transactions[txId] else {
                if !entries.isEmpty {
                    report(.transactions, txId, "Entries \(entries.map { String($0.id) }.joined(separator: ", ")) belong to tx \(txId), which does not exist.")
                }
                if let event = transferEvents[txId] {
                    report(.transactions, txId, "Event seq \(event.seq) records tx \(txId), which is not in the transactions table.")
                }
                continue
            }
            let movement = checkBalanced(txId, entries)
            checkEvent(txId, tx, movement)
            if tx.uniqueRef, let ref = tx.ref {
                let key = "\(tx.kind)\u{0}\(ref)"
                if let first = uniqueRefs[key] {
                    report(.transactions, txId, "Tx \(txId) repeats the unique reference (\(tx.kind), \(ref)) of tx \(first): the same thing was paid twice.")
                } else {
                    uniqueRefs[key] = txId
                }
            }
        }
    }

    /// Reports a transaction that is not one balanced transfer; returns the transfer when it is.
    mutating func checkBalanced(_ txId: Int64, _ entries: [Entry]) -> (from: AccountID, to: AccountID, amount: Int64)? {
        guard entries.count == 2 else {
            report(.transactions, txId, "Tx \(txId) has \(entries.count) entries, not 2.")
            return nil
        }
        let (sum, overflow) = entries[0].delta.addingReportingOverflow(entries[1].delta)
        guard !overflow, sum == 0 else {
            report(.transactions, txId, "Tx \(txId) is unbalanced: its entries \(entries[0].delta) and \(entries[1].delta) sum to \(overflow ? "more than Int64" : String(sum)), not 0.")
            return nil
        }
        guard entries[0].account != entries[1].account, entries[0].delta != 0 else {
            report(.transactions, txId, "Tx \(txId) moves nothing: both entries are on \(entries[0].account) or zero.")
            return nil
        }
        let (payer, payee) = entries[0].delta < 0 ? (entries[0], entries[1]) : (entries[1], entries[0])
        return (payer.account, payee.account, payee.delta)
    }

    mutating func checkEvent(_ txId: Int64, _ tx: (kind: String, ref: String?, uniqueRef: Bool), _ movement: (from: AccountID, to: AccountID, amount: Int64)?) {
        guard let recorded = transferEvents[txId] else {
            report(.transactions, txId, "Tx \(txId) has no \(LedgerTransfer.eventKind) event.")
            return
        }
        let event = recorded.transfer
        if event.kind != tx.kind || event.ref != tx.ref || event.uniqueRef != tx.uniqueRef {
            report(.transactions, txId, "Tx \(txId) is (\(tx.kind), \(tx.ref ?? "no ref")) but its event seq \(recorded.seq) says (\(event.kind), \(event.ref ?? "no ref")).")
        }
        if let movement, movement.from != event.from || movement.to != event.to || movement.amount != event.amount.micro {
            report(.transactions, txId, "Tx \(txId) moves \(movement.amount) micro-PUR from \(movement.from) to \(movement.to), but its event seq \(recorded.seq) says \(event.amount.micro) from \(event.from) to \(event.to).")
        }
    }

    mutating func checkAccounts() {
        var total: Int64 = 0
        var totalOverflowed = false
        for (index, account) in accounts.enumerated() {
            let position = Int64(index)
            let fromEntries = entrySums[account.id] ?? 0
            if account.balance != fromEntries {
                report(.accounts, position, "Account \(account.id) has balance \(account.balance) micro-PUR, but its entries sum to \(fromEntries).")
            }
            let fromEvents = replayed[account.id] ?? 0
            if account.balance != fromEvents {
                report(.accounts, position, "Account \(account.id) has balance \(account.balance) micro-PUR, but replaying the \(LedgerTransfer.eventKind) events gives \(fromEvents).")
            }
            if account.id == .issuance {
                if account.balance > 0 {
                    report(.accounts, position, "Account issuance holds \(account.balance) micro-PUR, but it can only hold minus the supply.")
                }
            } else if account.balance < 0 {
                report(.accounts, position, "Account \(account.id) has a negative balance of \(account.balance) micro-PUR; only issuance may go negative.")
            }
            if AccountKind(rawValue: account.kind) == nil {
                report(.accounts, position, "Account \(account.id) has the unknown kind \"\(account.kind)\".")
            }
            let (sum, overflow) = total.addingReportingOverflow(account.balance)
            total = sum
            totalOverflowed = totalOverflowed || overflow
        }
        if totalOverflowed {
            report(.totals, 0, "The balances overflow Int64 when summed, so supply is past the cap.")
        } else if total != 0 {
            report(.totals, 0, "The balances sum to \(total) micro-PUR, not 0: PUR was created or destroyed outside a balanced transaction.")
        }
    }
}
