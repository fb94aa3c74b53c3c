/// The parts of a `ws://` URL that lws's client connect needs.
struct WebSocketURL: Sendable, Equatable {
    var host: String
    var port: Int
    var path: String

    /// Parses `ws://HOST[:PORT][/PATH]`; `[v6]` literals are accepted. TLS (`wss://`) is not
    /// configured in the client runtime, so it is refused here rather than failing later.
    init(_ text: String) throws(PurrClientError) {
        let scheme = "ws://"
        guard text.hasPrefix(scheme) else { throw .invalidURL(text) }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        var host = Substring(authority)
        var port = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(text) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let tail = authority[authority.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":"), let p = Int(tail.dropFirst()) else { throw .invalidURL(text) }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let p = Int(authority[authority.index(after: colon)...]) else { throw .invalidURL(text) }
            port = p
        }
        guard !host.isEmpty, (1...65_535).contains(port) else { throw .invalidURL(text) }
        self.host = String(host)
        self.port = port
        self.path = path.isEmpty ? "/" : String(path)
    }
}
