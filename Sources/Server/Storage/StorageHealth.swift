import Foundation
import GRDB
import Synchronization

/// Whether the database can take writes, as the last write attempt found: /healthz answers 503
/// while it cannot (full disk, I/O error, read-only file), so a load balancer takes the node out.
///
/// Failed requests mark it; the periodic probe (a one-row write) marks it and clears it.
public final class StorageHealth: Sendable {
    private let problem = Mutex<String?>(nil)

    public init() {}

    /// Nil when writes work; else why they do not.
    public var currentProblem: String? { problem.withLock { $0 } }

    /// Records the error when it is one a full or failing disk gives; other errors say nothing
    /// about the storage.
    /// - Returns: whether the error was such a storage failure.
    @discardableResult
    public func observe(_ error: any Error) -> Bool {
        guard let e = error as? DatabaseError, Self.isStorageFailure(e.resultCode) else { return false }
        problem.withLock { $0 = "the database cannot write: \(e.message ?? "\(e.resultCode)")" }
        return true
    }

    public func markWritable() { problem.withLock { $0 = nil } }

    static func isStorageFailure(_ code: ResultCode) -> Bool {
        [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_NOTADB]
            .contains(code.primaryResultCode)
    }

    /// Writes (and commits) one row: proof that a commit goes through right now.
    public func probe(_ db: any DatabaseWriter, now: Date) {
        do {
            try db.write { db in
                try db.execute(sql: "INSERT OR REPLACE INTO storage_probe (id, at) VALUES (1, ?)",
                               arguments: [Int64(now.timeIntervalSince1970 * 1000)])
            }
            markWritable()
        } catch {
            observe(error)
            if currentProblem == nil { problem.withLock { $0 = "the database cannot write: \(error)" } }
        }
    }

    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("storage-probe-v1") { db in
            try db.execute(sql: "CREATE TABLE storage_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)")
        }
    }
}
