/// Why a server could not start.
public enum WebSocketServerError: Error, Equatable, CustomStringConvertible {
    case alreadyStarted
    /// Another process (or server) already listens on the port.
    case portInUse(host: String, port: Int)
    /// libwebsockets refused to create the listener; its log line says why.
    case listenFailed(host: String, port: Int)

    public var description: String {
        switch self {
        case .alreadyStarted:
            return "the WebSocket server was already started; create a new WebSocketServer to start again"
        case .portInUse(let host, let port):
            return "port \(port) on \(host) is already in use; stop the other listener or choose another port (0 picks a free one)"
        case .listenFailed(let host, let port):
            return "could not listen on \(host):\(port); check that the address belongs to this machine"
        }
    }
}
