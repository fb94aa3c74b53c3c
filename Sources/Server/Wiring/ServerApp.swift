import Foundation
import GRDB
import Ledger
import Logging
import NFTArt
import NeuralCore
import QuestModel
import QuestTruth
import Quests
import WebSocketTransport
import World

/// Why the server did not start: a sentence naming the file, key or port that is wrong.
public struct StartupError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The running server: database, world, game, transport and timers, started and stopped together.
///
/// ```swift
/// let app = try await ServerApp.start(config: config, logger: logger)
/// print(app.port)
/// await app.shutdown()
/// ```
public final class ServerApp: Sendable {
    public let game: GameService
    public let transport: WebSocketServer
    public let db: any DatabaseWriter
    public let world: World
    let pump: RequestPump
    let config: ServerConfig
    let logger: Logger
    let tasks: [Task<Void, Never>]

    init(game: GameService, transport: WebSocketServer, db: any DatabaseWriter, world: World, pump: RequestPump,
         config: ServerConfig, logger: Logger, tasks: [Task<Void, Never>]) {
        self.game = game
        self.transport = transport
        self.db = db
        self.world = world
        self.pump = pump
        self.config = config
        self.logger = logger
        self.tasks = tasks
    }

    /// The settings the rules run with (speed, radii, game clock, weather period) as a
    /// `world.settings` leaf, at genesis and whenever they changed since the last one: an auditor
    /// replays each event under the settings then in force, with no config file of its own.
    static func recordWorldSettings(_ db: any DatabaseWriter, _ settings: WorldSettings, at: Date) throws {
        try db.write { db in
            let last = try String.fetchOne(db, sql: "SELECT payload FROM ledger_events WHERE kind = 'world.settings' ORDER BY seq DESC LIMIT 1")
            let current = try LedgerStore.canonicalJSON(WorldSettingsEvent(settings: settings))
            guard last != current else { return }
            try LedgerStore.appendEvent(db, kind: WorldSettingsEvent.kind, payload: WorldSettingsEvent(settings: settings), at: at)
        }
    }

    /// A log key that exists has signed a log: a missing or empty database beside it would
    /// silently start a new genesis, a second log under the same key.
    static func refuseNewGenesis(databasePath: String, keyFile: String) throws {
        guard FileManager.default.fileExists(atPath: keyFile) else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: databasePath)[.size] as? Int) ?? nil
        guard size == nil || size == 0 else { return }
        let what = size == nil ? "is missing" : "is empty (0 bytes)"
        throw StartupError(message: "the database \(databasePath) \(what) but the log key \(keyFile) exists: this server has "
            + "signed a transparency log before, and starting would begin a new one under the same key (a fork). "
            + "Restore the database, or move the key and its head file away to start a new log on purpose.")
    }

    /// The port the server listens on (the real one when the config said 0).
    public var port: Int { transport.boundPort }

    /// Loads the world, opens the database, starts listening (`/healthz` answers 503 "starting"
    /// until start-up has finished), loads the quest model, and expires overdue quests.
    /// - Throws: ``StartupError`` for a bad map, a database that cannot open, a taken port or
    ///   a missing model; the port is closed again before it throws.
    public static func start(config: ServerConfig, logger: Logger,
                             generator: (any QuestGenerator)? = nil,
                             now: @escaping @Sendable () -> Date = { Date() }) async throws -> ServerApp {
        try await start(config: config, logger: logger, now: now) { world, _ in
            try generator ?? makeGenerator(config, world: world, logger: logger)
        }
    }

    /// ``start(config:logger:generator:now:)`` with the quest generator made by `loadGenerator`,
    /// which runs once the port listens (it is passed the port) and before the game exists.
    static func start(config: ServerConfig, logger: Logger, now: @escaping @Sendable () -> Date,
                      loadGenerator: (World, _ listeningPort: Int) async throws -> any QuestGenerator) async throws -> ServerApp {
        let world = try loadWorld(config)
        let path = config.storage.databasePath.isEmpty ? nil : config.storage.databasePath
        let keyFile = path == nil ? nil : config.log.keyFile
        let headFile = keyFile.map { config.log.headFile.isEmpty ? EventLog.defaultHeadFile(forKey: $0) : config.log.headFile }
        if let path, let keyFile {
            try refuseNewGenesis(databasePath: path, keyFile: keyFile)
        }
        let db: any DatabaseWriter
        do {
            db = try GameDatabase.open(path: path, ledger: config.ledger, at: now(), synchronous: config.storage.synchronous,
                                   check: config.storage.startupCheck)
        } catch {
            throw StartupError(message: "cannot open database \(path ?? ":memory:"): \(error)")
        }
        var limits = config.transport
        if config.training.enabled, limits.maxBinaryMessageBytes == 0 {
            // Runners' update frames: the shipped model's fp32 delta is 7.9 MB.
            limits.maxBinaryMessageBytes = 64 << 20
        }
        var training: TrainingCoordinator?
        if config.training.enabled {
            training = try TrainingCoordinator(settings: config.training, root: URL(fileURLWithPath: config.world.root),
                                               modelPath: config.model.path, db: db, logger: logger, now: now)
        }
        var served = config
        served.transport = limits
        let transport = WebSocketServer(host: config.network.host, port: config.network.port, path: "/v1",
                                        limits: limits, logger: logger)
        let log: EventLog
        do {
            let (key, created) = try EventLog.loadKey(path: keyFile)
            if created, path != nil {
                logger.notice("created a new transparency-log key; publish its public key", metadata: [
                    "file": "\(config.log.keyFile)", "publicKey": "\(key.publicKeyHex)"])
            }
            log = try EventLog(key: key, db: db, headFile: headFile)
        } catch {
            throw StartupError(message: "transparency log: \(error)")
        }
        var catalog: NFTPartsCatalog?
        if config.nft.enabled {
            do { catalog = try NFTPartsCatalog.loadDefault(root: URL(fileURLWithPath: config.world.root)) } catch {
                throw StartupError(message: "NFT parts: \(error.description)")
            }
        }
        // Listen before the model loads (seconds for the shipped one): meanwhile /healthz is 503
        // "starting", where a closed port would look like a process that is not there at all.
        let pump = RequestPump()
        do {
            try transport.start(delegate: pump)
        } catch {
            throw StartupError(message: "cannot listen on \(config.network.host):\(config.network.port): \(error)")
        }
        let game: GameService
        do {
            let chosen = try await loadGenerator(world, transport.boundPort)
            do {
                game = try GameService(db: db, world: world, generator: chosen, log: log, config: served, outbound: transport,
                                       logger: logger, nftCatalog: catalog, training: training, now: now)
            } catch {
                throw StartupError(message: "antiCheat: \(error)")
            }
            do {
                try recordWorldSettings(db, world.settings, at: now())
                try await game.loadActiveQuests()
                try await game.expireDue()
                try await game.loadNFTs()
                if let training {
                    await training.setNotifier { [weak game] account, method, params in
                        guard let game else { return }
                        Task { await game.notify(account, method, params) }
                    }
                    try await training.resume()
                }
            } catch {
                throw StartupError(message: "cannot load the game's state from \(path ?? ":memory:"): \(error)")
            }
        } catch {
            // Nothing may answer for a server that did not start.
            transport.shutdown(drainTimeout: 0)
            throw error
        }
        let pumpTask = Task { await pump.run(game: game, outbound: transport) }
        let sweep = config.game.expirySweepSeconds
        let sweepTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(sweep))
                if Task.isCancelled { break }
                do { try await game.expireDue() } catch {
                    logger.error("quest expiry sweep failed", metadata: ["error": "\(error)"])
                }
            }
        }
        let spawnInterval = config.nft.spawnEverySeconds
        let spawnTask = Task {
            while !Task.isCancelled && config.nft.enabled {
                do { try await game.spawnNFTs() } catch {
                    logger.error("NFT spawn failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: .seconds(spawnInterval))
            }
        }
        let headInterval = config.log.headIntervalSeconds
        let headTask = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(headInterval))
                if Task.isCancelled { break }
                do { try await game.signTreeHead() } catch {
                    logger.error("signing a tree head failed", metadata: ["error": "\(error)"])
                }
            }
        }
        let storageHealth = game.storageHealth
        let probeInterval = config.storage.healthProbeSeconds
        let retryInterval = config.storage.healthRetrySeconds
        // The first probe before serving: /healthz is right from its first answer.
        storageHealth.probe(db, now: now())
        let probeTask = Task.detached {
            // Off the cooperative pool: a write on a failing disk can block.
            // Every probeInterval while healthy; every retryInterval while a write has failed (a
            // request's failed commit included), so the node is back soon after the disk is.
            let clock = ContinuousClock()
            var last = clock.now
            while !Task.isCancelled {
                let due = storageHealth.currentProblem != nil ? retryInterval : probeInterval
                if clock.now - last >= .seconds(due) {
                    storageHealth.probe(db, now: now())
                    last = clock.now
                }
                try? await Task.sleep(for: .seconds(min(probeInterval, retryInterval, 1)))
            }
        }
        let trainingTask = Task {
            while !Task.isCancelled, let training {
                await training.tick()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        pump.markReady(artwork: game.nftArtwork, storage: storageHealth)
        logger.info("PurrQuest listening", metadata: [
            "url": "ws://\(config.network.host):\(transport.boundPort)/v1", "world": "\(world.name)",
            "database": "\(path ?? ":memory:")", "dev": "\(config.dev)",
        ])
        return ServerApp(game: game, transport: transport, db: db, world: world, pump: pump, config: config,
                         logger: logger, tasks: [pumpTask, sweepTask, headTask, spawnTask, trainingTask, probeTask])
    }

    /// The configured quest generator; the trained model is loaded and checked here, so a
    /// missing or corrupt model stops start-up with the file named.
    static func makeGenerator(_ config: ServerConfig, world: World, logger: Logger) throws -> any QuestGenerator {
        let m = config.model
        switch m.generator {
        case "grammar":
            return GrammarQuestGenerator()
        case "model":
            guard let weights = InferenceSession.WeightFormat(rawValue: m.weights) else {
                throw StartupError(message: "model.weights must be int8 or fp32, not \(m.weights)")
            }
            let path = m.path.hasPrefix("/") ? m.path : URL(fileURLWithPath: config.world.root).appendingPathComponent(m.path).path
            do {
                let runtime = try QuestModelRuntime.load(
                    directory: path, world: world, streams: max(1, m.streams), weights: weights,
                    sampling: SamplingParameters(temperature: m.temperature, topP: m.topP))
                logger.info("quest model loaded", metadata: ["path": "\(path)", "shape": "\(runtime.session.config)"])
                // Never hand out a quest whose text says something else than its contract.
                return TruthfulGenerator(primary: QuestModelService(runtime), fallback: GrammarQuestGenerator(),
                                         retries: m.truthRetries, dictionary: corpusDictionary(config),
                                         recentTitles: TitleMemory()) { refusal in
                    logger.notice("quest text refused", metadata: [
                        "attempt": "\(refusal.attempt)", "region": "\(refusal.request.region ?? "any")",
                        "scope": "\(refusal.request.scope.rawValue)", "why": "\(refusal.report)"])
                }
            } catch {
                throw StartupError(message: "model: \(error.description)")
            }
        default:
            throw StartupError(message: "model.generator must be \"model\" or \"grammar\", not \"\(m.generator)\"")
        }
    }

    /// The words of the quest corpus beside the world (`quests/` under `world.root`), which
    /// the truth checker holds model quests to; nil when the corpus is not deployed.
    static func corpusDictionary(_ config: ServerConfig) -> Set<String>? {
        let directory = URL(fileURLWithPath: config.world.root).appendingPathComponent("quests")
        guard let (train, heldOut) = try? QuestCorpus.load(directory: directory) else { return nil }
        return QuestTruthChecker.dictionary(from: QuestCorpus.proseAsRead(of: train + heldOut))
    }

    static func loadWorld(_ config: ServerConfig) throws -> World {
        let root = URL(fileURLWithPath: config.world.root)
        let base: World
        do {
            base = try World.load(mapFile: root.appendingPathComponent(config.world.mapFile),
                                  itemsFile: root.appendingPathComponent(config.world.itemsFile))
        } catch {
            throw StartupError(message: "world: \(error.description)")
        }
        let o = config.worldOverrides
        guard o != ServerConfig.WorldOverrides() else { return base }
        var s = base.settings
        if let v = o.maxSpeed { s.maxSpeed = v }
        if let v = o.reachRadius { s.reachRadius = v }
        if let v = o.claimRadius { s.claimRadius = v }
        if let v = o.gameTimeRatio { s.gameTimeRatio = v }
        if let v = o.minReportInterval { s.minReportInterval = v }
        do {
            return try World(name: base.name, seed: base.seed, bounds: base.bounds, settings: s, regions: base.regions,
                             pointsOfInterest: base.pointsOfInterest, items: base.items, source: "config worldOverrides")
        } catch {
            throw StartupError(message: "worldOverrides: \(error.description)")
        }
    }

    /// Graceful stop: refuse new requests, let in-flight ones finish, flush and close every
    /// connection (1001), stop the timers, then checkpoint and close the database.
    public func shutdown() async {
        logger.info("shutting down: draining in-flight requests")
        pump.markDraining()
        await game.beginDraining()
        let deadline = Date().addingTimeInterval(config.network.drainTimeoutSeconds)
        while pump.inFlight > 0 && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        transport.shutdown(drainTimeout: max(0.5, deadline.timeIntervalSinceNow))
        pump.finish()
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        await game.persistAllPositions()
        do { try await game.signTreeHead() } catch {
            logger.error("signing the final tree head failed", metadata: ["error": "\(error)"])
        }
        do {
            if let pool = db as? DatabasePool {
                _ = try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                try pool.close()
            } else if let queue = db as? DatabaseQueue {
                try queue.close()
            }
        } catch {
            logger.error("closing the database failed", metadata: ["error": "\(error)"])
        }
        logger.info("stopped")
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully. Pass a watcher made before
    /// start-up so that a signal sent while the server was starting is not lost.
    public func runUntilSignalled(_ watcher: SignalWatcher = SignalWatcher()) async {
        let sig = await watcher.next()
        logger.info("received signal \(sig)")
        await shutdown()
    }
}

/// Turns SIGINT and SIGTERM into an async value. Made as early as possible (before start-up),
/// so a process manager's stop during a slow start-up still stops the server once it is up.
///
/// A plain `sigaction` handler writes the signal number to a pipe (async-signal-safe) and a
/// thread reads it: the handler replaces the default action in one step, so no signal falls
/// into a gap. (Dispatch signal sources on Linux lost SIGTERMs sent right after start-up.)
public final class SignalWatcher: Sendable {
    private let signals: AsyncStream<Int32>

    public init() {
        let (signals, cont) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(4))
        self.signals = signals
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        signalPipeFD = fds[1]
        let readEnd = fds[0]
        let reader = Thread {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == 1 { cont.yield(Int32(byte)) }
        }
        reader.name = "purr-signals"
        reader.start()
        for sig in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                var byte = UInt8(truncatingIfNeeded: sig)
                _ = write(signalPipeFD, &byte, 1)
            }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(sig, &action, nil)
        }
    }

    /// The first signal received (at once if one already came).
    public func next() async -> Int32 {
        for await sig in signals { return sig }
        return SIGTERM
    }
}

/// The pipe's write end, read by the signal handler (which can capture nothing). Written once,
/// before the handler is installed.
nonisolated(unsafe) private var signalPipeFD: Int32 = -1
