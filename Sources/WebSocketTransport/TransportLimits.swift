/// Per-connection and per-server limits the transport enforces before any message reaches
/// the delegate, so a misbehaving client costs bounded memory and CPU.
public struct TransportLimits: Sendable, Codable, Equatable {
    /// A message (all fragments together) larger than this closes the connection with 1009.
    public var maxMessageBytes = 65_536
    /// A binary message larger than this closes with 1009; 0 refuses binary frames (1003).
    /// The AI runners' tensor frames need it; game clients never send binary.
    public var maxBinaryMessageBytes = 0
    /// Messages queued for one slow reader; overflow drops the queue and closes with 1008.
    public var maxOutboundQueue = 1_024
    /// Open WebSocket connections; above it upgrades get HTTP 503 (or close 1013).
    public var maxConnections = 10_000
    /// No pong for this long closes the connection (lws validity hang-up).
    public var idleTimeoutSeconds = 120
    /// Silence after which the server pings the client.
    public var pingIntervalSeconds = 30
    /// Token-bucket refill rate per connection.
    public var requestsPerSecond = 50.0
    /// Token-bucket size per connection.
    public var burst = 100.0
    /// Rate-limited messages within `abuseWindowSeconds` that close the connection with 1008.
    public var abuseThreshold = 200
    public var abuseWindowSeconds = 10.0

    public init() {}
}
