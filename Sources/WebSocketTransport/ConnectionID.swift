/// Identifies one WebSocket connection for the life of a server; never reused, so a late
/// `send` to a closed connection is dropped instead of reaching a newer one.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { "conn#\(rawValue)" }
}
