import ArgumentParser
import Foundation
import Logging
import Server

/// `purr serve`: runs the server until SIGINT/SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the PurrQuest server (ws://HOST:PORT/v1, GET /healthz).")

    @Option(help: "JSON config file; keys it omits keep their defaults (docs/configuration.md).")
    var config: String?

    @Option(help: "Interface to listen on (overrides network.host).")
    var host: String?

    @Option(help: "Port (overrides network.port; 0 picks a free one).")
    var port: Int?

    @Option(help: "SQLite database file (overrides storage.databasePath).")
    var db: String?

    @Option(help: "Directory holding maps/ and assets/ (overrides world.root).")
    var root: String?

    @Flag(help: "Developer mode: enables wallet.faucet. Never on a public server.")
    var dev = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(help: "Print the effective configuration (defaults, file and flags merged) as JSON and exit.")
    var printConfig = false

    func run() async throws {
        var cfg: ServerConfig
        do {
            cfg = try config.map { try ServerConfig.load(file: $0) } ?? ServerConfig()
        } catch {
            // A bad config file is a start-up failure like any other: same prefix, exit 2.
            throw Self.startupFailure("config: \((error as? ConfigError)?.description ?? "\(error)")")
        }
        // Checked here, not by ArgumentParser (exit 64 with a usage line): one start-up error path.
        guard let level = Logger.Level(rawValue: logLevel) else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw Self.startupFailure("--log-level \"\(logLevel)\" is not one of \(levels)")
        }
        if let host { cfg.network.host = host }
        if let port { cfg.network.port = port }
        if let db { cfg.storage.databasePath = db }
        if let root { cfg.world.root = root }
        if dev { cfg.dev = true }
        if printConfig {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(cfg), as: UTF8.self))
            return
        }
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        let logger = Logger(label: "purr")
        let signals = SignalWatcher()
        let app: ServerApp
        do {
            app = try await ServerApp.start(config: cfg, logger: logger)
        } catch let e as StartupError {
            throw Self.startupFailure(e.message)
        } catch {
            // One start-up error path: whatever failed, the same prefix and exit code.
            throw Self.startupFailure("\(error)")
        }
        print("PurrQuest listening on ws://\(cfg.network.host):\(app.port)/v1 (health: http://\(cfg.network.host):\(app.port)/healthz)")
        fflush(nil)
        await app.runUntilSignalled(signals)
    }

    /// Every start-up failure ends the same way: one `purr serve: …` line on stderr, exit 2
    /// (docs/configuration.md; scripts/crash-campaign and `ServeExitTests` hold it to that).
    static func startupFailure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("purr serve: \(message)\n".utf8))
        return ExitCode(2)
    }
}
