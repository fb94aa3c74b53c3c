import Foundation
import GRDB
import Testing
@testable import Ledger

@Suite("LedgerStore transfers")
struct LedgerStoreTests {
    @Test("Bootstrap mints the supply into the treasury and funds the rewards pool")
    func genesis() throws {
        let writer = try makeLedger()
        try writer.read { (db: Database) throws in
            #expect(try LedgerStore.totalSupply(db) == .pur(1_000_000_000))
            #expect(try LedgerStore.signedBalance(db, .issuance) == -Amount.pur(1_000_000_000).micro)
            #expect(try LedgerStore.balance(db, .treasury) == .pur(900_000_000))
            #expect(try LedgerStore.balance(db, .rewardsPool) == .pur(100_000_000))
        }
    }

    @Test("Bootstrapping again, even with another config, mints nothing more")
    func bootstrapIsIdempotent() throws {
        let writer = try makeLedger()
        try writer.write { (db: Database) throws in
            try LedgerStore.bootstrap(db, config: LedgerConfig(initialSupply: .pur(5), initialRewardsPool: .pur(1)), at: testDate)
            try LedgerStore.bootstrap(db, config: LedgerConfig(), at: testDate)
        }
        try writer.read { (db: Database) throws in
            #expect(try LedgerStore.totalSupply(db) == .pur(1_000_000_000))
            #expect(try LedgerStore.balance(db, .rewardsPool) == .pur(100_000_000))
        }
        #expect(try count(writer, "ledger_transactions") == 2)
        #expect(try writer.read { db in try LedgerAudit.run(db).isClean })
    }

    @Test("A transfer moves the amount, records two entries summing to zero and one event")
    func moveHappyPath() throws {
        let writer = try makeLedger()
        try fund(writer, alice, .pur(10))
        let eventsBefore = try count(writer, "ledger_events")
        let txId = try writer.write { (db: Database) throws in
            try LedgerStore.ensureAccount(db, bob, kind: .player, at: testDate)
            return try LedgerStore.move(db, kind: "player.transfer", from: alice, to: bob, amount: .pur(4),
                                        ref: nil, uniqueRef: false, memo: "lunch", at: testDate)
        }
        #expect(try balance(writer, alice) == .pur(6))
        #expect(try balance(writer, bob) == .pur(4))
        let deltas = try writer.read { (db: Database) throws in
            try Int64.fetchAll(db, sql: "SELECT delta FROM ledger_entries WHERE tx_id = ? ORDER BY delta", arguments: [txId])
        }
        #expect(deltas == [-4_000_000, 4_000_000])
        #expect(try count(writer, "ledger_events") == eventsBefore + 1)
        let event = try #require(try writer.read { db in try LedgerStore.events(db, fromSeq: 1, limit: 1000) }.last)
        #expect(event.kind == "ledger.tx")
        #expect(event.at == 1_767_225_600_000)
        let transfer = try JSONDecoder().decode(LedgerTransfer.self, from: Data(event.payload.utf8))
        #expect(transfer == LedgerTransfer(txId: txId, kind: "player.transfer", ref: nil, uniqueRef: false,
                                           from: alice, to: bob, amount: .pur(4), memo: "lunch"))
    }

    @Test("A transfer beyond the balance is refused and changes no balance")
    func insufficientFunds() throws {
        let writer = try makeLedger()
        try fund(writer, alice, .pur(3))
        try writer.write { db in try LedgerStore.ensureAccount(db, bob, kind: .player, at: testDate) }
        let transactions = try count(writer, "ledger_transactions")
        #expect(throws: LedgerError.insufficientFunds(account: alice, balance: .pur(3), needed: Amount(micro: 3_000_001)!)) {
            try writer.write { (db: Database) throws in
                try LedgerStore.move(db, kind: "player.transfer", from: alice, to: bob, amount: Amount(micro: 3_000_001)!,
                                     ref: nil, uniqueRef: false, memo: nil, at: testDate)
            }
        }
        #expect(try balance(writer, alice) == .pur(3))
        #expect(try balance(writer, bob) == .zero)
        #expect(try count(writer, "ledger_transactions") == transactions)
    }

    @Test("A transfer of zero is refused as an invalid amount")
    func zeroAmount() throws {
        let writer = try makeLedger()
        #expect(throws: LedgerError.invalidAmount("a transfer must move at least 1 micro-PUR, got 0")) {
            try writer.write { (db: Database) throws in
                try LedgerStore.move(db, kind: "x", from: .treasury, to: .rewardsPool, amount: .zero,
                                     ref: nil, uniqueRef: false, memo: nil, at: testDate)
            }
        }
    }

    @Test("A transfer from an account to itself is refused")
    func sameAccount() throws {
        let writer = try makeLedger()
        #expect(throws: LedgerError.sameAccount) {
            try writer.write { (db: Database) throws in
                try LedgerStore.move(db, kind: "x", from: .treasury, to: .treasury, amount: .pur(1),
                                     ref: nil, uniqueRef: false, memo: nil, at: testDate)
            }
        }
    }

    @Test("A transfer to an account that was never created is refused")
    func unknownAccount() throws {
        let writer = try makeLedger()
        #expect(throws: LedgerError.unknownAccount(carol)) {
            try writer.write { (db: Database) throws in
                try LedgerStore.move(db, kind: "x", from: .treasury, to: carol, amount: .pur(1),
                                     ref: nil, uniqueRef: false, memo: nil, at: testDate)
            }
        }
        #expect(try balance(writer, .treasury) == .pur(900_000_000))
    }

    @Test("A unique reference is paid once; the second payment is refused and moves nothing")
    func duplicateUniqueReference() throws {
        let writer = try makeLedger()
        try writer.write { db in try LedgerStore.ensureAccount(db, alice, kind: .player, at: testDate) }
        let pay = { (db: Database) in
            try LedgerStore.move(db, kind: "quest.reward", from: .rewardsPool, to: alice, amount: .pur(5),
                                 ref: "quest:42:\(alice)", uniqueRef: true, memo: nil, at: testDate)
        }
        try writer.write { db in _ = try pay(db) }
        let transactions = try count(writer, "ledger_transactions")
        #expect(throws: LedgerError.duplicateReference(kind: "quest.reward", ref: "quest:42:\(alice)")) {
            try writer.write { db in _ = try pay(db) }
        }
        #expect(try balance(writer, alice) == .pur(5))
        #expect(try balance(writer, .rewardsPool) == .pur(99_999_995))
        #expect(try count(writer, "ledger_transactions") == transactions)
    }

    @Test("The unique index refuses a duplicate reference even when the pre-check is bypassed")
    func uniqueIndexBacksTheCheck() throws {
        let writer = try makeLedger()
        #expect(throws: DatabaseError.self) {
            try writer.write { (db: Database) throws in
                try db.execute(sql: "INSERT INTO ledger_transactions (kind, ref, unique_ref, at) VALUES ('genesis.mint', 'genesis', 1, 0)")
            }
        }
    }

    @Test("The same reference may repeat when it is not marked unique, or under another kind")
    func nonUniqueReferencesRepeat() throws {
        let writer = try makeLedger()
        try writer.write { (db: Database) throws in
            try LedgerStore.move(db, kind: "a", from: .treasury, to: .rewardsPool, amount: .pur(1), ref: "r", uniqueRef: false, memo: nil, at: testDate)
            try LedgerStore.move(db, kind: "a", from: .treasury, to: .rewardsPool, amount: .pur(1), ref: "r", uniqueRef: false, memo: nil, at: testDate)
            try LedgerStore.move(db, kind: "a", from: .treasury, to: .rewardsPool, amount: .pur(1), ref: "r", uniqueRef: true, memo: nil, at: testDate)
            try LedgerStore.move(db, kind: "b", from: .treasury, to: .rewardsPool, amount: .pur(1), ref: "r", uniqueRef: true, memo: nil, at: testDate)
        }
        #expect(try balance(writer, .rewardsPool) == .pur(100_000_004))
    }

    @Test("A unique reference must be present")
    func uniqueNeedsReference() throws {
        let writer = try makeLedger()
        #expect(throws: LedgerError.self) {
            try writer.write { (db: Database) throws in
                try LedgerStore.move(db, kind: "a", from: .treasury, to: .rewardsPool, amount: .pur(1), ref: nil, uniqueRef: true, memo: nil, at: testDate)
            }
        }
    }

    @Test("Minting past the Int64 supply cap is refused")
    func supplyCap() throws {
        let writer = try makeLedger(config: LedgerConfig(initialSupply: .max, initialRewardsPool: .zero))
        #expect(throws: LedgerError.self) {
            try writer.write { (db: Database) throws in
                try LedgerStore.move(db, kind: "mint", from: .issuance, to: .treasury, amount: Amount(micro: 1)!,
                                     ref: nil, uniqueRef: false, memo: nil, at: testDate)
            }
        }
        #expect(try writer.read { db in try LedgerStore.totalSupply(db) } == .max)
    }

    @Test("A failed transfer caught inside a transaction leaves the rest of the transaction intact")
    func caughtFailureWritesNothing() throws {
        let writer = try makeLedger()
        try writer.write { (db: Database) throws in
            try LedgerStore.ensureAccount(db, alice, kind: .player, at: testDate)
            try LedgerStore.move(db, kind: "a", from: .treasury, to: alice, amount: .pur(1), ref: nil, uniqueRef: false, memo: nil, at: testDate)
            #expect(throws: LedgerError.self) {
                try LedgerStore.move(db, kind: "a", from: alice, to: .treasury, amount: .pur(2), ref: nil, uniqueRef: false, memo: nil, at: testDate)
            }
        }
        #expect(try balance(writer, alice) == .pur(1))
        #expect(try writer.read { db in try LedgerAudit.run(db).isClean })
    }

    @Test("Account names must fit their kind, and an account keeps its kind")
    func accountNamesFitKinds() throws {
        let writer = try makeLedger()
        try writer.write { (db: Database) throws in
            #expect(throws: LedgerError.self) { try LedgerStore.ensureAccount(db, .player("not-hex"), kind: .player, at: testDate) }
            #expect(throws: LedgerError.self) { try LedgerStore.ensureAccount(db, AccountID(rawValue: "quest:1"), kind: .escrow, at: testDate) }
            #expect(throws: LedgerError.self) { try LedgerStore.ensureAccount(db, .treasury, kind: .runner, at: testDate) }
            try LedgerStore.ensureAccount(db, .escrow("quest:1"), kind: .escrow, at: testDate)
            try LedgerStore.ensureAccount(db, alice, kind: .player, at: testDate)
            #expect(throws: LedgerError.invalidAccount(alice, reason: "it already exists as a player account, not runner")) {
                try LedgerStore.ensureAccount(db, alice, kind: .runner, at: testDate)
            }
            #expect(try LedgerStore.accountExists(db, .escrow("quest:1")))
            #expect(try !LedgerStore.accountExists(db, bob))
        }
    }

    @Test("Player names are lowercased so one key names one account")
    func playerNamesAreLowercase() {
        #expect(AccountID.player(String(repeating: "AB", count: 32)) == AccountID.player(String(repeating: "ab", count: 32)))
    }

    @Test("Errors carry a stable code and a message naming the account")
    func errorCodes() {
        let error = LedgerError.insufficientFunds(account: alice, balance: .pur(1), needed: .pur(2))
        #expect(error.code == "insufficient_funds")
        #expect(error.message.contains(alice.rawValue))
        #expect(error.message.contains("1 PUR") && error.message.contains("2 PUR"))
        #expect(LedgerError.duplicateReference(kind: "k", ref: "r").code == "duplicate_reference")
    }

    @Test("A file database opens in WAL mode with foreign keys, creating its directory")
    func fileDatabase() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nested/purr.sqlite").path
        let writer = try LedgerDatabase.openMigrated(path: path)
        try writer.write { db in try LedgerStore.bootstrap(db, config: LedgerConfig(), at: testDate) }
        try writer.read { (db: Database) throws in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
            #expect(try LedgerStore.totalSupply(db) == .pur(1_000_000_000))
        }
    }
}
