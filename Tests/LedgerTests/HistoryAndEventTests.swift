import Foundation
import GRDB
import Testing
@testable import Ledger

@Suite("History and the event log")
struct HistoryAndEventTests {
    @Test("History pages run newest first and continue before the last tx seen")
    func historyPaging() throws {
        let writer = try makeLedger()
        var txIds: [Int64] = []
        for whole in 1...5 {
            txIds.append(try fund(writer, alice, .pur(Int64(whole))))
        }
        let page1 = try writer.read { db in try LedgerStore.history(db, account: alice, limit: 2, beforeTxId: nil) }
        let page2 = try writer.read { db in try LedgerStore.history(db, account: alice, limit: 2, beforeTxId: page1.last?.txId) }
        let page3 = try writer.read { db in try LedgerStore.history(db, account: alice, limit: 2, beforeTxId: page2.last?.txId) }
        #expect((page1 + page2 + page3).map(\.txId) == txIds.reversed())
        #expect(page3.count == 1)
        #expect(page1.map(\.balanceAfter) == [.pur(15), .pur(10)])
        #expect(page1.first?.delta == 5_000_000)
        #expect(page1.first?.counterparty == .treasury)
        #expect(page1.first?.kind == "test.fund")
    }

    @Test("History shows a payment as a negative delta with the recipient as counterparty")
    func historyOfPayer() throws {
        let writer = try makeLedger()
        try fund(writer, alice, .pur(3))
        try writer.write { (db: Database) throws in
            try LedgerStore.ensureAccount(db, bob, kind: .player, at: testDate)
            try LedgerStore.move(db, kind: "gift", from: alice, to: bob, amount: .pur(1), ref: "r", uniqueRef: false, memo: "hi", at: testDate)
        }
        let line = try #require(try writer.read { db in try LedgerStore.history(db, account: alice, limit: 1, beforeTxId: nil) }.first)
        #expect(line.delta == -1_000_000)
        #expect(line.counterparty == bob)
        #expect(line.balanceAfter == .pur(2))
        #expect(line.ref == "r" && line.memo == "hi")
    }

    @Test("History of an unknown account is refused")
    func historyOfUnknownAccount() throws {
        let writer = try makeLedger()
        #expect(throws: LedgerError.unknownAccount(carol)) {
            try writer.read { db in try LedgerStore.history(db, account: carol, limit: 10, beforeTxId: nil) }
        }
    }

    @Test("Event payloads are canonical JSON: sorted keys, no whitespace, slashes unescaped")
    func canonicalPayload() throws {
        struct Payload: Encodable { var zeta = 1; var alpha = "quest/42"; var mid: Amount = .pur(1) }
        let writer = try makeLedger()
        let seq = try writer.write { db in try LedgerStore.appendEvent(db, kind: "quest.opened", payload: Payload(), at: testDate) }
        let event = try #require(try writer.read { db in try LedgerStore.events(db, fromSeq: seq, limit: 10) }.first)
        #expect(event == LedgerEvent(seq: seq, kind: "quest.opened", payload: #"{"alpha":"quest/42","mid":"1000000","zeta":1}"#, at: 1_767_225_600_000))
    }

    @Test("Event seqs start at 1 with genesis and read in order from any point")
    func eventsReadInOrder() throws {
        let writer = try makeLedger()
        let all = try writer.read { db in try LedgerStore.events(db, fromSeq: 1, limit: 100) }
        #expect(all.map(\.seq) == [1, 2, 3])
        #expect(all.map(\.kind) == ["ledger.genesis", "ledger.tx", "ledger.tx"])
        #expect(try writer.read { db in try LedgerStore.events(db, fromSeq: 2, limit: 1) }.map(\.seq) == [2])
    }

    @Test("Events, entries and transactions refuse UPDATE and DELETE")
    func historyIsAppendOnly() throws {
        let writer = try makeLedger()
        for sql in [
            "UPDATE ledger_events SET payload = '{}' WHERE seq = 1",
            "DELETE FROM ledger_events WHERE seq = 1",
            "UPDATE ledger_entries SET delta = 1",
            "DELETE FROM ledger_entries",
            "UPDATE ledger_transactions SET ref = 'x'",
            "DELETE FROM ledger_transactions",
            "UPDATE ledger_accounts SET kind = 'player' WHERE id = 'treasury'",
            "DELETE FROM ledger_accounts WHERE id = 'rewards'",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try writer.write { db in try db.execute(sql: sql) } }
        }
        #expect(try count(writer, "ledger_events") == 3)
        #expect(try writer.read { db in try LedgerAudit.run(db).isClean })
    }

    @Test("The balance CHECK refuses a negative balance written around the ledger")
    func balanceCheckConstraint() throws {
        let writer = try makeLedger()
        #expect(throws: DatabaseError.self) {
            try writer.write { db in try db.execute(sql: "UPDATE ledger_accounts SET balance = -1 WHERE id = 'treasury'") }
        }
    }
}
