import Foundation
import GRDB
import Ledger
import Logging
import PurrClient
import PublicAudit
import PurrCrypto
import RPC
import Synchronization
import Testing
@testable import Server

/// A real PurrQuest server on an ephemeral port, with its own SQLite file, and a client
/// runtime to reach it over a real WebSocket.
///
/// ```swift
/// try await withIntegrationServer { server in
///     let player = try await server.player()
///     _ = try await player.connection.call("wallet.balance")
/// }   // shut down gracefully, then the database file must pass the audit
/// ```
final class IntegrationServer: Sendable {
    /// Walking in real time at the map's 12 m/s would take minutes; quest deadlines keep a
    /// 300 s buffer whatever the speed, so a fast world only makes the walks short.
    static let walkingSpeed = 5_000.0

    let app: ServerApp
    let runtime: ClientRuntime
    let databasePath: String
    private let stopped = Mutex(false)

    var port: Int { app.port }
    var url: String { "ws://127.0.0.1:\(app.port)/v1" }

    private init(app: ServerApp, runtime: ClientRuntime, databasePath: String) {
        self.app = app
        self.runtime = runtime
        self.databasePath = databasePath
    }

    /// Starts a dev server on 127.0.0.1:0 with a fresh database file and a fast world;
    /// `configure` changes anything else (limits, TTLs, overrides). `whileLoadingModel` runs
    /// where the quest model loads: the port already listens (it is passed in), the game does not exist yet.
    static func start(_ configure: (inout ServerConfig) -> Void = { _ in },
                      whileLoadingModel: (_ port: Int) async throws -> Void = { _ in }) async throws -> IntegrationServer {
        var config = ServerConfig()
        config.network.host = "127.0.0.1"
        config.network.port = 0
        config.network.drainTimeoutSeconds = 20
        config.storage.databasePath = NSTemporaryDirectory() + "purr-integration-\(UUID().uuidString).sqlite"
        // Each test's log has its own key and head file: a key beside a fresh database is refused.
        config.log.keyFile = config.storage.databasePath + ".log-key.json"
        config.world.root = TestPaths.root.path
        config.worldOverrides.maxSpeed = walkingSpeed
        config.worldOverrides.minReportInterval = 0.005
        config.dev = true
        // The rule-based generator keeps these tests fast in a debug build; the trained
        // model has its own tests (QuestModelTests, ServerModelTests).
        config.model.generator = "grammar"
        configure(&config)
        let logger = Logger(label: "integration") { _ in SwiftLogNoOpLogHandler() }
        let app = try await ServerApp.start(config: config, logger: logger, now: { Date() }) { world, port in
            try await whileLoadingModel(port)
            return try ServerApp.makeGenerator(config, world: world, logger: logger)
        }
        return IntegrationServer(app: app, runtime: ClientRuntime(), databasePath: config.storage.databasePath)
    }

    /// Opens a new WebSocket connection to the server.
    func connect() async throws -> PurrConnection {
        try await PurrConnection.connect(to: url, runtime: runtime, timeout: 20)
    }

    /// A new connection signed in with a fresh key, given `faucet` micro-PUR when it is not nil.
    func player(faucet: String? = "100000000") async throws -> IntegrationPlayer {
        let connection = try await connect()
        let inbox = NotificationInbox(connection)
        let key = try Ed25519PrivateKey()
        let session = try await connection.signIn(with: key, timeout: 20)
        if let faucet {
            _ = try await connection.call("wallet.faucet", ["amount": .string(faucet)], timeout: 20)
        }
        return IntegrationPlayer(connection: connection, key: key, session: session, inbox: inbox)
    }

    /// A fresh, well-behaved connection still gets answers: the server survived what came before.
    func expectStillServes(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let connection = try await connect()
        let info = try await connection.call("world.info", timeout: 20)
        #expect(info["name"] == "MW0rld", sourceLocation: sourceLocation)
        connection.close()
    }

    /// An account's balance in micro-PUR, read from the running server's database.
    func balance(_ account: String) async throws -> Int64 {
        try await app.db.read { db in try LedgerStore.balance(db, AccountID(rawValue: account)).micro }
    }

    /// Whether the ledger has an account of that name (accounts are created by the first movement to them).
    func accountExists(_ account: String) async throws -> Bool {
        try await app.db.read { db in try LedgerStore.accountExists(db, AccountID(rawValue: account)) }
    }

    /// Ledger events of one kind, e.g. "position.rejected".
    func eventCount(kind: String) async throws -> Int {
        try await app.db.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind = ?", arguments: [kind]) ?? 0
        }
    }

    /// Graceful shutdown of the server; later calls do nothing.
    func shutdown() async {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        await app.shutdown()
    }

    /// Stops the client runtime (after the server is down, its connections are already closed).
    func stopClients() async {
        let runtime = runtime
        // ClientRuntime.shutdown blocks while it joins its service thread: keep it off the cooperative pool.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                runtime.shutdown(drainTimeout: 2)
                done.resume()
            }
        }
    }

    /// An account's balance read from the database file (after shutdown).
    func balanceInFile(_ account: String) throws -> Int64 {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: databasePath, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in try LedgerStore.balance(db, AccountID(rawValue: account)).micro }
    }

    /// `purr audit --db` on the file (or a copy of it), with the server's log key.
    func offlineAudit(path: String? = nil) throws -> (GameAuditReport, LogAudit.Report) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path ?? databasePath, configuration: configuration)
        defer { try? queue.close() }
        let key = app.game.eventLog.publicKey
        let world = app.world
        return try queue.read { db in try GameAudit.runWithLog(db, publicKey: key, claimRadius: world.settings.claimRadius, world: world) }
    }

    func removeFiles() {
        for suffix in ["", "-wal", "-shm", ".log-key.json", ".log-key.head.json", ".log-key.head.json.tmp"] {
            try? FileManager.default.removeItem(atPath: databasePath + suffix)
        }
    }
}

/// Starts a server, runs `body`, shuts the server down gracefully (if `body` did not) and
/// expects the audit of its database file to be clean. The server is shut down even when
/// `body` throws.
func withIntegrationServer(_ configure: (inout ServerConfig) -> Void = { _ in },
                           sourceLocation: SourceLocation = #_sourceLocation,
                           _ body: (IntegrationServer) async throws -> Void) async throws {
    let server = try await IntegrationServer.start(configure)
    defer { server.removeFiles() }
    do {
        try await body(server)
    } catch {
        await server.shutdown()
        await server.stopClients()
        throw error
    }
    await server.shutdown()
    await server.stopClients()
    let (tables, log) = try server.offlineAudit()
    #expect(tables.isClean, "\(tables.violations)", sourceLocation: sourceLocation)
    #expect(log.isClean, "\(log.findings)", sourceLocation: sourceLocation)
}

/// A signed-in player: its connection, key, session and notifications.
struct IntegrationPlayer: Sendable {
    let connection: PurrConnection
    let key: Ed25519PrivateKey
    let session: PurrSession
    let inbox: NotificationInbox
    var account: String { session.account }

    func balance() async throws -> Int64 {
        let result = try await connection.call("wallet.balance", timeout: 20)
        return Int64(result["balance"]?.stringValue ?? "") ?? -1
    }
}

/// Collects a connection's notifications as they arrive, so a test can wait for one by
/// method. It is the stream's single consumer: cancelling a pending `next()` on an
/// AsyncStream would end the stream for good, so nobody else iterates it.
final class NotificationInbox: Sendable {
    private let received = Mutex<[PurrConnection.Notification]>([])

    init(_ connection: PurrConnection) {
        let stream = connection.notifications
        Task { [weak self] in
            for await note in stream {
                self?.received.withLock { $0.append(note) }
            }
        }
    }

    /// Every notification of `method` received so far, in order.
    func all(_ method: String) -> [JSONValue] {
        received.withLock { $0 }.filter { $0.method == method }.map(\.params)
    }

    /// The first notification of `method` whose params satisfy `matching`, waiting up to `timeout` seconds.
    func first(_ method: String, timeout: Double = 20, matching: (JSONValue) -> Bool = { _ in true }) async -> JSONValue? {
        let deadline = ContinuousClock.now + .seconds(timeout)
        while true {
            if let found = all(method).first(where: matching) { return found }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A player moving through the world with real position reports, never faster than the server allows.
///
/// The server measures speed between its own receive times. Each report is sent only after
/// the previous one was answered, so the server saw more time pass between the two than the
/// walker measured since that answer; a step covers at most `speed` × that time, inside the
/// server's allowance of maxSpeed × 1.25 × elapsed + 15 m.
struct Walker {
    let connection: PurrConnection
    let speed: Double
    private(set) var x = 0.0
    private(set) var y = 0.0
    private var lastAnswer = ContinuousClock.now
    private var lastTimestamp: Int64 = 0

    /// The default pace fits the slowest terrain (mountains: half the map's maxSpeed), so the
    /// anti-cheat's terrain limits accept every step.
    init(_ connection: PurrConnection, speed: Double = IntegrationServer.walkingSpeed * 0.45) {
        self.connection = connection
        self.speed = speed
    }

    /// Reports (x, y) now, with the real clock's timestamp; the result of position.report.
    mutating func report(_ x: Double, _ y: Double) async throws -> JSONValue {
        let timestamp = max(lastTimestamp, Int64(Date().timeIntervalSince1970 * 1000))
        lastTimestamp = timestamp
        let result = try await connection.call("position.report", [
            "x": .double(x), "y": .double(y), "timestamp": .int(timestamp),
        ], timeout: 20)
        lastAnswer = .now
        self.x = x
        self.y = y
        return result
    }

    /// Walks straight to each point in turn; returns the quest ids reported completed on the way.
    mutating func walk(through points: [(Double, Double)]) async throws -> [String] {
        var completed: [String] = []
        for (tx, ty) in points {
            var arrived = false
            while !arrived {
                try await Task.sleep(for: .milliseconds(20))
                let elapsed = Self.seconds(ContinuousClock.now - lastAnswer)
                let dx = tx - x, dy = ty - y
                let distance = (dx * dx + dy * dy).squareRoot()
                let step = speed * elapsed
                arrived = distance <= step
                let next = arrived ? (tx, ty) : (x + dx / distance * step, y + dy / distance * step)
                let result = try await report(next.0, next.1)
                completed += (result["completed"]?.arrayValue ?? []).compactMap(\.stringValue)
            }
        }
        return completed
    }

    static func seconds(_ duration: Duration) -> Double {
        let (s, attoseconds) = duration.components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

/// The centre of a region, from world.info over the network.
func regionCentre(_ connection: PurrConnection, _ region: String) async throws -> (Double, Double) {
    let info = try await connection.call("world.info", timeout: 20)
    let centre = info["regions"]?.arrayValue?.first { $0["id"]?.stringValue == region }?["centre"]
    let x = try #require(centre?["x"]?.doubleValue)
    let y = try #require(centre?["y"]?.doubleValue)
    return (x, y)
}

/// The JSON-RPC error a call failed with; nil (and a recorded issue) when it succeeded or failed otherwise.
func rpcError(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> JSONValue) async -> RPCErrorObject? {
    do {
        let result = try await body()
        Issue.record("expected an error, got \(result.serialized())", sourceLocation: sourceLocation)
    } catch PurrClientError.rpc(let error) {
        return error
    } catch {
        Issue.record("expected an RPC error, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Plain HTTP/1.1 over a POSIX socket (URLSession is unreliable on Linux).
enum PlainHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `GET path` on 127.0.0.1:port with `Connection: close`; status code and body.
    static func get(port: Int, path: String) async throws -> (status: Int, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            // Blocking socket calls: keep them off the cooperative pool.
            DispatchQueue.global().async {
                continuation.resume(with: Result { try getBlocking(port: port, path: path) })
            }
        }
    }

    static func getBlocking(port: Int, path: String) throws -> (status: Int, body: String) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { Glibc.close(fd) }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to port \(port) failed: errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !isComplete(response) {
            let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            response += chunk[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no HTTP header in: \(text)") }
        let statusLine = text[..<split.lowerBound].split(separator: "\r\n").first ?? ""
        let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, String(text[split.upperBound...]))
    }

    /// True once the header and `Content-Length` bytes of body are in.
    static func isComplete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return false }
        let header = text[..<split.lowerBound].lowercased()
        guard let line = header.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
        return text[split.upperBound...].utf8.count >= length
    }
}
