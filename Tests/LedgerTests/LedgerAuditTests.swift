import Foundation
import GRDB
import Testing
@testable import Ledger

@Suite("LedgerAudit")
struct LedgerAuditTests {
    /// Genesis (txs 1 and 2, events 1 to 3), then tx 3 funds alice 10 PUR (event 4) and tx 4
    /// moves 4 PUR from alice to bob (event 5).
    private func scenario() throws -> any DatabaseWriter {
        let writer = try makeLedger()
        try fund(writer, alice, .pur(10))
        try writer.write { (db: Database) throws in
            try LedgerStore.ensureAccount(db, bob, kind: .player, at: testDate)
            try LedgerStore.move(db, kind: "player.transfer", from: alice, to: bob, amount: .pur(4),
                                 ref: nil, uniqueRef: false, memo: nil, at: testDate)
        }
        return writer
    }

    /// Runs raw SQL with the triggers dropped, then audits; the missing-trigger reports are left out.
    private func auditAfterTampering(_ sql: String) throws -> [String] {
        let writer = try scenario()
        try writer.write { (db: Database) throws in
            try dropGuardTriggers(db)
            try db.execute(sql: sql)
        }
        let report = try writer.read { db in try LedgerAudit.run(db) }
        return report.violations.filter { !$0.hasPrefix("The append-only trigger") }
    }

    @Test("A fresh ledger audits clean")
    func freshLedgerIsClean() throws {
        let report = try scenario().read { db in try LedgerAudit.run(db) }
        #expect(report.violations == [])
        #expect(report.isClean)
        #expect(report.transactions == 4)
        #expect(report.events == 5)
        #expect(report.accounts == 5)
    }

    @Test("Hundreds of random transfers, some refused and caught mid-transaction, audit clean")
    func randomTransfersStayClean() throws {
        let writer = try makeLedger()
        var rng = SplitMix64(state: 0x5EED)
        let players = (0..<6).map { AccountID.player(String(format: "%064x", $0 + 1)) }
        let escrows = (0..<3).map { AccountID.escrow("quest:\($0)") }
        let accounts = players + escrows + [.treasury, .rewardsPool]
        try writer.write { (db: Database) throws in
            for player in players { try LedgerStore.ensureAccount(db, player, kind: .player, at: testDate) }
            for escrow in escrows { try LedgerStore.ensureAccount(db, escrow, kind: .escrow, at: testDate) }
        }
        var committed = 0
        for _ in 0..<40 {
            committed += try writer.write { (db: Database) throws in
                var moved = 0
                for _ in 0..<10 {
                    let from = accounts.randomElement(using: &rng) ?? .treasury
                    let to = accounts.randomElement(using: &rng) ?? .rewardsPool
                    let amount = Amount(micro: Int64.random(in: 0...50_000_000, using: &rng)) ?? .zero
                    let unique = Bool.random(using: &rng)
                    do {
                        try LedgerStore.move(db, kind: "random", from: from, to: to, amount: amount,
                                             ref: "r\(Int.random(in: 0..<100, using: &rng))", uniqueRef: unique,
                                             memo: nil, at: testDate)
                        moved += 1
                    } catch is LedgerError {
                        // Refusals are part of the test: they must leave nothing behind.
                    }
                }
                return moved
            }
        }
        let report = try writer.read { db in try LedgerAudit.run(db) }
        #expect(report.violations == [])
        #expect(report.transactions == committed + 2)
        #expect(committed > 100)
        #expect(try writer.read { db in try LedgerStore.totalSupply(db) } == .pur(1_000_000_000))
    }

    @Test("Dropping the append-only triggers is reported")
    func droppedTriggers() throws {
        let writer = try scenario()
        try writer.write { db in try dropGuardTriggers(db) }
        let violations = try writer.read { db in try LedgerAudit.run(db) }.violations
        #expect(violations.count == LedgerStore.Schema.guardTriggers.count)
        #expect(violations.allSatisfy { $0.hasPrefix("The append-only trigger") })
    }

    @Test("Changing an entry's amount is caught as an unbalanced transaction")
    func tamperedEntry() throws {
        let violations = try auditAfterTampering("UPDATE ledger_entries SET delta = delta + 1 WHERE id = (SELECT max(id) FROM ledger_entries)")
        #expect(violations.first == "Entry 8 of tx 4 records \(bob) at 4000000 micro-PUR afterwards, but its entries up to there sum to 4000001.")
        #expect(violations.contains("Tx 4 is unbalanced: its entries -4000000 and 4000001 sum to 1, not 0."))
        #expect(violations.contains("Account \(bob) has balance 4000000 micro-PUR, but its entries sum to 4000001."))
    }

    @Test("Changing a balance is caught against both the entries and the replayed events")
    func tamperedBalance() throws {
        let violations = try auditAfterTampering("UPDATE ledger_accounts SET balance = balance + 1 WHERE id = '\(bob)'")
        #expect(violations == [
            "Account \(bob) has balance 4000001 micro-PUR, but its entries sum to 4000000.",
            "Account \(bob) has balance 4000001 micro-PUR, but replaying the ledger.tx events gives 4000000.",
            "The balances sum to 1 micro-PUR, not 0: PUR was created or destroyed outside a balanced transaction.",
        ])
    }

    @Test("Deleting an event is caught as a gap and a transaction without its event")
    func deletedEvent() throws {
        let violations = try auditAfterTampering("DELETE FROM ledger_events WHERE seq = 3")
        #expect(violations.first == "Event seq 3 is missing: the log jumps from seq 2 to 4.")
        #expect(violations.contains("Tx 2 has no ledger.tx event."))
        #expect(violations.contains("Account rewards has balance 100000000000000 micro-PUR, but replaying the ledger.tx events gives 0."))
    }

    @Test("Deleting the newest event is caught from the sequence's high-water mark")
    func deletedLastEvent() throws {
        let violations = try auditAfterTampering("DELETE FROM ledger_events WHERE seq = 5")
        #expect(violations.first == "Events seq 5 to 5 are missing: the log once reached seq 5.")
        #expect(violations.contains("Tx 4 has no ledger.tx event."))
    }

    @Test("Rewriting an event's amount is caught against its transaction")
    func tamperedEventPayload() throws {
        let violations = try auditAfterTampering("UPDATE ledger_events SET payload = replace(payload, '\"4000000\"', '\"5000000\"') WHERE seq = 5")
        #expect(violations.first == "Tx 4 moves 4000000 micro-PUR from \(alice) to \(bob), but its event seq 5 says 5000000 from \(alice) to \(bob).")
    }

    @Test("Inserting an unbalanced transaction is caught")
    func unbalancedTransaction() throws {
        let violations = try auditAfterTampering("""
            INSERT INTO ledger_transactions (id, kind, unique_ref, at) VALUES (5, 'forged', 0, 0);
            INSERT INTO ledger_entries (tx_id, account_id, delta, balance_after) VALUES (5, '\(bob)', 1000000, 5000000);
            UPDATE ledger_accounts SET balance = 5000000 WHERE id = '\(bob)';
            """)
        #expect(violations == [
            "Tx 5 has 1 entries, not 2.",
            "Tx 5 has no ledger.tx event.",
            "Account \(bob) has balance 5000000 micro-PUR, but replaying the ledger.tx events gives 4000000.",
            "The balances sum to 1000000 micro-PUR, not 0: PUR was created or destroyed outside a balanced transaction.",
        ])
    }

    @Test("A unique reference paid twice, forged consistently everywhere else, is still caught")
    func duplicatedUniqueReference() throws {
        let writer = try scenario()
        let paid = try writer.write { (db: Database) throws in
            try LedgerStore.move(db, kind: "quest.reward", from: .rewardsPool, to: alice, amount: .pur(1),
                                 ref: "quest:1", uniqueRef: true, memo: nil, at: testDate)
        }
        try writer.write { (db: Database) throws in
            try db.execute(sql: "DROP INDEX ledger_transactions_unique_ref")
            let rewards = try LedgerStore.signedBalance(db, .rewardsPool) - 1_000_000
            let alices = try LedgerStore.signedBalance(db, alice) + 1_000_000
            try db.execute(sql: "INSERT INTO ledger_transactions (kind, ref, unique_ref, at) VALUES ('quest.reward', 'quest:1', 1, 0)")
            let forged = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO ledger_entries (tx_id, account_id, delta, balance_after) VALUES (?, 'rewards', -1000000, ?), (?, ?, 1000000, ?);
                UPDATE ledger_accounts SET balance = ? WHERE id = 'rewards';
                UPDATE ledger_accounts SET balance = ? WHERE id = ?;
                """, arguments: [forged, rewards, forged, alice.rawValue, alices, rewards, alices, alice.rawValue])
            try LedgerStore.appendEvent(db, kind: "ledger.tx", payload: LedgerTransfer(
                txId: forged, kind: "quest.reward", ref: "quest:1", uniqueRef: true, from: .rewardsPool, to: alice,
                amount: .pur(1), memo: nil), at: testDate)
        }
        let violations = try writer.read { db in try LedgerAudit.run(db) }.violations
        #expect(violations == [
            "The unique index ledger_transactions_unique_ref is missing, so a unique reference can be paid twice.",
            "Tx \(paid + 1) repeats the unique reference (quest.reward, quest:1) of tx \(paid): the same thing was paid twice.",
        ])
    }
}
