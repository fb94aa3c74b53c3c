import Foundation
import Logging
import Synchronization
@testable import WebSocketTransport

/// A delegate that echoes text (prefixing "limited:" when rate-limited) and records events.
final class EchoDelegate: WebSocketServerDelegate {
    private let server: Mutex<WebSocketServer?> = Mutex(nil)
    let opened = Mutex<[ConnectionID]>([])
    let closed = Mutex<[ConnectionID]>([])
    /// Replies "flood" with this many messages at once, to overrun the outbound queue.
    let floodCount: Int

    init(floodCount: Int = 0) { self.floodCount = floodCount }

    func attach(_ server: WebSocketServer) { self.server.withLock { $0 = server } }

    func connectionOpened(_ id: ConnectionID, remoteAddress: String) { opened.withLock { $0.append(id) } }
    func connectionClosed(_ id: ConnectionID) { closed.withLock { $0.append(id) } }
    func received(_ id: ConnectionID, text: String, rateLimited: Bool) {
        guard let server = server.withLock({ $0 }) else { return }
        if text == "flood" {
            for n in 0..<floodCount { server.send(id, text: "flood \(n)") }
            return
        }
        server.send(id, text: rateLimited ? "limited:\(text)" : text)
    }
    /// Sizes of the binary messages received, in order.
    let binarySizes = Mutex<[Int]>([])
    func received(_ id: ConnectionID, binary: [UInt8], rateLimited: Bool) {
        binarySizes.withLock { $0.append(binary.count) }
        server.withLock { $0 }?.send(id, binary: binary.reversed())
    }
    func healthStatus() -> String { #"{"status":"ok"}"# }
}

/// Starts an echo server on an ephemeral port.
func startEchoServer(limits: TransportLimits = TransportLimits(), floodCount: Int = 0) throws -> (WebSocketServer, EchoDelegate) {
    let server = WebSocketServer(host: "127.0.0.1", port: 0, limits: limits, logger: Logger(label: "test"))
    let delegate = EchoDelegate(floodCount: floodCount)
    delegate.attach(server)
    try server.start(delegate: delegate)
    return (server, delegate)
}

extension WebSocketServer {
    var url: String { "ws://127.0.0.1:\(boundPort)/v1" }
}

/// Polls `condition` for up to `timeout` seconds.
func eventually(timeout: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
