import Foundation
import Logging
import RPC
import Synchronization
import WebSocketTransport

/// Carries frames from the transport's service thread to the game: each connection's in the
/// order it sent them, different connections independently.
///
/// The service thread must never wait, so the delegate only yields into an unbounded
/// stream (the transport's rate limit and message cap bound what can pile up). One task reads
/// the stream and files each event into its connection's lane; a lane with work has one task
/// draining it into the actor, so a connection waiting for a quest to be generated holds up
/// only its own later frames (position reports rely on that order), never another player's.
final class RequestPump: WebSocketServerDelegate {
    enum Event: Sendable {
        case opened(ConnectionID, String)
        case closed(ConnectionID)
        case message(ConnectionID, String, rateLimited: Bool)
        /// A binary message: an AI runner's tensor frame.
        case binary(ConnectionID, [UInt8], rateLimited: Bool)

        var connection: ConnectionID {
            switch self {
            case .opened(let id, _), .closed(let id), .message(let id, _, _), .binary(let id, _, _): id
            }
        }
    }

    struct Stats: Sendable {
        var inFlight = 0
        /// False until start-up (state, model, training) has finished.
        var ready = false
        var draining = false
        var connections = 0
        var served = 0
    }

    let stream: AsyncStream<Event>
    let continuation: AsyncStream<Event>.Continuation
    let stats = Mutex(Stats())
    let startedAt = Date()

    /// What HTTP is answered from once start-up has finished: the drops' metadata and art
    /// (GET /nft/…, on the transport thread) and the database's health for /healthz.
    private struct Serving: Sendable {
        var artwork: NFTArtworkStore?
        var storage: StorageHealth?
    }

    private let serving = Mutex(Serving())

    /// The pump exists, and the port listens, before the game does: the model's load can take
    /// seconds, and a closed port would tell a load balancer nothing. Events that arrive
    /// meanwhile wait in the stream until ``run(game:outbound:)`` starts.
    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// Until start-up has finished GET /nft/… is 503 "starting": the drops are not loaded yet,
    /// and a 404 would say that the NFT does not exist.
    func httpResponse(path: String) -> HTTPResponse? {
        if path.hasPrefix("/nft/"), !stats.withLock({ $0.ready }) { return healthResponse() }
        return serving.withLock { $0.artwork }?.response(path: path)
    }

    func connectionOpened(_ id: ConnectionID, remoteAddress: String) {
        stats.withLock { $0.connections += 1 }
        continuation.yield(.opened(id, remoteAddress))
    }

    func connectionClosed(_ id: ConnectionID) {
        stats.withLock { $0.connections -= 1 }
        continuation.yield(.closed(id))
    }

    func received(_ id: ConnectionID, text: String, rateLimited: Bool) {
        stats.withLock { $0.inFlight += 1 }
        continuation.yield(.message(id, text, rateLimited: rateLimited))
    }

    func received(_ id: ConnectionID, binary: [UInt8], rateLimited: Bool) {
        stats.withLock { $0.inFlight += 1 }
        continuation.yield(.binary(id, binary, rateLimited: rateLimited))
    }

    func healthStatus() -> String { health().body }

    /// 200 only when the node can serve: 503 with the reason while starting, while draining, and
    /// while the database cannot write, so a load balancer takes it out.
    func healthResponse() -> HTTPResponse {
        let h = health()
        return HTTPResponse(status: h.status, contentType: "application/json", body: Array(h.body.utf8))
    }

    private func health() -> (status: Int32, body: String) {
        let s = stats.withLock { $0 }
        let storageProblem = serving.withLock { $0.storage }?.currentProblem
        let status: String
        var reason: String?
        if s.draining {
            status = "draining"
            reason = "the server is shutting down"
        } else if !s.ready {
            status = "starting"
            reason = "start-up has not finished"
        } else if let storageProblem {
            status = "unavailable"
            reason = storageProblem
        } else {
            status = "ok"
        }
        var fields: [String: JSONValue] = [
            "status": .string(status),
            "version": .string(PurrVersion.current),
            "connections": .int(Int64(s.connections)),
            "inFlight": .int(Int64(s.inFlight)),
            "served": .int(Int64(s.served)),
            "uptimeSeconds": .int(Int64(Date().timeIntervalSince(startedAt))),
        ]
        if let reason { fields["reason"] = .string(reason) }
        return (status == "ok" ? 200 : 503, JSONValue.object(fields).serialized())
    }

    /// Start-up has finished: HTTP is answered from the game's drops and storage health now.
    func markReady(artwork: NFTArtworkStore? = nil, storage: StorageHealth? = nil) {
        serving.withLock { $0 = Serving(artwork: artwork, storage: storage) }
        stats.withLock { $0.ready = true }
    }

    /// Events of one connection waiting for its drain task.
    private struct Lane {
        var events: [Event] = []
        var draining = false
    }

    private let lanes = Mutex([ConnectionID: Lane]())

    /// Runs until the stream finishes: every event into its connection's lane.
    func run(game: GameService, outbound: any Outbound) async {
        await withDiscardingTaskGroup { group in
            for await event in stream {
                let id = event.connection
                let start = lanes.withLock { lanes -> Bool in
                    lanes[id, default: Lane()].events.append(event)
                    guard lanes[id]?.draining == false else { return false }
                    lanes[id]?.draining = true
                    return true
                }
                if start {
                    group.addTask { await self.drain(id, game: game, outbound: outbound) }
                }
            }
        }
    }

    /// Runs one connection's events in order until its lane is empty.
    private func drain(_ id: ConnectionID, game: GameService, outbound: any Outbound) async {
        while true {
            let next = lanes.withLock { lanes -> Event? in
                guard var lane = lanes[id], !lane.events.isEmpty else {
                    lanes[id] = nil
                    return nil
                }
                let event = lane.events.removeFirst()
                lanes[id] = lane
                return event
            }
            guard let event = next else { return }
            switch event {
            case .opened(let id, let remote):
                await game.connectionOpened(id, remoteAddress: remote)
            case .closed(let id):
                await game.connectionClosed(id)
            case .message(let id, let text, let rateLimited):
                if let response = await game.handle(id, text: text, rateLimited: rateLimited) {
                    outbound.send(id, text: response)
                }
                stats.withLock { $0.inFlight -= 1; $0.served += 1 }
            case .binary(let id, let bytes, let rateLimited):
                if let response = await game.handle(id, binary: bytes, rateLimited: rateLimited) {
                    outbound.send(id, text: response)
                }
                stats.withLock { $0.inFlight -= 1; $0.served += 1 }
            }
        }
    }

    var inFlight: Int { stats.withLock { $0.inFlight } }

    func markDraining() { stats.withLock { $0.draining = true } }

    func finish() { continuation.finish() }
}
