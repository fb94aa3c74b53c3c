import ArgumentParser
import Foundation
import PurrClient
import PurrCrypto
import RPC
import Synchronization

/// `purr loadtest`: simulated signed-in players walking and buying quests, or a bare echo
/// load for a reference; prints throughput and latency percentiles.
struct Loadtest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a server with simulated players (or an echo server with --echo) and print throughput and latency percentiles.")

    @Option(help: "Server endpoint.")
    var url = "ws://127.0.0.1:8787/v1"

    @Option(help: "Simultaneous connections (one simulated player each).")
    var connections = 100

    @Option(help: "Seconds of measured load after every connection signed in.")
    var duration = 10.0

    @Option(help: "Milliseconds each player waits between its requests (0 = as fast as answers come back).")
    var interval = 0.0

    @Flag(help: "Send on a fixed schedule, one request every --interval ms from a random phase (how a game client reports at 1 Hz), instead of waiting --interval after each answer.")
    var paced = false

    @Option(help: "Out of this many requests, one is a quest.request (0 = never); needs a server run with --dev.")
    var questEvery = 0

    @Flag(help: "Reference mode: send position.report-sized messages to an echo server and time the echoes.")
    var echo = false

    @Option(help: "Write the results as JSON to this file too.")
    var json: String?

    func run() async throws {
        guard connections > 0, duration > 0 else { throw ValidationError("--connections and --duration must be positive") }
        let runtime = ClientRuntime()
        defer { runtime.shutdown() }
        let started = ContinuousClock.now
        FileHandle.standardError.write(Data("connecting \(connections) \(echo ? "echo clients" : "players") to \(url)…\n".utf8))
        var players: [Player] = []
        try await withThrowingTaskGroup(of: Player.self) { group in
            var launched = 0
            for i in 0..<connections {
                group.addTask { try await Player.connect(index: i, url: url, runtime: runtime, echo: echo, fund: questEvery > 0) }
                launched += 1
                // Keep at most 64 handshakes in flight.
                if launched >= 64, let p = try await group.next() { players.append(p) }
            }
            for try await p in group { players.append(p) }
        }
        let setup = ContinuousClock.now - started
        FileHandle.standardError.write(Data("all connected in \(setup); measuring for \(duration) s…\n".utf8))
        let stats = LoadStats()
        let deadline = ContinuousClock.now + .milliseconds(Int(duration * 1000))
        let runStart = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for p in players {
                group.addTask { await p.run(until: deadline, interval: interval, paced: paced, questEvery: questEvery, stats: stats) }
            }
        }
        let elapsed = ContinuousClock.now - runStart
        for p in players { p.connection.close() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let report = stats.summary(seconds: seconds, connections: connections, mode: echo ? "echo" : "game")
        print(report.text)
        if let json {
            try report.json.serialized().write(toFile: json, atomically: true, encoding: .utf8)
        }
    }
}

/// One simulated player: a connection, a key, and a walk.
final class Player: Sendable {
    let connection: PurrConnection
    let index: Int
    let echo: Bool
    let start: (Double, Double)

    init(connection: PurrConnection, index: Int, echo: Bool, start: (Double, Double)) {
        self.connection = connection
        self.index = index
        self.echo = echo
        self.start = start
    }

    static func connect(index: Int, url: String, runtime: ClientRuntime, echo: Bool, fund: Bool) async throws -> Player {
        let connection = try await PurrConnection.connect(to: url, runtime: runtime, timeout: 30)
        // Spread the players over the map's middle so their walks do not overlap.
        let start = (2_000.0 + Double(index % 100) * 150, 2_000.0 + Double(index / 100 % 100) * 150)
        if !echo {
            let key = try Ed25519PrivateKey()
            let challenge = try await connection.call("auth.challenge")
            let nonce = challenge["nonce"]?.stringValue ?? ""
            let sig = try key.signature(for: "purr-login:" + nonce)
            _ = try await connection.call("auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(sig))])
            if fund { _ = try? await connection.call("wallet.faucet", ["amount": "1000000000"]) }
        }
        return Player(connection: connection, index: index, echo: echo, start: start)
    }

    func run(until deadline: ContinuousClock.Instant, interval: Double, paced: Bool, questEvery: Int, stats: LoadStats) async {
        var (x, y) = start
        // Paced: ticks at phase + k·interval on the client's clock, whatever the answers take.
        var nextTick = ContinuousClock.now + .milliseconds(Int.random(in: 0...max(0, Int(interval))))
        if paced && interval > 0 { try? await Task.sleep(until: nextTick) }
        var n = 0
        var heading = Double(index) * 0.7
        var local = LocalStats()
        while ContinuousClock.now < deadline {
            n += 1
            // Walk about a metre a step: well inside any speed limit, so every report is accepted.
            heading += 0.05
            x += cos(heading)
            y += sin(heading)
            let ts = Int64(Date().timeIntervalSince1970 * 1000)
            let method: String
            let params: JSONValue
            if questEvery > 0 && n % questEvery == 0 {
                method = "quest.request"
                params = ["scope": "personal", "difficulty": 1, "idempotencyKey": .string("load-\(index)-\(n)")]
            } else {
                method = "position.report"
                params = ["x": .double(x), "y": .double(y), "timestamp": .int(ts)]
            }
            let t0 = ContinuousClock.now
            var errorName: String?
            if echo {
                let text = RPCRequest(id: .int(Int64(n)), method: method, params: params).json.serialized()
                connection.sendRaw(text)
                do { _ = try await connection.nextUnmatched(timeout: 30) } catch { errorName = "transport" }
            } else {
                do { _ = try await connection.call(method, params, timeout: 30) } catch let PurrClientError.rpc(e) {
                    errorName = e.name ?? String(e.code)
                } catch {
                    errorName = "transport"
                }
            }
            let dt = ContinuousClock.now - t0
            local.record(method: method, micros: Int(dt.components.attoseconds / 1_000_000_000_000) + Int(dt.components.seconds) * 1_000_000, error: errorName)
            if errorName == "transport" { break }
            if paced && interval > 0 {
                nextTick += .milliseconds(Int(interval))
                try? await Task.sleep(until: nextTick)
            } else if interval > 0 {
                try? await Task.sleep(for: .milliseconds(Int(interval)))
            }
        }
        stats.merge(local)
    }
}

struct LocalStats {
    var latencies: [String: [Int]] = [:]
    var errors: [String: Int] = [:]

    mutating func record(method: String, micros: Int, error: String?) {
        latencies[method, default: []].append(micros)
        if let error { errors[error, default: 0] += 1 }
    }
}

/// Latencies of every call, merged from the players at the end (no lock in the hot loop).
final class LoadStats: Sendable {
    let merged = Mutex(LocalStats())

    func merge(_ local: LocalStats) {
        merged.withLock { m in
            for (k, v) in local.latencies { m.latencies[k, default: []].append(contentsOf: v) }
            for (k, v) in local.errors { m.errors[k, default: 0] += v }
        }
    }

    static func percentile(_ sorted: [Int], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let i = min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)
        return Double(sorted[max(0, i)]) / 1000
    }

    func summary(seconds: Double, connections: Int, mode: String) -> (text: String, json: JSONValue) {
        let m = merged.withLock { $0 }
        var lines = ["mode: \(mode), connections: \(connections), measured: \(String(format: "%.1f", seconds)) s"]
        var methods: [String: JSONValue] = [:]
        for (method, values) in m.latencies.sorted(by: { $0.key < $1.key }) {
            let sorted = values.sorted()
            let rate = Double(sorted.count) / seconds
            let p50 = Self.percentile(sorted, 50), p90 = Self.percentile(sorted, 90), p99 = Self.percentile(sorted, 99)
            let max = Double(sorted.last ?? 0) / 1000
            lines.append(String(format: "%@: %d calls, %.0f/s, latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f",
                                method, sorted.count, rate, p50, p90, p99, max))
            methods[method] = ["calls": .int(Int64(sorted.count)), "perSecond": .double(rate),
                               "p50ms": .double(p50), "p90ms": .double(p90), "p99ms": .double(p99), "maxms": .double(max)]
        }
        lines.append("errors: " + (m.errors.isEmpty ? "none" : m.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))
        let json: JSONValue = ["mode": .string(mode), "connections": .int(Int64(connections)), "seconds": .double(seconds),
                               "methods": .object(methods), "errors": .object(m.errors.mapValues { .int(Int64($0)) })]
        return (lines.joined(separator: "\n"), json)
    }
}
