/// Receives connection events from a ``WebSocketServer``.
///
/// Every method runs on the server's service thread, which also carries all socket I/O:
/// return quickly and hand slow work to another thread or task.
public protocol WebSocketServerDelegate: AnyObject, Sendable {
    /// A WebSocket handshake on the endpoint path completed.
    func connectionOpened(_ id: ConnectionID, remoteAddress: String)
    /// The connection is gone; later `send`s to `id` are dropped.
    func connectionClosed(_ id: ConnectionID)
    /// A complete text message (fragments reassembled). `rateLimited` is true when the token
    /// bucket was empty: the delegate answers with its own "rate limited" error.
    func received(_ id: ConnectionID, text: String, rateLimited: Bool)
    /// Body for GET /healthz (JSON string).
    func healthStatus() -> String
}
