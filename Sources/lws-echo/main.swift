// A bare echo server on WebSocketTransport: same limits and service thread as the game
// server, no JSON. `purr loadtest` runs against both to report the JSON-RPC layer's cost.
//
//   lws-echo --port 7351 [--host 127.0.0.1] [--unlimited]
//
// Defaults to the server's TransportLimits; it echoes even rate-limited messages, but the
// abuse rule still closes a connection that stays over the limit.

import Foundation
import Logging
import WebSocketTransport

/// Echoes each text message back on the service thread; `server` is set before `start`.
final class EchoDelegate: WebSocketServerDelegate {
    let server: WebSocketServer
    init(server: WebSocketServer) { self.server = server }
    func connectionOpened(_ id: ConnectionID, remoteAddress: String) {}
    func connectionClosed(_ id: ConnectionID) {}
    func received(_ id: ConnectionID, text: String, rateLimited: Bool) { server.send(id, text: text) }
    func healthStatus() -> String { #"{"status":"ok","connections":\#(server.connectionCount)}"# }
}

func option(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let index = args.firstIndex(of: name), index + 1 < args.count else { return nil }
    return args[index + 1]
}

LoggingSystem.bootstrap(StreamLogHandler.standardError)
let logger = Logger(label: "lws-echo")
guard let port = Int(option("--port") ?? "7351"), (0...65_535).contains(port) else {
    FileHandle.standardError.write(Data("usage: lws-echo --port P [--host H] [--unlimited]\n".utf8))
    exit(2)
}
var limits = TransportLimits()
if CommandLine.arguments.contains("--unlimited") {
    // For measuring raw throughput above the per-connection rate the game server allows.
    limits.requestsPerSecond = 1e9
    limits.burst = 1e9
}
let server = WebSocketServer(host: option("--host") ?? "127.0.0.1", port: port, limits: limits, logger: logger)
do {
    try server.start(delegate: EchoDelegate(server: server))
} catch {
    FileHandle.standardError.write(Data("lws-echo: \(error)\n".utf8))
    exit(1)
}
FileHandle.standardOutput.write(Data("lws-echo listening on ws://127.0.0.1:\(server.boundPort)/v1\n".utf8))
signal(SIGINT, SIG_IGN)
signal(SIGTERM, SIG_IGN)
let stopSources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .main) }
for source in stopSources {
    source.setEventHandler {
        server.shutdown(drainTimeout: 2)
        exit(0)
    }
    source.resume()
}
dispatchMain()
