import Foundation
import GRDB
@testable import Ledger

/// A fixed clock for tests: 2026-01-01T00:00:00Z.
let testDate = Date(timeIntervalSince1970: 1_767_225_600)

let alice = AccountID.player(String(repeating: "a1", count: 32))
let bob = AccountID.player(String(repeating: "b2", count: 32))
let carol = AccountID.player(String(repeating: "c3", count: 32))

/// An in-memory, migrated and bootstrapped ledger.
func makeLedger(config: LedgerConfig = LedgerConfig()) throws -> any DatabaseWriter {
    let writer = try LedgerDatabase.openMigrated(path: nil)
    try writer.write { db in try LedgerStore.bootstrap(db, config: config, at: testDate) }
    return writer
}

/// Creates a player account and pays it from the treasury.
@discardableResult
func fund(_ writer: any DatabaseWriter, _ player: AccountID, _ amount: Amount) throws -> Int64 {
    try writer.write { (db: Database) throws in
        try LedgerStore.ensureAccount(db, player, kind: .player, at: testDate)
        return try LedgerStore.move(db, kind: "test.fund", from: .treasury, to: player, amount: amount,
                                    ref: nil, uniqueRef: false, memo: nil, at: testDate)
    }
}

func balance(_ writer: any DatabaseWriter, _ account: AccountID) throws -> Amount {
    try writer.read { db in try LedgerStore.balance(db, account) }
}

func count(_ writer: any DatabaseWriter, _ table: String) throws -> Int {
    try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? -1 }
}

/// Drops the append-only triggers, as an attacker with raw file access could.
func dropGuardTriggers(_ db: Database) throws {
    for trigger in LedgerStore.Schema.guardTriggers {
        try db.execute(sql: "DROP TRIGGER \(trigger)")
    }
}

/// A small deterministic generator, so a failing random test fails the same way again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
