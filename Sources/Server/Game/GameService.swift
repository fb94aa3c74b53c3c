import AntiCheat
import Foundation
import GRDB
import Ledger
import Logging
import NFTArt
import PurrCrypto
import QuestModel
import QuestTruth
import Quests
import RPC
import WebSocketTransport
import World

/// The game: sessions, wallets, quests and positions, behind the JSON-RPC API.
///
/// Concurrency: the actor owns every piece of mutable game state (connections, sessions,
/// last positions, quest progress caches). Requests reach it in the order each connection
/// sent them (see ``RequestPump``), and every change of PUR happens inside one
/// `db.write { }` transaction, so a request either fully happens or not at all.
public actor GameService {
    let db: any DatabaseWriter
    let world: World
    /// Quest generation, off this actor (see ``QuestGenerationQueue``).
    nonisolated let generation: QuestGenerationQueue
    /// The transparency log over the ledger's events.
    nonisolated let eventLog: EventLog
    let config: ServerConfig
    let outbound: any Outbound
    let logger: Logger
    let now: @Sendable () -> Date

    var connections: [ConnectionID: ConnectionState] = [:]
    var accountConnections: [AccountID: Set<ConnectionID>] = [:]
    /// Each account's last accepted report: the base of the next speed check.
    var positions: [AccountID: PositionReport] = [:]
    /// Each account's movement model (strikes, cool-down), loaded on first use.
    var movementModels: [AccountID: MovementModel] = [:]
    /// The map, movement limits and anti-cheat policy every report is judged by.
    let movementRules: MovementRules
    var quests = QuestCache()
    /// Set when shutdown begins: new requests get `unavailable`.
    var draining = false
    /// NFT drops on the map (available only) and each account's pending claims.
    var nftDrops: [String: NFTDrop] = [:]
    var nftPending: [AccountID: Set<String>] = [:]
    /// Places new drops; nil when the parts catalogue was not loaded (no spawning).
    nonisolated let nftSpawner: NFTSpawner?
    /// Writes each drop's name and lore: the model when it generates the quests, else templates.
    nonisolated let nftLore: NFTLoreSource
    /// A spawn is under way (its lore is being written off the actor).
    var spawning = false
    /// Metadata and art of the drops, for GET /nft/{id}.json|svg on the transport thread.
    nonisolated let nftArtwork: NFTArtworkStore
    /// What /healthz says of the database; every failed request reports to it.
    nonisolated let storageHealth = StorageHealth()
    /// Counters for /healthz and the logs.
    var requestsServed = 0
    /// The AI-runner coordinator; nil when training is off.
    nonisolated let training: TrainingCoordinator?

    public init(db: any DatabaseWriter, world: World, generator: any QuestGenerator, log: EventLog, config: ServerConfig,
                outbound: any Outbound, logger: Logger, nftCatalog: NFTPartsCatalog? = nil,
                training: TrainingCoordinator? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) throws(AntiCheatSettingsError) {
        eventLog = log
        self.training = training
        nftSpawner = nftCatalog.map { NFTSpawner(world: world, catalog: $0) }
        // The quest model writes the lore when it writes the quests.
        let model = (generator as? TruthfulGenerator)?.primary ?? generator
        nftLore = (model as? QuestModelService).map { .model($0) } ?? .template(NFTLoreWriter())
        nftArtwork = NFTArtworkStore(db: db)
        var movement = MovementSettings(world: world.settings)
        movement.toleranceFactor = config.game.speedTolerance
        movement.maxFutureSkewMillis = config.game.maxFutureSkewMillis
        movementRules = try MovementRules(world: world, movement: movement, settings: config.antiCheat)
        self.db = db
        self.world = world
        generation = QuestGenerationQueue(generator: generator)
        self.config = config
        self.outbound = outbound
        self.logger = logger
        self.now = now
    }

    var nowMillis: Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    // MARK: Connections

    public func connectionOpened(_ id: ConnectionID, remoteAddress: String) {
        connections[id] = ConnectionState(remoteAddress: remoteAddress, openedAt: now())
    }

    public func connectionClosed(_ id: ConnectionID) {
        guard let state = connections.removeValue(forKey: id) else { return }
        if let account = state.account {
            accountConnections[account]?.remove(id)
            if accountConnections[account]?.isEmpty == true {
                accountConnections[account] = nil
                persistPosition(account)
            }
        }
    }

    public func beginDraining() { draining = true }

    public var openConnections: Int { connections.count }
    public var signedInAccounts: Int { accountConnections.count }
    public var served: Int { requestsServed }

    // MARK: Requests

    /// Handles one text frame; returns the response text, or nil when nothing is to be sent
    /// (notifications, or a batch of notifications).
    ///
    /// Only `quest.request` suspends (while its quest is generated); the actor serves other
    /// connections meanwhile, and the caller keeps this connection's later frames waiting.
    public func handle(_ id: ConnectionID, text: String, rateLimited: Bool) async -> String? {
        switch RPCCodec.decode(text) {
        case .single(let item):
            return await process(id, item, rateLimited: rateLimited)?.serialized()
        case .batch(let items):
            var responses: [JSONValue] = []
            for item in items {
                if let response = await process(id, item, rateLimited: rateLimited) { responses.append(response) }
            }
            return responses.isEmpty ? nil : JSONValue.array(responses).serialized()
        }
    }

    func process(_ conn: ConnectionID, _ item: Result<RPCRequest, RPCErrorResponse>, rateLimited: Bool) async -> JSONValue? {
        let request: RPCRequest
        switch item {
        case .failure(let e): return RPCCodec.error(id: e.id, e.error)
        case .success(let r): request = r
        }
        requestsServed += 1
        do {
            try admit(rateLimited: rateLimited)
            let result = try await dispatch(conn, request)
            guard let id = request.id else { return nil }
            return RPCCodec.result(id: id, result)
        } catch {
            let answer = errorObject(error, request: request.method)
            guard let id = request.id else { return nil }
            return RPCCodec.error(id: id, answer)
        }
    }

    /// Refuses new work on a rate-limited connection or while shutting down.
    func admit(rateLimited: Bool) throws(RPCErrorObject) {
        if rateLimited {
            throw RPCErrorObject(.rateLimited, "rate limited: more than \(config.transport.requestsPerSecond) requests per second on this connection")
        }
        if draining { throw RPCErrorObject(.unavailable, "the server is shutting down; reconnect later") }
    }

    /// What a failed request answers: its own error, a ledger error's RPC form, or (logged, and
    /// hidden from the client) an internal error.
    func errorObject(_ error: any Error, request: String) -> RPCErrorObject {
        switch error {
        case let e as RPCErrorObject: return e
        case let e as LedgerError: return Self.rpcError(e)
        default:
            let storage = storageHealth.observe(error)
            logger.error("request failed", metadata: ["method": "\(request)", "error": "\(error)"])
            if storage {
                // A full or failing disk: the client may retry later (or on another node).
                return RPCErrorObject(.unavailable, "the server cannot store data right now; nothing was changed; try again later")
            }
            return RPCErrorObject(.internalError, "internal error; nothing was changed")
        }
    }

    func dispatch(_ conn: ConnectionID, _ r: RPCRequest) async throws -> JSONValue {
        switch r.method {
        case "rpc.discover": _ = try RPCParams(r.params, allowed: []); return discover()
        case "auth.challenge": return try authChallenge(conn, r.params)
        case "auth.login": return try authLogin(conn, r.params)
        case "auth.resume": return try authResume(conn, r.params)
        case "auth.logout": return try authLogout(conn, r.params)
        case "wallet.balance": return try walletBalance(conn, r.params)
        case "wallet.transfer": return try walletTransfer(conn, r.params)
        case "wallet.history": return try walletHistory(conn, r.params)
        case "wallet.faucet": return try walletFaucet(conn, r.params)
        case "world.info": return try worldInfo(r.params)
        case "quest.request": return try await questRequest(conn, r.params)
        case "quest.get": return try questGet(conn, r.params)
        case "quest.list": return try questList(conn, r.params)
        case "quest.accept": return try questAccept(conn, r.params)
        case "quest.abandon": return try questAbandon(conn, r.params)
        case "position.report": return try positionReport(conn, r.params)
        case "account.status": return try accountStatus(conn, r.params)
        case "nft.nearby": return try nftNearby(conn, r.params)
        case "nft.claim": return try nftClaim(conn, r.params)
        case "nft.transfer": return try nftTransfer(conn, r.params)
        case "nft.owned": return try nftOwned(conn, r.params)
        case "log.info": return try logInfo(r.params)
        case "log.head": return try logHead(r.params)
        case "log.entries": return try logEntries(r.params)
        case "log.proof.inclusion": return try logInclusionProof(r.params)
        case "log.proof.consistency": return try logConsistencyProof(r.params)
        case "train.info": return try await trainInfo(r.params)
        case "train.join": return try await trainJoin(conn, r.params)
        case "train.leave": return try await trainLeave(conn, r.params)
        case "train.status": return try await trainStatus(conn, r.params)
        case "train.assignment": return try await trainAssignment(conn, r.params)
        case "train.model": return try await trainModel(conn, r)
        case "train.commit": return try await trainCommit(conn, r.params)
        default:
            throw RPCErrorObject(.methodNotFound, "method not found: \(r.method)", field: "method")
        }
    }

    /// Every method name `dispatch` answers; a test compares it with the catalog and the docs.
    public static let dispatchedMethods: Set<String> = [
        "rpc.discover", "auth.challenge", "auth.login", "auth.resume", "auth.logout",
        "wallet.balance", "wallet.transfer", "wallet.history", "wallet.faucet", "world.info",
        "quest.request", "quest.get", "quest.list", "quest.accept", "quest.abandon", "position.report",
        "log.info", "log.head", "log.entries", "log.proof.inclusion", "log.proof.consistency",
        "nft.nearby", "nft.claim", "nft.transfer", "nft.owned", "account.status",
        "train.info", "train.join", "train.leave", "train.status", "train.assignment", "train.model",
        "train.commit",
    ]

    func discover() -> JSONValue {
        OpenRPCDocument.build(
            title: "PurrQuest", version: PurrVersion.current,
            serverURL: "ws://\(config.network.host):\(config.network.port)/v1", methods: MethodCatalog.methods)
    }

    /// The account signed in on `conn`, or `unauthenticated` / `session_expired`.
    func requireAccount(_ conn: ConnectionID) throws -> AccountID {
        guard let state = connections[conn], let account = state.account else {
            throw RPCErrorObject(.unauthenticated, "sign in first (auth.challenge then auth.login, or auth.resume)")
        }
        if let expiry = state.sessionExpiresAt, expiry <= now() {
            signOut(conn)
            throw RPCErrorObject(.sessionExpired, "session expired; sign in again")
        }
        return account
    }

    func signOut(_ conn: ConnectionID) {
        guard let account = connections[conn]?.account else { return }
        connections[conn]?.account = nil
        connections[conn]?.sessionHash = nil
        connections[conn]?.sessionExpiresAt = nil
        accountConnections[account]?.remove(conn)
        if accountConnections[account]?.isEmpty == true { accountConnections[account] = nil }
    }

    /// Sends a notification to every connection signed in as `account`.
    func notify(_ account: AccountID, _ method: String, _ params: JSONValue) {
        guard let conns = accountConnections[account], !conns.isEmpty else { return }
        let text = RPCCodec.notification(method, params).serialized()
        for c in conns { outbound.send(c, text: text) }
    }

    /// Sends a notification to every signed-in connection.
    func broadcast(_ method: String, _ params: JSONValue) {
        let text = RPCCodec.notification(method, params).serialized()
        for conns in accountConnections.values {
            for c in conns { outbound.send(c, text: text) }
        }
    }

    static func rpcError(_ e: LedgerError) -> RPCErrorObject {
        switch e {
        case .insufficientFunds:
            return RPCErrorObject(.insufficientFunds, e.message)
        case .idempotencyConflict:
            return RPCErrorObject(.idempotencyConflict, e.message, field: "idempotencyKey")
        case .unknownAccount:
            return RPCErrorObject(.notFound, e.message)
        case .duplicateReference:
            return RPCErrorObject(.conflict, e.message)
        default:
            return RPCErrorObject(.invalidParams, e.message)
        }
    }
}

/// The version reported by rpc.discover, /healthz and `purr --version`.
public enum PurrVersion {
    public static let current = "0.1.0"
}
