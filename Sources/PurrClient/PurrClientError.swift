import RPC

/// Why a client operation failed.
public enum PurrClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with a JSON-RPC error object.
    case rpc(RPCErrorObject)
    /// The connection closed before the answer came: the close code and reason
    /// (1006 with an empty reason when no close frame was received).
    case closed(code: UInt16, reason: String)
    /// No answer within the timeout given to the call.
    case timeout
    /// The WebSocket handshake failed; the text is libwebsockets' reason.
    case connectFailed(String)
    /// The URL is not `ws://HOST:PORT/PATH`.
    case invalidURL(String)
    /// The runtime was shut down (or its lws context could not be created).
    case runtimeStopped

    public var description: String {
        switch self {
        case .rpc(let error): return "server error \(error)"
        case .closed(let code, let reason): return "connection closed (\(code)\(reason.isEmpty ? "" : " \(reason)"))"
        case .timeout: return "timed out waiting for the server"
        case .connectFailed(let reason): return "could not connect: \(reason)"
        case .invalidURL(let url): return "invalid WebSocket URL \"\(url)\"; expected ws://HOST:PORT/PATH"
        case .runtimeStopped: return "the client runtime is shut down; create a new ClientRuntime"
        }
    }
}
