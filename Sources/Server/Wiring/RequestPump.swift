import Foundation
import Logging
import RPC
import Synchronization
import WebSocketTransport

/// Carries frames from the transport's service thread to the game, in arrival order.
///
/// The service thread must never wait, so the delegate only yields into an unbounded
/// stream (the transport's rate limit and message cap bound what can pile up); one task
/// drains it into the actor and sends each response back. One consumer keeps every
/// connection's requests in the order they were sent, which position reports rely on.
final class RequestPump: WebSocketServerDelegate {
    enum Event: Sendable {
        case opened(ConnectionID, String)
        case closed(ConnectionID)
        case message(ConnectionID, String, rateLimited: Bool)
    }

    struct Stats: Sendable {
        var inFlight = 0
        var draining = false
        var connections = 0
        var served = 0
    }

    let stream: AsyncStream<Event>
    let continuation: AsyncStream<Event>.Continuation
    let stats = Mutex(Stats())
    let startedAt = Date()

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Event.self)
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

    func healthStatus() -> String {
        let s = stats.withLock { $0 }
        let body: JSONValue = [
            "status": .string(s.draining ? "draining" : "ok"),
            "version": .string(PurrVersion.current),
            "connections": .int(Int64(s.connections)),
            "inFlight": .int(Int64(s.inFlight)),
            "served": .int(Int64(s.served)),
            "uptimeSeconds": .int(Int64(Date().timeIntervalSince(startedAt))),
        ]
        return body.serialized()
    }

    /// Runs until the stream finishes: every event in order into the game, responses out.
    func run(game: GameService, outbound: any Outbound) async {
        for await event in stream {
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
            }
        }
    }

    var inFlight: Int { stats.withLock { $0.inFlight } }

    func markDraining() { stats.withLock { $0.draining = true } }

    func finish() { continuation.finish() }
}
