import Foundation
import GRDB
import Ledger
import Logging
import NFTArt
import PurrCrypto
import Quests
import RPC
import Synchronization
import WebSocketTransport
import World
@testable import Server

/// Records what the game sends, in place of the WebSocket transport.
final class RecordingOutbound: Outbound {
    let sent = Mutex<[(ConnectionID, String)]>([])
    let closed = Mutex<[(ConnectionID, UInt16, String)]>([])

    func send(_ id: ConnectionID, text: String) { sent.withLock { $0.append((id, text)) } }
    let binary = Mutex<[(ConnectionID, [UInt8])]>([])
    func send(_ id: ConnectionID, binary bytes: [UInt8]) { binary.withLock { $0.append((id, bytes)) } }
    func close(_ id: ConnectionID, code: UInt16, reason: String) { closed.withLock { $0.append((id, code, reason)) } }

    /// Notifications sent to `id` with this method, parsed.
    func notifications(to id: ConnectionID, method: String) -> [JSONValue] {
        sent.withLock { $0 }.compactMap { conn, text in
            guard conn == id, let v = try? JSONValue.parse(text), v["method"]?.stringValue == method else { return nil }
            return v["params"]
        }
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

enum TestPaths {
    /// The package root (maps/ and assets/ live there).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// One game on an in-memory database, driven by calling `handle` directly.
struct GameHarness {
    let game: GameService
    let outbound: RecordingOutbound
    let clock: TestClock
    let db: any DatabaseWriter
    let world: World
    var nextConnection: UInt64 = 1
    var nextId: Int64 = 1

    init(generator: any QuestGenerator = GrammarQuestGenerator(),
         configure: (inout ServerConfig) -> Void = { _ in }) async throws {
        var config = ServerConfig()
        config.dev = true
        config.storage.databasePath = ""
        config.world.root = TestPaths.root.path
        configure(&config)
        let clock = TestClock()
        let world = try ServerApp.loadWorld(config)
        let db = try GameDatabase.open(path: nil, ledger: config.ledger, at: clock.now)
        let outbound = RecordingOutbound()
        game = try GameService(db: db, world: world, generator: generator, log: try EventLog(key: Ed25519PrivateKey(), db: db), config: config,
                           outbound: outbound, logger: Logger(label: "test"), nftCatalog: try NFTPartsCatalog.loadDefault(root: TestPaths.root), now: { clock.now })
        try await game.loadActiveQuests()
        self.outbound = outbound
        self.clock = clock
        self.db = db
        self.world = world
    }

    init(game: GameService, clock: TestClock, db: any DatabaseWriter, world: World) {
        self.game = game
        self.outbound = RecordingOutbound()
        self.clock = clock
        self.db = db
        self.world = world
    }

    mutating func connect() async -> ConnectionID {
        let id = ConnectionID(rawValue: nextConnection)
        nextConnection += 1
        await game.connectionOpened(id, remoteAddress: "127.0.0.1")
        return id
    }

    /// Sends one request and returns `result`, or throws the error object.
    mutating func call(_ conn: ConnectionID, _ method: String, _ params: JSONValue = [:]) async throws -> JSONValue {
        let id = nextId
        nextId += 1
        let text = RPCRequest(id: .int(id), method: method, params: params).json.serialized()
        guard let response = await game.handle(conn, text: text, rateLimited: false) else {
            throw RPCErrorObject(code: 0, message: "no response")
        }
        let v = try JSONValue.parse(response)
        guard v["id"] == .int(id) else { throw RPCErrorObject(code: 0, message: "response id mismatch: \(response)") }
        if let e = v["error"] { throw RPCErrorObject(json: e) ?? RPCErrorObject(code: 0, message: "bad error") }
        return v["result"] ?? .null
    }

    /// Signs `conn` in with a fresh key; returns the key.
    mutating func signIn(_ conn: ConnectionID, key: Ed25519PrivateKey? = nil) async throws -> Ed25519PrivateKey {
        let key = try key ?? Ed25519PrivateKey()
        let challenge = try await call(conn, "auth.challenge")
        let nonce = challenge["nonce"]?.stringValue ?? ""
        let sig = try key.signature(for: GameService.loginPrefix + nonce)
        _ = try await call(conn, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(sig))])
        return key
    }

    func audit() throws -> GameAuditReport {
        try db.read { db in try GameAudit.run(db) }
    }
}


