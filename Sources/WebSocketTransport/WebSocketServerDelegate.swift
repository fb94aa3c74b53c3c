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
    /// A complete binary message; arrives only when `maxBinaryMessageBytes` > 0.
    func received(_ id: ConnectionID, binary: [UInt8], rateLimited: Bool)
    /// Body for GET /healthz (JSON string).
    func healthStatus() -> String
    /// The whole GET /healthz answer; by default 200 with `healthStatus()`. A delegate answers
    /// 503 when the node should be taken out of a load balancer.
    func healthResponse() -> HTTPResponse
    /// The answer to a plain HTTP GET of any other path, or nil for 404. Runs on the service
    /// thread: serve from memory, never wait.
    func httpResponse(path: String) -> HTTPResponse?
}

extension WebSocketServerDelegate {
    public func healthResponse() -> HTTPResponse {
        HTTPResponse(contentType: "application/json", body: Array(healthStatus().utf8))
    }
    public func httpResponse(path: String) -> HTTPResponse? { nil }
    /// Delegates that never enable binary frames need not implement it.
    public func received(_ id: ConnectionID, binary: [UInt8], rateLimited: Bool) {}
}

/// A small HTTP answer served on the WebSocket port (NFT metadata and art, for wallets).
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int32
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int32 = 200, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}
