import WebSocketTransport

/// Where the game sends text to clients. The WebSocket transport in production; a recorder in tests.
public protocol Outbound: Sendable {
    func send(_ id: ConnectionID, text: String)
    func close(_ id: ConnectionID, code: UInt16, reason: String)
}

extension WebSocketServer: Outbound {}
