import Foundation
import GRDB
import Ledger

/// Opens the server's single SQLite database: the ledger's tables plus the game's own
/// (sessions, quests, participants, last positions), migrated in one append-only migrator.
public enum GameDatabase {
    /// Opens (creating if needed) the database at `path`, or an in-memory one for nil,
    /// runs every migration and the ledger's genesis.
    public static func open(path: String?, ledger: LedgerConfig, at: Date = Date(),
                            synchronous: LedgerDatabase.Synchronous = .normal,
                            check: ServerConfig.StartupCheck = .off) throws -> any DatabaseWriter {
        let writer = try LedgerDatabase.open(path: path, synchronous: synchronous)
        try verifyIntegrity(writer, check)
        var migrator = DatabaseMigrator()
        LedgerStore.registerMigrations(in: &migrator)
        registerMigrations(in: &migrator)
        EventLog.registerMigrations(in: &migrator)
        GameService.registerNFTMigrations(in: &migrator)
        GameService.registerAntiCheatMigrations(in: &migrator)
        TrainingStore.registerMigrations(in: &migrator)
        StorageHealth.registerMigrations(in: &migrator)
        TrainingStore.registerCommitmentMigration(in: &migrator)
        try migrator.migrate(writer)
        try writer.write { db in try LedgerStore.bootstrap(db, config: ledger, at: at) }
        return writer
    }

    /// Runs SQLite's own check before anything is written: a page damaged on disk (a bad
    /// sector, a copy cut short, a stray write) is found at start-up, not by a request later.
    /// - Throws: ``DatabaseDamaged`` with SQLite's first findings.
    static func verifyIntegrity(_ writer: any DatabaseWriter, _ check: ServerConfig.StartupCheck) throws {
        let pragma: String
        switch check {
        case .off: return
        case .quick: pragma = "PRAGMA quick_check(20)"
        case .full: pragma = "PRAGMA integrity_check(20)"
        }
        let findings: [String]
        do {
            findings = try writer.read { db in try String.fetchAll(db, sql: pragma) }
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode.primaryResultCode) {
            // Damage bad enough that the check itself cannot walk the tree.
            findings = [error.message ?? "\(error.resultCode)"]
        }
        guard findings != ["ok"] else { return }
        throw DatabaseDamaged(check: check, findings: findings)
    }

    /// The start-up check found damage.
    public struct DatabaseDamaged: Error, CustomStringConvertible {
        public let check: ServerConfig.StartupCheck
        public let findings: [String]
        public var description: String {
            "the file is damaged (\(check == .full ? "integrity_check" : "quick_check"): "
                + findings.prefix(3).joined(separator: "; ") + (findings.count > 3 ? "; …" : "")
                + "). Restore it from a backup; the log's head file tells which copy is current"
        }
    }

    /// The game's tables. A landed migration is never edited: add a new one.
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("game-v1") { db in
            try db.execute(sql: """
                CREATE TABLE game_sessions (
                    token_hash TEXT PRIMARY KEY,
                    account TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                CREATE INDEX game_sessions_expiry ON game_sessions(expires_at);
                CREATE TABLE game_quests (
                    id TEXT PRIMARY KEY,
                    scope TEXT NOT NULL CHECK (scope IN ('personal', 'global')),
                    requester TEXT NOT NULL,
                    status TEXT NOT NULL,
                    deadline INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    max_winners INTEGER NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX game_quests_status ON game_quests(status, deadline);
                CREATE INDEX game_quests_requester ON game_quests(requester);
                CREATE TABLE game_participants (
                    quest_id TEXT NOT NULL REFERENCES game_quests(id),
                    account TEXT NOT NULL,
                    status TEXT NOT NULL,
                    progress TEXT NOT NULL,
                    joined_at INTEGER NOT NULL,
                    PRIMARY KEY (quest_id, account)
                );
                CREATE INDEX game_participants_account ON game_participants(account, status);
                CREATE TABLE game_positions (
                    account TEXT PRIMARY KEY,
                    x REAL NOT NULL,
                    y REAL NOT NULL,
                    received_at INTEGER NOT NULL,
                    client_ts INTEGER NOT NULL
                );
                """)
        }
    }
}
