import AntiCheat
import Foundation
import Ledger
import Quests
import RPC
import WebSocketTransport

/// Everything the server can be told, with the defaults it runs on when told nothing.
///
/// A config file (`purr serve --config FILE`) is JSON with any subset of these keys; what it
/// omits keeps its default, and an unknown key is an error naming it (typos must not pass
/// silently). docs/configuration.md lists every key.
public struct ServerConfig: Codable, Sendable, Equatable {
    public struct Network: Codable, Sendable, Equatable {
        public var host = "127.0.0.1"
        /// 0 picks a free port (tests).
        public var port = 8787
        /// Seconds a shutdown waits for in-flight requests and queued messages.
        public var drainTimeoutSeconds = 5.0
    }

    public struct Storage: Codable, Sendable, Equatable {
        /// SQLite file; its directory is created. Empty string: in-memory (tests only: lost on exit).
        public var databasePath = "data/purr.sqlite"
        /// "normal": a commit survives the process being killed; "full": also a power loss
        /// (an fsync per commit). docs/configuration.md has the measured cost.
        public var synchronous = LedgerDatabase.Synchronous.normal
        /// How often a one-row write checks that the database still takes commits (/healthz).
        public var healthProbeSeconds = 5.0
        /// How often the probe retries while a write has failed, so the node is back soon after
        /// the disk is.
        public var healthRetrySeconds = 1.0
        /// What start-up reads of the file before serving: "quick" (SQLite's quick_check: every
        /// page and record readable), "full" (integrity_check: also every index against its
        /// table) or "off". A damaged file then stops start-up instead of failing requests later.
        public var startupCheck = StartupCheck.quick
    }

    public enum StartupCheck: String, Codable, Sendable, CaseIterable {
        case quick, full, off
    }

    public struct WorldFiles: Codable, Sendable, Equatable {
        /// Directory holding maps/ and assets/.
        public var root = "."
        public var mapFile = "maps/mw0rld.json"
        public var itemsFile = "assets/items.json"
    }

    /// Overrides of the map's own settings, so a test world can use a fast clock or short distances.
    public struct WorldOverrides: Codable, Sendable, Equatable {
        public var maxSpeed: Double?
        public var reachRadius: Double?
        public var claimRadius: Double?
        public var gameTimeRatio: Double?
        public var minReportInterval: Double?
    }

    public struct Auth: Codable, Sendable, Equatable {
        /// Lifetime of an auth.challenge nonce.
        public var nonceTTLSeconds = 60.0
        /// Lifetime of a session token from auth.login.
        public var sessionTTLSeconds = 86_400.0
        /// Failed logins on one connection before it is closed (1008).
        public var maxFailedLogins = 5
    }

    public struct Game: Codable, Sendable, Equatable {
        /// How often overdue quests are expired and their escrow returned.
        public var expirySweepSeconds = 1.0
        /// Active quests (own or joined) one account may hold.
        public var maxActiveQuestsPerAccount = 20
        /// Most PUR one wallet.faucet call hands out (dev mode only).
        public var faucetMaxPerCall = Amount.pur(10_000)
        /// Largest transfer accepted in one wallet.transfer.
        public var maxTransfer = Amount.pur(1_000_000)
        /// Clock skew tolerated on position timestamps ahead of the server's clock, ms.
        public var maxFutureSkewMillis: Int64 = 2_000
        /// Factor on the max speed before a move counts as a teleport (GPS-like jitter).
        public var speedTolerance = 1.25
    }

    /// Which quest generator the server uses.
    public struct Model: Codable, Sendable, Equatable {
        /// "model": the trained quest model (the default); "grammar": the rule-based generator
        /// (tests, or a server without the model files).
        public var generator = "model"
        /// Model directory (config.json, model.safetensors, tokenizer.json); relative paths
        /// start at `world.root`.
        public var path = "assets/models/quest"
        /// "int8" (faster) or "fp32".
        public var weights = "int8"
        /// Quests decoded together in one batched pass.
        public var streams = 8
        public var temperature: Float = 0.8
        public var topP: Float = 0.95
        /// A model quest whose text the truth checker refuses is written again this many times
        /// (other seeds) before the rule-based generator writes it.
        public var truthRetries = 1
    }

    /// The transparency log (docs/contracts.md).
    public struct Log: Codable, Sendable, Equatable {
        /// The log's Ed25519 key file, created on first start; "" = a new key each run (tests).
        public var keyFile = "data/log-key.json"
        /// A copy of the latest signed head, fsynced each time one is signed and checked at
        /// start-up; "" = beside the key file (`log-key.json` → `log-key.head.json`).
        public var headFile = ""
        /// How often a new tree head is signed when the log has grown.
        public var headIntervalSeconds = 10.0
        /// Most entries one log.entries call returns.
        public var maxEntriesPerCall = 1_000
    }

    /// Map NFTs: the drop schedule and the pick-up price.
    public struct NFT: Codable, Sendable, Equatable {
        public var enabled = true
        /// A new drop every this many seconds while fewer than `maxActive` are on the map.
        public var spawnEverySeconds = 60.0
        public var maxActive = 20
        /// How long a drop stays on the map; pending claims are refunded when it expires.
        public var lifetimeSeconds = 1_800.0
        /// What a claim costs, held in escrow until the drop is picked up (paid) or lost (refunded).
        public var pickupPrice = Amount.pur(5)
        /// Largest radius nft.nearby accepts, metres.
        public var maxNearbyRadius = 5_000.0
    }

    public var network = Network()
    public var storage = Storage()
    public var world = WorldFiles()
    public var worldOverrides = WorldOverrides()
    public var auth = Auth()
    public var game = Game()
    public var transport = TransportLimits()
    public var economy = EconomyConfig()
    public var ledger = LedgerConfig()
    public var model = Model()
    public var log = Log()
    /// Movement model, strikes and restrictions (docs/anti-cheat.md).
    public var antiCheat = AntiCheatSettings()
    public var nft = NFT()
    /// AI-runner training; off by default.
    public var training = Training()
    /// Developer mode: enables wallet.faucet. Never on a public server.
    public var dev = false

    public init() {}

    /// Reads a JSON config file over the defaults.
    /// - Throws: ``ConfigError`` naming the file and the key path that is wrong.
    public static func load(file: String) throws -> ServerConfig {
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ConfigError(file: file, path: "", message: "cannot read: \(error.localizedDescription)")
        }
        let overlay: JSONValue
        do { overlay = try JSONValue.parse(text) } catch {
            throw ConfigError(file: file, path: "", message: error.description)
        }
        let config = try ConfigMerge.merge(ServerConfig(), overlay: overlay, file: file)
        try config.checkRanges(file: file)
        return config
    }

    /// Refuses values that decode but cannot work (a zero interval would spin the probe).
    func checkRanges(file: String) throws {
        for (key, value) in [("storage.healthProbeSeconds", storage.healthProbeSeconds),
                             ("storage.healthRetrySeconds", storage.healthRetrySeconds),
                             ("network.drainTimeoutSeconds", network.drainTimeoutSeconds)]
        where !(value.isFinite && value > 0) {
            throw ConfigError(file: file, path: key, message: "must be a number of seconds above 0, got \(value)")
        }
    }
}

/// A config file problem: which file, which key, what is wrong.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let path: String
    public let message: String
    public var description: String { "\(file): \(path.isEmpty ? "" : path + ": ")\(message)" }
}

/// Lays a partial JSON object over a Codable default, refusing keys the default does not have.
public enum ConfigMerge {
    public static func merge<T: Codable>(_ base: T, overlay: JSONValue, file: String) throws -> T {
        let encoder = JSONEncoder()
        let baseJSON: JSONValue
        do { baseJSON = try JSONValue.parse(bytes: Array(try encoder.encode(base))) } catch {
            throw ConfigError(file: file, path: "", message: "cannot encode defaults: \(error)")
        }
        let merged = try overlayValue(baseJSON, overlay, path: "", file: file)
        do {
            return try JSONDecoder().decode(T.self, from: Data(merged.serializedBytes()))
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ConfigError(file: file, path: pathString(ctx.codingPath), message: "wrong type: \(ctx.debugDescription)")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw ConfigError(file: file, path: pathString(ctx.codingPath), message: ctx.debugDescription)
        } catch {
            throw ConfigError(file: file, path: "", message: "\(error)")
        }
    }

    static func pathString(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    static func overlayValue(_ base: JSONValue, _ over: JSONValue, path: String, file: String) throws -> JSONValue {
        guard case .object(var b) = base else { return over }
        guard case .object(let o) = over else {
            throw ConfigError(file: file, path: path, message: "expected an object, got \(over.typeName)")
        }
        for (key, value) in o {
            let sub = path.isEmpty ? key : "\(path).\(key)"
            if let existing = b[key] {
                b[key] = try overlayValue(existing, value, path: sub, file: file)
            } else if optionalKeys.contains(sub) {
                b[key] = value
            } else {
                throw ConfigError(file: file, path: sub, message: "unknown key")
            }
        }
        return .object(b)
    }

    /// Optional keys that the encoder omits when nil and a file may still set.
    static let optionalKeys: Set<String> = [
        "worldOverrides.maxSpeed", "worldOverrides.reachRadius", "worldOverrides.claimRadius",
        "worldOverrides.gameTimeRatio", "worldOverrides.minReportInterval",
    ]
}
