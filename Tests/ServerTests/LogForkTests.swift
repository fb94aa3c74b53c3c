import Foundation
import GRDB
import Ledger
import Logging
import PurrClient
import PurrCrypto
import RPC
import Testing
@testable import Server

/// An operator's mistakes that would fork the transparency log: a database that lost committed
/// events, a missing or empty database beside the log key, a head file from another server.
@Suite(.serialized) struct LogForkTests {
    /// A file-backed server's config, with its key and head file in one fresh folder.
    struct Files {
        let dir = NSTemporaryDirectory() + "purr-fork-\(UUID().uuidString)/"
        var db: String { dir + "purr.sqlite" }
        var key: String { dir + "log-key.json" }
        var head: String { dir + "log-key.head.json" }

        func config() -> ServerConfig {
            var config = ServerConfig()
            config.network.host = "127.0.0.1"
            config.network.port = 0
            config.storage.databasePath = db
            config.log.keyFile = key
            config.world.root = TestPaths.root.path
            config.dev = true
            config.model.generator = "grammar"
            config.nft.enabled = false
            return config
        }

        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    static let logger = Logger(label: "fork") { _ in SwiftLogNoOpLogHandler() }

    /// Starts the server, credits `transfers` faucets, signs a head, shuts down; returns the head's size.
    @discardableResult
    static func play(_ files: Files, faucets: Int) async throws -> Int64 {
        let app = try await ServerApp.start(config: files.config(), logger: logger)
        let runtime = ClientRuntime()
        let connection = try await PurrConnection.connect(to: "ws://127.0.0.1:\(app.port)/v1", runtime: runtime, timeout: 20)
        _ = try await connection.signIn(with: try Ed25519PrivateKey(), timeout: 20)
        for i in 0..<faucets { _ = try await connection.call("wallet.faucet", ["amount": .string("\(1_000_000 + i)")]) }
        let head = try await connection.call("log.head")
        await app.shutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                runtime.shutdown(drainTimeout: 2)
                done.resume()
            }
        }
        guard case .int(let size)? = head["treeSize"] else { return -1 }
        return size
    }

    static func startError(_ config: ServerConfig) async -> String? {
        do {
            let app = try await ServerApp.start(config: config, logger: logger)
            await app.shutdown()
            return nil
        } catch let e as StartupError {
            return e.message
        } catch {
            return "not a StartupError: \(error)"
        }
    }

    static func copy(_ from: String, _ to: String) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: to + suffix)
            if FileManager.default.fileExists(atPath: from + suffix) { try FileManager.default.copyItem(atPath: from + suffix, toPath: to + suffix) }
        }
    }

    @Test("A database that lost acknowledged events (an older copy, a deleted WAL) is refused; the log is never signed over")
    func lostEventsRefused() async throws {
        let files = Files()
        defer { files.remove() }
        let firstSize = try await Self.play(files, faucets: 3)
        try Self.copy(files.db, files.dir + "old.sqlite")
        let secondSize = try await Self.play(files, faucets: 11)
        #expect(secondSize > firstSize)
        // The head file holds the newest head, fsynced.
        let text = try String(contentsOfFile: files.head, encoding: .utf8)
        #expect(text.contains("\"treeSize\":\(secondSize)"))
        try Self.copy(files.db, files.dir + "new.sqlite")
        try Self.copy(files.dir + "old.sqlite", files.db)
        let message = await Self.startError(files.config())
        #expect(message?.contains("committed events are missing") == true, "\(message ?? "started")")
        #expect(message?.contains("signed a head of size \(secondSize)") == true)
        // The operator restores the right database: the server starts and extends its log.
        try Self.copy(files.dir + "new.sqlite", files.db)
        let thirdSize = try await Self.play(files, faucets: 1)
        #expect(thirdSize > secondSize)
    }

    @Test("A missing or empty database beside an existing log key is refused instead of a new genesis")
    func newGenesisRefused() async throws {
        let files = Files()
        defer { files.remove() }
        try await Self.play(files, faucets: 1)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: files.db + suffix) }
        try Data().write(to: URL(fileURLWithPath: files.db))
        let empty = await Self.startError(files.config())
        #expect(empty?.contains("is empty (0 bytes)") == true, "\(empty ?? "started")")
        try FileManager.default.removeItem(atPath: files.db)
        let missing = await Self.startError(files.config())
        #expect(missing?.contains("is missing") == true, "\(missing ?? "started")")
        // Moving the key (and its head file) away is the way to start a new log on purpose.
        try FileManager.default.moveItem(atPath: files.key, toPath: files.key + ".old")
        try FileManager.default.moveItem(atPath: files.head, toPath: files.head + ".old")
        #expect(await Self.startError(files.config()) == nil)
    }

    @Test("A head file that another key signed, or a database another log wrote, stops start-up")
    func foreignHeadFile() async throws {
        let a = Files(), b = Files()
        defer { a.remove(); b.remove() }
        try await Self.play(a, faucets: 2)
        try await Self.play(b, faucets: 2)
        // b's database with a's key and head: the key checks the head file, the head the events.
        try FileManager.default.removeItem(atPath: b.head)
        try FileManager.default.copyItem(atPath: a.head, toPath: b.head)
        let foreign = await Self.startError(b.config())
        #expect(foreign?.contains("not signed by this log key") == true, "\(foreign ?? "started")")
        try FileManager.default.removeItem(atPath: b.key)
        try FileManager.default.copyItem(atPath: a.key, toPath: b.key)
        let other = await Self.startError(b.config())
        #expect(other != nil, "started on another log's database")
        // A garbled head file is named, not ignored.
        try Data("{\"treeSize\":".utf8).write(to: URL(fileURLWithPath: a.head))
        let garbled = await Self.startError(a.config())
        #expect(garbled?.contains(a.head) == true, "\(garbled ?? "started")")
    }

    @Test("A quest row that cannot be read stops start-up through the one start-up error path")
    func corruptQuestRow() async throws {
        let files = Files()
        defer { files.remove() }
        try await Self.play(files, faucets: 1)
        let db = try DatabaseQueue(path: files.db)
        try await db.write { db in
            try db.execute(sql: """
                INSERT INTO game_quests (id, scope, requester, status, deadline, created_at, max_winners, body)
                VALUES ('q-broken', 'personal', 'x', 'active', 9999999999999, 0, 1, 'not json')
                """)
        }
        try db.close()
        let message = await Self.startError(files.config())
        #expect(message?.hasPrefix("cannot load the game's state from \(files.db)") == true, "\(message ?? "started")")
    }

    @Test("A page damaged on disk stops start-up (storage.startupCheck), naming the damage")
    func damagedPage() async throws {
        let files = Files()
        defer { files.remove() }
        try await Self.play(files, faucets: 5)
        // Invert the header of ledger_entries' root page, as a bad sector or stray write would.
        let (pageSize, root): (Int, Int) = try {
            let db = try DatabaseQueue(path: files.db)
            defer { try? db.close() }
            return try db.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096,
                 try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'ledger_entries'") ?? 0)
            }
        }()
        #expect(root > 1)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: files.db))
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        let header = try handle.read(upToCount: 64) ?? Data()
        try handle.seek(toOffset: UInt64((root - 1) * pageSize))
        try handle.write(contentsOf: Data(header.map { ~$0 }))
        try handle.close()
        for check in [ServerConfig.StartupCheck.quick, .full] {
            var config = files.config()
            config.storage.startupCheck = check
            let message = await Self.startError(config)
            #expect(message?.contains("the file is damaged") == true, "\(check): \(message ?? "started")")
            #expect(message?.contains(files.db) == true)
        }
    }

    @Test("storage.synchronous sets SQLite's synchronous on the writing connection")
    func synchronousSetting() throws {
        let files = Files()
        defer { files.remove() }
        try FileManager.default.createDirectory(atPath: files.dir, withIntermediateDirectories: true)
        for (setting, expected) in [(LedgerDatabase.Synchronous.normal, 1), (.full, 2)] {
            let db = try GameDatabase.open(path: files.db, ledger: ServerConfig().ledger, synchronous: setting)
            #expect(try db.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == expected)
        }
    }
}
