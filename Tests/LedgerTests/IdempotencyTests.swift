import GRDB
import Testing
@testable import Ledger

@Suite("Idempotency keys")
struct IdempotencyTests {
    @Test("A new key has no stored response")
    func newKey() throws {
        let writer = try makeLedger()
        #expect(try writer.read { db in try LedgerStore.idempotentResponse(db, account: alice, key: "k1", requestHash: "h") } == nil)
    }

    @Test("A retried request with the same hash gets the stored response")
    func sameHashReplays() throws {
        let writer = try makeLedger()
        try writer.write { (db: Database) throws in
            try LedgerStore.recordIdempotent(db, account: alice, key: "k1", requestHash: "h", response: #"{"tx":7}"#, at: testDate)
            try LedgerStore.recordIdempotent(db, account: alice, key: "k1", requestHash: "h", response: "later", at: testDate)
        }
        #expect(try writer.read { db in try LedgerStore.idempotentResponse(db, account: alice, key: "k1", requestHash: "h") } == #"{"tx":7}"#)
    }

    @Test("Reusing a key for a different request is a conflict")
    func differentHashConflicts() throws {
        let writer = try makeLedger()
        try writer.write { (db: Database) throws in
            try LedgerStore.recordIdempotent(db, account: alice, key: "k1", requestHash: "h", response: "r", at: testDate)
        }
        #expect(throws: LedgerError.idempotencyConflict(key: "k1")) {
            try writer.read { db in try LedgerStore.idempotentResponse(db, account: alice, key: "k1", requestHash: "other") }
        }
        #expect(throws: LedgerError.idempotencyConflict(key: "k1")) {
            try writer.write { (db: Database) throws in
                try LedgerStore.recordIdempotent(db, account: alice, key: "k1", requestHash: "other", response: "r2", at: testDate)
            }
        }
    }

    @Test("Keys are scoped to the account, so two accounts may use the same key")
    func keysAreScopedToAccount() throws {
        let writer = try makeLedger()
        try writer.write { (db: Database) throws in
            try LedgerStore.recordIdempotent(db, account: alice, key: "k1", requestHash: "h", response: "r", at: testDate)
        }
        #expect(try writer.read { db in try LedgerStore.idempotentResponse(db, account: bob, key: "k1", requestHash: "x") } == nil)
    }
}
