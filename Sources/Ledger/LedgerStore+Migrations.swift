import GRDB

extension LedgerStore {
    /// Table and trigger names, shared by the store, the audit and the tests.
    enum Schema {
        static let accounts = "ledger_accounts"
        static let transactions = "ledger_transactions"
        static let entries = "ledger_entries"
        static let events = "ledger_events"
        static let idempotency = "ledger_idempotency"
        static let uniqueRefIndex = "ledger_transactions_unique_ref"

        /// Triggers that make history append-only; the audit reports any that are missing.
        static let guardTriggers = [
            "ledger_events_no_update", "ledger_events_no_delete",
            "ledger_entries_no_update", "ledger_entries_no_delete",
            "ledger_transactions_no_update", "ledger_transactions_no_delete",
            "ledger_accounts_no_rename", "ledger_accounts_no_delete",
        ]
    }

    /// Adds the ledger's named, append-only migrations to a migrator shared with the Server's tables.
    ///
    /// A migration that has shipped is never edited; changes come as new migrations.
    ///
    /// ```swift
    /// var migrator = DatabaseMigrator()
    /// LedgerStore.registerMigrations(in: &migrator)
    /// try migrator.migrate(writer)
    /// ```
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ledger.v1.schema") { db in
            // STRICT keeps every amount an INTEGER; the CHECKs are the last line behind the
            // checks `move` does before writing.
            try db.execute(sql: """
                CREATE TABLE ledger_accounts (
                    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 256),
                    kind TEXT NOT NULL CHECK (kind IN ('issuance', 'treasury', 'rewards', 'escrow', 'player', 'runner')),
                    balance INTEGER NOT NULL DEFAULT 0,
                    created_at INTEGER NOT NULL,
                    CHECK (balance >= 0 OR kind = 'issuance'),
                    CHECK (kind <> 'issuance' OR id = 'issuance')
                ) STRICT;

                CREATE TABLE ledger_transactions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (length(kind) > 0),
                    ref TEXT,
                    unique_ref INTEGER NOT NULL DEFAULT 0 CHECK (unique_ref IN (0, 1)),
                    memo TEXT,
                    at INTEGER NOT NULL,
                    CHECK (unique_ref = 0 OR ref IS NOT NULL)
                ) STRICT;
                CREATE UNIQUE INDEX ledger_transactions_unique_ref
                    ON ledger_transactions(kind, ref) WHERE unique_ref = 1;
                CREATE INDEX ledger_transactions_kind_ref ON ledger_transactions(kind, ref);

                CREATE TABLE ledger_entries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    tx_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
                    account_id TEXT NOT NULL REFERENCES ledger_accounts(id),
                    delta INTEGER NOT NULL CHECK (delta <> 0),
                    balance_after INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX ledger_entries_account ON ledger_entries(account_id, tx_id);
                CREATE INDEX ledger_entries_tx ON ledger_entries(tx_id);

                CREATE TABLE ledger_events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL CHECK (length(kind) > 0),
                    payload TEXT NOT NULL,
                    at INTEGER NOT NULL
                ) STRICT;
                CREATE INDEX ledger_events_kind ON ledger_events(kind, seq);

                CREATE TABLE ledger_idempotency (
                    account_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    response TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (account_id, key)
                ) STRICT, WITHOUT ROWID;
                """)
            // History is append-only: a correction is a new, opposite transaction, never an edit.
            for table in [Schema.events, Schema.entries, Schema.transactions] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                    BEGIN SELECT RAISE(ABORT, '\(table) is append-only: rows cannot be updated'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                    BEGIN SELECT RAISE(ABORT, '\(table) is append-only: rows cannot be deleted'); END;
                    """)
            }
            // Balances change with every transfer, but an account's name and kind never do.
            try db.execute(sql: """
                CREATE TRIGGER ledger_accounts_no_rename BEFORE UPDATE OF id, kind ON ledger_accounts
                BEGIN SELECT RAISE(ABORT, 'ledger_accounts: id and kind cannot change'); END;
                CREATE TRIGGER ledger_accounts_no_delete BEFORE DELETE ON ledger_accounts
                BEGIN SELECT RAISE(ABORT, 'ledger_accounts: accounts cannot be deleted'); END;
                """)
        }
    }
}
