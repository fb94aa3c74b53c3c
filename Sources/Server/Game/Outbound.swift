import WebSocketTransport

/// Where the game sends text to clients. The WebSocket transport in production; a recorder in tests.
public protocol Outbound: Sendable {
    func send(_ id: ConnectionID, text: String)
    /// A binary message: a tensor frame for an AI runner (docs/wire-format.md).
    func send(_ id: ConnectionID, binary: [UInt8])
    func close(_ id: ConnectionID, code: UInt16, reason: String)
}

extension WebSocketServer: Outbound {}
