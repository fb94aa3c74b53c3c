import Foundation
import Logging
import PurrClient
import PurrCrypto
import RPC
import Synchronization
import WebSocketTransport

/// A tiny JSON-RPC server on the real transport, with methods that exercise the client:
/// `echo` (result = params), `fail` (error -32004), `slow` (answers after params.ms),
/// `silent` (never answers), `notifyMe` (two notifications, then the result),
/// `kick` (closes 4000 "bye"), `auth.challenge` / `auth.login` (checks the Ed25519 signature).
final class FakeRPCServer: WebSocketServerDelegate {
    let server: WebSocketServer
    let closedCount = Atomic<Int>(0)
    private let nonce = "0123abcd"

    init() throws {
        server = WebSocketServer(host: "127.0.0.1", port: 0, limits: TransportLimits(), logger: Logger(label: "fake-rpc"))
        try server.start(delegate: self)
    }

    var url: String { "ws://127.0.0.1:\(server.boundPort)/v1" }

    func stop() { server.shutdown(drainTimeout: 1) }

    func connectionOpened(_ id: ConnectionID, remoteAddress: String) {}
    func connectionClosed(_ id: ConnectionID) { closedCount.add(1, ordering: .relaxed) }
    func healthStatus() -> String { "{}" }

    func received(_ id: ConnectionID, text: String, rateLimited: Bool) {
        guard let message = try? JSONValue.parse(text) else {
            let error = RPCErrorObject(.parseError, "not JSON")
            server.send(id, text: JSONValue.object(["jsonrpc": "2.0", "id": .null, "error": error.json]).serialized())
            return
        }
        if case .array(let items) = message {
            let answers = items.compactMap { answer(id, $0) }
            server.send(id, text: JSONValue.array(answers).serialized())
            return
        }
        if let reply = answer(id, message) { server.send(id, text: reply.serialized()) }
    }

    /// The response to one request, or nil when it is answered later or never.
    private func answer(_ connection: ConnectionID, _ request: JSONValue) -> JSONValue? {
        let requestID = request["id"] ?? .null
        let params = request["params"] ?? .null
        func result(_ value: JSONValue) -> JSONValue { ["jsonrpc": "2.0", "id": requestID, "result": value] }
        func error(_ error: RPCErrorObject) -> JSONValue { ["jsonrpc": "2.0", "id": requestID, "error": error.json] }
        switch request["method"]?.stringValue {
        case "echo":
            return result(params)
        case "fail":
            return error(RPCErrorObject(.notFound, "no such cat", field: "cat"))
        case "slow":
            let delay = Double(params["ms"]?.intValue ?? 100) / 1000
            let reply = result(params).serialized()
            let server = self.server
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { server.send(connection, text: reply) }
            return nil
        case "silent":
            return nil
        case "notifyMe":
            for n in 0..<2 {
                server.send(connection, text: JSONValue.object(["jsonrpc": "2.0", "method": "cat.moved", "params": ["n": .int(Int64(n))]]).serialized())
            }
            return result("done")
        case "kick":
            server.close(connection, code: 4000, reason: "bye")
            return nil
        case "auth.challenge":
            return result(["nonce": .string(nonce)])
        case "auth.login":
            guard let keyHex = params["publicKey"]?.stringValue, let key = try? Ed25519PublicKey(hex: keyHex),
                  let signature = params["signature"]?.stringValue.flatMap(Hex.decode),
                  key.isValidSignature(signature, for: Array(("purr-login:" + nonce).utf8)) else {
                return error(RPCErrorObject(.authFailed, "bad signature", field: "signature"))
            }
            return result(["account": .string("player:" + keyHex), "sessionToken": "t0k3n"])
        default:
            return error(RPCErrorObject(.methodNotFound, "no method"))
        }
    }
}
