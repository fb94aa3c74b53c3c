import Foundation
import GRDB

/// Opens the SQLite database the ledger (and the Server's tables) live in.
public enum LedgerDatabase {
    /// How long a writer waits for another connection's lock before failing.
    public static let busyTimeout: TimeInterval = 5

    /// Opens a database: in memory for tests, or a WAL file that readers can use while one writer writes.
    ///
    /// Foreign keys are on and a busy timeout applies. Migrations are not run here; see
    /// ``LedgerStore/registerMigrations(in:)``.
    ///
    /// ```swift
    /// let writer = try LedgerDatabase.open(path: "data/purr.sqlite")
    /// ```
    /// - Parameter path: `nil` for a private in-memory `DatabaseQueue`; otherwise a file path whose
    ///   parent directory is created if missing, opened as a `DatabasePool` in WAL mode.
    /// - Throws: File system and database errors.
    /// How hard a commit is pushed to disk (SQLite's `synchronous` in WAL mode).
    public enum Synchronous: String, Codable, Sendable, CaseIterable {
        /// The WAL is synced at checkpoints only: a commit survives the process being killed,
        /// not a power loss or kernel crash (the last commits may roll back; the file stays sound).
        case normal
        /// The WAL is synced at every commit: a commit also survives power loss.
        case full
    }

    public static func open(path: String?, synchronous: Synchronous) throws -> any DatabaseWriter {
        let writer = try open(path: path)
        if path != nil, synchronous == .full {
            // Per connection; the pool's single writer connection is the one that commits.
            try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        return writer
    }

    public static func open(path: String?) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        guard let path else {
            return try DatabaseQueue(configuration: configuration)
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        // DatabasePool switches the file to WAL itself.
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// Opens a database and runs the ledger's migrations on it, for tools and tests that need
    /// nothing else.
    public static func openMigrated(path: String?) throws -> any DatabaseWriter {
        let writer = try open(path: path)
        var migrator = DatabaseMigrator()
        LedgerStore.registerMigrations(in: &migrator)
        try migrator.migrate(writer)
        return writer
    }
}
