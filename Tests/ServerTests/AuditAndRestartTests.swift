import Foundation
import GRDB
import Ledger
import Logging
import PurrCrypto
import QuestTruth
import Quests
import RPC
import Testing
import WebSocketTransport
import World
@testable import Server

@Suite struct AuditAndRestartTests {
    /// A database file with one settled personal quest, one active personal quest and a transfer.
    static func playedDatabase() async throws -> (path: String, settled: String, active: String, player: String) {
        let path = NSTemporaryDirectory() + "purr-audit-\(Hex.encode(SecureRandom.bytes(6))).sqlite"
        var config = ServerConfig()
        config.dev = true
        config.world.root = TestPaths.root.path
        let clock = TestClock()
        let world = try ServerApp.loadWorld(config)
        let db = try GameDatabase.open(path: path, ledger: config.ledger, at: clock.now)
        var h = try await GameHarness(game: try GameService(db: db, world: world, generator: GrammarQuestGenerator(), log: try EventLog(key: Ed25519PrivateKey(), db: db), config: config,
                                                        outbound: RecordingOutbound(), logger: Logger(label: "t"), now: { clock.now }),
                                      clock: clock, db: db, world: world)
        let (c, key) = try await h.player()
        let start = world.region(id: "catnip-meadows")?.centre ?? Point(x: 0, y: 0)
        _ = try await h.report(c, start.x, start.y)
        let quest = try await h.call(c, "quest.request", ["scope": "personal", "region": "catnip-meadows", "difficulty": 1, "idempotencyKey": "s"])["quest"] ?? .null
        let walked = try await h.walk(c, from: (start.x, start.y), through: GameHarness.waypoints(quest))
        let active = try await h.call(c, "quest.request", ["scope": "personal", "difficulty": 1, "idempotencyKey": "t"])["quest"]?["id"]?.stringValue ?? ""
        _ = try await h.call(c, "wallet.transfer", ["to": .string(try Ed25519PrivateKey().publicKeyHex), "amount": "1000", "idempotencyKey": "x"])
        await h.game.persistAllPositions()
        if let pool = db as? DatabasePool {
            try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
        }
        return (path, walked.completed.first ?? "", active, key.publicKeyHex)
    }

    func auditFile(_ path: String) throws -> GameAuditReport { try GameAudit.run(databasePath: path) }

    /// Runs raw SQL on a copy of `path` with the append-only triggers dropped, as a tamperer would.
    func tampered(_ path: String, _ sql: String) throws -> String {
        let copy = path + ".tampered-\(Hex.encode(SecureRandom.bytes(4)))"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let q = try DatabaseQueue(path: copy)
        try q.writeWithoutTransaction { db in
            for t in ["ledger_events", "ledger_entries", "ledger_transactions"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(t)_no_update; DROP TRIGGER IF EXISTS \(t)_no_delete;")
            }
            try db.execute(sql: sql)
        }
        try q.close()
        return copy
    }

    @Test("The audit of a played database is clean")
    func cleanAudit() async throws {
        let played = try await Self.playedDatabase()
        let report = try auditFile(played.path)
        #expect(report.isClean, "\(report.violations)")
        #expect(report.quests == 2)
    }

    @Test("The audit catches a reward paid twice")
    func doublePay() async throws {
        let played = try await Self.playedDatabase()
        // A second reward transaction for the same quest and player, balanced and with its event.
        let copy = try tampered(played.path, """
            INSERT INTO ledger_transactions (kind, ref, unique_ref, memo, at) VALUES ('quest.reward', '\(played.settled):\(played.player)x', 1, 'quest reward', 0);
            INSERT INTO ledger_entries (tx_id, account_id, delta, balance_after) VALUES (last_insert_rowid(), '\(played.player)', 1, 0);
            """)
        let report = try auditFile(copy)
        #expect(!report.isClean)
    }

    @Test("The audit catches an inflated reward amount")
    func inflatedReward() async throws {
        let played = try await Self.playedDatabase()
        let copy = try tampered(played.path, """
            UPDATE ledger_entries SET delta = delta + 5 WHERE tx_id = (SELECT id FROM ledger_transactions WHERE kind = 'quest.reward') AND delta > 0;
            UPDATE ledger_accounts SET balance = balance + 5 WHERE id = '\(played.player)';
            """)
        let report = try auditFile(copy)
        #expect(!report.isClean)
        #expect(report.violations.contains { $0.contains(played.settled) || $0.contains("tx") })
    }

    @Test("The audit catches a quest marked settled whose escrow still holds PUR")
    func settledWithEscrow() async throws {
        let played = try await Self.playedDatabase()
        let copy = try tampered(played.path, "UPDATE game_quests SET status = 'settled' WHERE id = '\(played.active)'")
        let report = try auditFile(copy)
        #expect(report.violations.contains { $0.contains(played.active) && $0.contains("remain in escrow") })
    }

    @Test("The audit catches a winner who was never paid")
    func unpaidWinner() async throws {
        let played = try await Self.playedDatabase()
        let copy = try tampered(played.path, """
            UPDATE game_quests SET body = json_set(body, '$.winners', json_array('\(played.player)', 'ab')) WHERE id = '\(played.settled)'
            """)
        let report = try auditFile(copy)
        #expect(report.violations.contains { $0.contains("winners recorded") })
    }

    @Test("After a restart, active quests are loaded and overdue ones expire at start-up")
    func restart() async throws {
        let played = try await Self.playedDatabase()
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        let world = try ServerApp.loadWorld(config)
        let db = try GameDatabase.open(path: played.path, ledger: config.ledger)
        let later = Date(timeIntervalSince1970: 1_800_000_000 + 86_400 * 3)
        let game = try GameService(db: db, world: world, generator: GrammarQuestGenerator(), log: try EventLog(key: Ed25519PrivateKey(), db: db), config: config,
                               outbound: RecordingOutbound(), logger: Logger(label: "t"), now: { later })
        try await game.loadActiveQuests()
        #expect(await game.quests.active.keys.contains(played.active))
        try await game.expireDue()
        #expect(await game.quests.active.isEmpty)
        let status = try await db.read { db in try String.fetchOne(db, sql: "SELECT status FROM game_quests WHERE id = ?", arguments: [played.active]) }
        #expect(status == "expired")
        let report = try await db.read { db in try GameAudit.run(db) }
        #expect(report.isClean, "\(report.violations)")
    }
}

@Suite struct ConfigTests {
    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "purr-config-\(Hex.encode(SecureRandom.bytes(6))).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("A config file overrides only the keys it names")
    func partialOverride() throws {
        let config = try ServerConfig.load(file: write(#"{"network":{"port":9000},"transport":{"burst":7},"worldOverrides":{"maxSpeed":3},"dev":true}"#))
        #expect(config.network.port == 9000)
        #expect(config.network.host == "127.0.0.1")
        #expect(config.transport.burst == 7)
        #expect(config.transport.maxMessageBytes == 65_536)
        #expect(config.worldOverrides.maxSpeed == 3)
        #expect(config.dev)
    }

    @Test("An unknown key is refused with its path")
    func unknownKey() throws {
        let path = try write(#"{"transport":{"maxMesageBytes":1}}"#)
        #expect { try ServerConfig.load(file: path) } throws: { e in
            (e as? ConfigError)?.path == "transport.maxMesageBytes"
        }
    }

    @Test("A value of the wrong type is refused with its path")
    func wrongType() throws {
        let path = try write(#"{"network":{"port":"eighty"}}"#)
        #expect { try ServerConfig.load(file: path) } throws: { e in
            (e as? ConfigError)?.path == "network.port"
        }
    }

    @Test("An interval of zero, below zero or not a number is refused with its path", arguments: [
        (#"{"storage":{"healthProbeSeconds":0}}"#, "storage.healthProbeSeconds"),
        (#"{"storage":{"healthRetrySeconds":-1}}"#, "storage.healthRetrySeconds"),
        (#"{"network":{"drainTimeoutSeconds":0}}"#, "network.drainTimeoutSeconds"),
    ])
    func badInterval(json: String, key: String) throws {
        let path = try write(json)
        #expect { try ServerConfig.load(file: path) } throws: { e in
            (e as? ConfigError)?.path == key
        }
        #expect(try ServerConfig.load(file: try write(#"{"storage":{"healthRetrySeconds":0.25}}"#)).storage.healthRetrySeconds == 0.25)
    }

    @Test("World overrides that break the map's rules stop start-up with a clear error")
    func badOverride() throws {
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        config.worldOverrides.maxSpeed = -1
        #expect(throws: StartupError.self) { try ServerApp.loadWorld(config) }
        config.worldOverrides.maxSpeed = nil
        config.world.mapFile = "maps/missing.json"
        #expect { try ServerApp.loadWorld(config) } throws: { e in
            (e as? StartupError)?.message.contains("missing.json") == true
        }
    }
}

@Suite struct ModelStartupTests {
    @Test("A missing model directory stops start-up with the path named")
    func missingModel() async throws {
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        config.model.path = "assets/models/does-not-exist"
        let world = try ServerApp.loadWorld(config)
        #expect { try ServerApp.makeGenerator(config, world: world, logger: Logger(label: "t")) } throws: { e in
            (e as? StartupError)?.message.contains("does-not-exist") == true
        }
    }

    @Test("A corrupt model file stops start-up with the file named")
    func corruptModel() async throws {
        let dir = NSTemporaryDirectory() + "purr-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "{\"model_type\": \"llama\"}".write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        config.model.path = dir
        let world = try ServerApp.loadWorld(config)
        #expect { try ServerApp.makeGenerator(config, world: world, logger: Logger(label: "t")) } throws: { e in
            (e as? StartupError)?.message.contains(dir) == true
        }
    }

    @Test("A words file beside the model that holds no words stops start-up with the file named")
    func emptyWordsFile() async throws {
        let dir = NSTemporaryDirectory() + "purr-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let shipped = TestPaths.root.appendingPathComponent("assets/models/quest")
        for file in ["config.json", "model.safetensors", "tokenizer.json"] {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(file), to: URL(fileURLWithPath: dir + "/" + file))
        }
        try "\n".write(toFile: dir + "/words.txt", atomically: true, encoding: .utf8)
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        config.model.path = dir
        let world = try ServerApp.loadWorld(config)
        #expect { try ServerApp.makeGenerator(config, world: world, logger: Logger(label: "t")) } throws: { e in
            (e as? StartupError)?.message.contains(dir + "/words.txt") == true
        }
    }

    @Test("An unknown generator name is refused")
    func unknownGenerator() throws {
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        config.model.generator = "oracle"
        let world = try ServerApp.loadWorld(config)
        #expect(throws: StartupError.self) { try ServerApp.makeGenerator(config, world: world, logger: Logger(label: "t")) }
    }
}

@Suite struct ShippedModelTests {
    @Test("The shipped quest model loads as the server's default generator and writes valid quests")
    func shippedModelWritesValidQuests() throws {
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        let world = try ServerApp.loadWorld(config)
        let generator = try ServerApp.makeGenerator(config, world: world, logger: Logger(label: "t"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for (i, region) in ["catnip-meadows", "hissing-mire", "nine-lives-peaks"].enumerated() {
            let request = QuestRequestContext(world: world, scope: i == 1 ? .global : .personal, region: region,
                                              difficulty: i + 1, seed: UInt64(100 + i), now: now)
            let spec = try generator.generate(request)
            #expect(spec.region == region)
            #expect(spec.difficulty == i + 1)
            #expect(throws: Never.self) { try QuestValidator.validate(spec, world: world, now: now) }
            // What the server hands out has passed the truth checker (rewritten or fallen back if not).
            #expect(QuestTruthChecker(world: world).check(spec, scope: request.scope).isTruthful, "\(spec.description)")
        }
        #expect(generator is TruthfulGenerator)
    }
}
