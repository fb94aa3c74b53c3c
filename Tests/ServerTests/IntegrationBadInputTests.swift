import Foundation
import PurrClient
import PurrCrypto
import RPC
import Testing
@testable import Server

/// Bad input over a real WebSocket: each gets its documented error or close code, the server
/// keeps serving other connections, and the audit of its database stays clean.
@Suite struct IntegrationBadInputTests {
    /// Parses an unmatched message (a response whose id no call is waiting for).
    static func unmatched(_ connection: PurrConnection) async throws -> JSONValue {
        try JSONValue.parse(try await connection.nextUnmatched(timeout: 20))
    }

    /// Messages no call was waiting for that arrived before the connection closed.
    static func leftovers(_ connection: PurrConnection) async -> [String] {
        var texts: [String] = []
        while let text = try? await connection.nextUnmatched(timeout: 5) { texts.append(text) }
        return texts
    }

    @Test("Malformed JSON is a parse_error with id null, and the server keeps serving")
    func malformedJSON() async throws {
        try await withIntegrationServer { server in
            let connection = try await server.connect()
            for text in [#"{"jsonrpc":"2.0","id":1,"method":"#, "purr purr", #"{"jsonrpc":"2.0","id":"x","method":"world.info""#] {
                connection.sendRaw(text)
                let response = try await Self.unmatched(connection)
                #expect(response["id"] == .null, "\(text)")
                #expect(response["error"]?["code"] == -32700, "\(text)")
                #expect(response["error"]?["data"]?["code"] == "parse_error", "\(text)")
            }
            // The same connection still answers well-formed requests.
            #expect(try await connection.call("world.info", timeout: 20)["name"] == "MW0rld")
            try await server.expectStillServes()
        }
    }

    @Test("Wrong param types, missing and unknown params are invalid_params naming the field")
    func invalidParams() async throws {
        try await withIntegrationServer { server in
            let player = try await server.player(faucet: "1000000")
            let other = try Ed25519PrivateKey().publicKeyHex
            let cases: [(method: String, params: JSONValue, field: String)] = [
                ("wallet.transfer", ["to": 5, "amount": "1", "idempotencyKey": "k"], "to"),
                ("wallet.transfer", ["to": .string(other), "amount": 100, "idempotencyKey": "k"], "amount"),
                ("wallet.transfer", ["to": .string(other), "amount": "-5", "idempotencyKey": "k"], "amount"),
                ("wallet.transfer", ["to": .string(other), "amount": "100"], "idempotencyKey"),
                ("position.report", ["x": "1", "y": 2, "timestamp": 1], "x"),
                ("position.report", ["x": 1, "y": 2], "timestamp"),
                ("quest.request", ["scope": "cosmic", "idempotencyKey": "k"], "scope"),
                ("quest.request", ["scope": "personal", "difficulty": 9, "idempotencyKey": "k"], "difficulty"),
                ("world.info", ["verbose": true], "verbose"),
                ("world.info", [1, 2], "params"),
            ]
            for c in cases {
                let error = await rpcError { try await player.connection.call(c.method, c.params, timeout: 20) }
                #expect(error?.code == -32602, "\(c.method) \(c.params.serialized())")
                #expect(error?.name == "invalid_params", "\(c.method) \(c.params.serialized())")
                #expect(error?.data?["field"] == .string(c.field), "\(c.method) \(c.params.serialized())")
            }
            // Nothing moved.
            #expect(try await player.balance() == 1_000_000)
            #expect(try await !server.accountExists(other))
            try await server.expectStillServes()
        }
    }

    @Test("An unknown method is method_not_found")
    func unknownMethod() async throws {
        try await withIntegrationServer { server in
            let connection = try await server.connect()
            let error = await rpcError { try await connection.call("cat.dance", ["style": "tango"], timeout: 20) }
            #expect(error?.code == -32601)
            #expect(error?.name == "method_not_found")
            try await server.expectStillServes()
        }
    }

    @Test("An invalid request object is invalid_request naming the member, with its id echoed")
    func invalidRequestObject() async throws {
        try await withIntegrationServer { server in
            let connection = try await server.connect()
            let cases: [(text: String, id: JSONValue, field: String)] = [
                (#"{"jsonrpc":"1.0","id":"r1","method":"world.info"}"#, "r1", "jsonrpc"),
                (#"{"jsonrpc":"2.0","id":"r2"}"#, "r2", "method"),
                (#"{"jsonrpc":"2.0","id":"r3","method":42}"#, "r3", "method"),
                (#"{"jsonrpc":"2.0","id":"r4","method":"world.info","params":"all"}"#, "r4", "params"),
                (#"{"jsonrpc":"2.0","id":"r5","method":"world.info","colour":"ginger"}"#, "r5", "colour"),
                (#"{"jsonrpc":"2.0","id":{"nested":true},"method":"world.info"}"#, .null, "id"),
            ]
            for c in cases {
                connection.sendRaw(c.text)
                let response = try await Self.unmatched(connection)
                #expect(response["id"] == c.id, "\(c.text)")
                #expect(response["error"]?["code"] == -32600, "\(c.text)")
                #expect(response["error"]?["data"]?["code"] == "invalid_request", "\(c.text)")
                #expect(response["error"]?["data"]?["field"] == .string(c.field), "\(c.text)")
            }
            try await server.expectStillServes()
        }
    }

    @Test("A message over maxMessageBytes closes the connection with 1009")
    func oversizeMessage() async throws {
        try await withIntegrationServer({ $0.transport.maxMessageBytes = 4_096 }) { server in
            let connection = try await server.connect()
            // Just under the limit is fine.
            #expect(try await connection.call("world.info", timeout: 20)["name"] == "MW0rld")
            let padding = String(repeating: "m", count: 5_000)
            connection.sendRaw(#"{"jsonrpc":"2.0","id":"big","method":"world.info","params":{"pad":"\#(padding)"}}"#)
            // Frames already on their way behind it are not served, and do not spoil the close.
            for n in 0..<50 { connection.sendRaw(#"{"jsonrpc":"2.0","id":"after-\#(n)","method":"world.info"}"#) }
            let close = try await connection.waitForClose(timeout: 20)
            #expect(close.code == 1009)
            #expect(close.reason == "message too big")
            #expect(await Self.leftovers(connection) == [])
            try await server.expectStillServes()
        }
    }

    @Test("A binary frame closes the connection with 1003")
    func binaryFrame() async throws {
        try await withIntegrationServer { server in
            let connection = try await server.connect()
            connection.sendBinary(Array(#"{"jsonrpc":"2.0","id":1,"method":"world.info"}"#.utf8))
            for n in 0..<50 { connection.sendRaw(#"{"jsonrpc":"2.0","id":"after-\#(n)","method":"world.info"}"#) }
            let close = try await connection.waitForClose(timeout: 20)
            #expect(close.code == 1003)
            #expect(close.reason == "binary frames not supported")
            #expect(await Self.leftovers(connection) == [])
            try await server.expectStillServes()
        }
    }

    @Test("A bad signature and a reused nonce are auth_failed and sign nobody in")
    func badSignatureAndReusedNonce() async throws {
        try await withIntegrationServer { server in
            let key = try Ed25519PrivateKey()
            let impostor = try Ed25519PrivateKey()
            func login(_ connection: PurrConnection, nonce: String, signer: Ed25519PrivateKey) async throws -> JSONValue {
                let signature = try signer.signature(for: PurrConnection.loginPrefix + nonce)
                return try await connection.call("auth.login", [
                    "publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(signature)),
                ], timeout: 20)
            }

            let first = try await server.connect()
            let nonce = try #require(try await first.call("auth.challenge", timeout: 20)["nonce"]?.stringValue)
            let forged = await rpcError { try await login(first, nonce: nonce, signer: impostor) }
            #expect(forged?.code == -32009)
            #expect(forged?.name == "auth_failed")
            // The failed attempt spent the nonce: even the right signature is refused now.
            let spent = await rpcError { try await login(first, nonce: nonce, signer: key) }
            #expect(spent?.code == -32009)
            #expect(await rpcError { try await first.call("wallet.balance", timeout: 20) }?.name == "unauthenticated")

            // A good login works once; replaying it is refused.
            let second = try await server.connect()
            let fresh = try #require(try await second.call("auth.challenge", timeout: 20)["nonce"]?.stringValue)
            #expect(try await login(second, nonce: fresh, signer: key)["account"] == .string(key.publicKeyHex))
            let replayed = await rpcError { try await login(second, nonce: fresh, signer: key) }
            #expect(replayed?.code == -32009)
            #expect(replayed?.name == "auth_failed")
            // On a connection that never asked for that nonce it is refused too.
            let third = try await server.connect()
            #expect(await rpcError { try await login(third, nonce: fresh, signer: key) }?.code == -32009)
            try await server.expectStillServes()
        }
    }

    @Test("An expired session is session_expired, on its connection and through auth.resume")
    func expiredSession() async throws {
        try await withIntegrationServer({ $0.auth.sessionTTLSeconds = 1 }) { server in
            let player = try await server.player(faucet: nil)
            try await Task.sleep(for: .milliseconds(1_500))
            let onConnection = await rpcError { try await player.connection.call("wallet.balance", timeout: 20) }
            #expect(onConnection?.code == -32010)
            #expect(onConnection?.name == "session_expired")
            let other = try await server.connect()
            let resumed = await rpcError {
                try await other.call("auth.resume", ["sessionToken": .string(player.session.sessionToken)], timeout: 20)
            }
            #expect(resumed?.code == -32010)
            #expect(resumed?.data?["field"] == "sessionToken")
            try await server.expectStillServes()
        }
    }

    @Test("A transfer or quest request beyond the balance is insufficient_funds and moves nothing")
    func insufficientFunds() async throws {
        try await withIntegrationServer { server in
            let player = try await server.player(faucet: "1000")
            let pool = try await server.balance("rewards")
            let treasury = try await server.balance("treasury")
            let recipient = try Ed25519PrivateKey().publicKeyHex

            let transfer = await rpcError {
                try await player.connection.call("wallet.transfer", [
                    "to": .string(recipient), "amount": "5000", "idempotencyKey": "too-much",
                ], timeout: 20)
            }
            #expect(transfer?.code == -32003)
            #expect(transfer?.name == "insufficient_funds")
            let quest = await rpcError {
                try await player.connection.call("quest.request", [
                    "scope": "personal", "region": "catnip-meadows", "difficulty": 1, "idempotencyKey": "cannot-pay",
                ], timeout: 20)
            }
            #expect(quest?.code == -32003)
            #expect(quest?.name == "insufficient_funds")

            #expect(try await player.balance() == 1_000)
            #expect(try await !server.accountExists(recipient))
            #expect(try await server.balance("rewards") == pool)
            #expect(try await server.balance("treasury") == treasury)
            #expect(try await player.connection.call("quest.list", timeout: 20)["quests"] == .array([]))
            // A failed call did not use up its key: with the money there, the same key works.
            _ = try await player.connection.call("wallet.faucet", ["amount": "10000"], timeout: 20)
            _ = try await player.connection.call("wallet.transfer", [
                "to": .string(recipient), "amount": "5000", "idempotencyKey": "too-much",
            ], timeout: 20)
            #expect(try await server.balance(recipient) == 5_000)
            try await server.expectStillServes()
        }
    }

    @Test("A repeated idempotency key returns the first result and moves once; with other params it is idempotency_conflict")
    func idempotencyKeys() async throws {
        try await withIntegrationServer { server in
            let player = try await server.player(faucet: "10000000")
            let recipient = try Ed25519PrivateKey().publicKeyHex
            let params: JSONValue = ["to": .string(recipient), "amount": "1000000", "idempotencyKey": "gift-1"]
            let first = try await player.connection.call("wallet.transfer", params, timeout: 20)
            let again = try await player.connection.call("wallet.transfer", params, timeout: 20)
            #expect(again == first)
            let conflict = await rpcError {
                try await player.connection.call("wallet.transfer", [
                    "to": .string(recipient), "amount": "2000000", "idempotencyKey": "gift-1",
                ], timeout: 20)
            }
            #expect(conflict?.code == -32005)
            #expect(conflict?.name == "idempotency_conflict")
            #expect(conflict?.data?["field"] == "idempotencyKey")
            // From another connection of the same account the key is just as spent.
            let second = try await server.connect()
            _ = try await second.call("auth.resume", ["sessionToken": .string(player.session.sessionToken)], timeout: 20)
            #expect(try await second.call("wallet.transfer", params, timeout: 20) == first)

            #expect(try await player.balance() == 9_000_000)
            #expect(try await server.balance(recipient) == 1_000_000)
            try await server.expectStillServes()
        }
    }

    @Test("A teleport is position_rejected with teleport, recorded as a strike, and does not move the player")
    func teleport() async throws {
        // The map's own speed, 12 m/s: a jump across the region cannot be made in any plausible test time.
        // A short cool-down keeps the test fast.
        try await withIntegrationServer({
            $0.worldOverrides.maxSpeed = nil
            $0.antiCheat.cooldownBaseSeconds = 0.3
            $0.antiCheat.cooldownSecondsPerKm = 0.01
        }) { server in
            let player = try await server.player(faucet: nil)
            let centre = try await regionCentre(player.connection, "catnip-meadows")
            var walker = Walker(player.connection, speed: 12)
            #expect(try await walker.report(centre.0, centre.1)["accepted"] == true)
            try await Task.sleep(for: .milliseconds(50))
            let error = await rpcError { try await walker.report(centre.0 + 2_000, centre.1 + 2_500) }
            #expect(error?.code == -32007)
            #expect(error?.name == "position_rejected")
            #expect(error?.data?["flags"]?.arrayValue == ["teleport"])
            #expect(try await server.eventCount(kind: "position.rejected") == 1)
            #expect(try await server.eventCount(kind: "movement.strike") == 1)
            // The reference point stayed at the centre: after the cool-down a small step from there is accepted.
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await walker.report(centre.0 + 1, centre.1)["accepted"] == true)
            try await server.expectStillServes()
        }
    }

    @Test("A timestamp from the future is position_rejected with futureTimestamp")
    func futureTimestamp() async throws {
        try await withIntegrationServer { server in
            let player = try await server.player(faucet: nil)
            let centre = try await regionCentre(player.connection, "catnip-meadows")
            var walker = Walker(player.connection)
            #expect(try await walker.report(centre.0, centre.1)["accepted"] == true)
            try await Task.sleep(for: .milliseconds(50))
            let future = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
            let error = await rpcError {
                try await player.connection.call("position.report", [
                    "x": .double(centre.0 + 1), "y": .double(centre.1), "timestamp": .int(future),
                ], timeout: 20)
            }
            #expect(error?.code == -32007)
            #expect(error?.data?["flags"]?.arrayValue?.contains("futureTimestamp") == true)
            #expect(try await server.eventCount(kind: "position.rejected") == 1)
            try await server.expectStillServes()
        }
    }

    @Test("Requests beyond the rate are rate_limited, and a sustained flood closes the connection with 1008")
    func rateLimitAndFlood() async throws {
        try await withIntegrationServer({
            $0.transport.requestsPerSecond = 5
            $0.transport.burst = 5
            $0.transport.abuseThreshold = 30
            $0.transport.abuseWindowSeconds = 60
        }) { server in
            let connection = try await server.connect()
            // 20 at once against a bucket of 5 refilled at 5/s: at most 15 limited, under the abuse threshold.
            let outcomes = await withTaskGroup(of: Int?.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        do {
                            _ = try await connection.call("world.info", timeout: 20)
                            return 0
                        } catch PurrClientError.rpc(let error) {
                            return error.code
                        } catch {
                            return nil
                        }
                    }
                }
                var all: [Int?] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.contains(0))
            #expect(outcomes.contains(-32006))
            #expect(outcomes.allSatisfy { $0 == 0 || $0 == -32006 }, "\(outcomes)")

            // Keep flooding: past the abuse threshold the server stops answering and closes.
            for n in 0..<200 {
                connection.sendRaw(#"{"jsonrpc":"2.0","id":"flood-\#(n)","method":"world.info"}"#)
            }
            let close = try await connection.waitForClose(timeout: 20)
            #expect(close.code == 1008, "\(close)")
            #expect(close.reason == "rate limit abuse")
            try await server.expectStillServes()
        }
    }

    @Test("A batch mixing good and bad requests answers each request by id and skips notifications")
    func mixedBatch() async throws {
        try await withIntegrationServer { server in
            let connection = try await server.connect()
            connection.sendRaw("""
                [{"jsonrpc":"2.0","id":"good","method":"world.info","params":{}},
                 {"jsonrpc":"2.0","id":"unknown","method":"cat.dance"},
                 {"jsonrpc":"2.0","id":"params","method":"world.info","params":{"verbose":true}},
                 {"jsonrpc":"2.0","id":"signed-out","method":"wallet.balance"},
                 {"jsonrpc":"1.0","id":"version","method":"world.info"},
                 {"jsonrpc":"2.0","method":"world.info"},
                 42]
                """)
            let response = try await Self.unmatched(connection)
            let items = try #require(response.arrayValue)
            #expect(items.count == 6)
            func answer(_ id: JSONValue) -> JSONValue? { items.first { $0["id"] == id } }
            #expect(answer("good")?["result"]?["name"] == "MW0rld")
            #expect(answer("unknown")?["error"]?["code"] == -32601)
            #expect(answer("params")?["error"]?["code"] == -32602)
            #expect(answer("params")?["error"]?["data"]?["field"] == "verbose")
            #expect(answer("signed-out")?["error"]?["code"] == -32001)
            #expect(answer("version")?["error"]?["code"] == -32600)
            #expect(answer(.null)?["error"]?["code"] == -32600)

            // PurrClient's own batches get each outcome back in order.
            let outcomes = try await connection.callBatch([
                ("world.info", [:]), ("cat.dance", [:]), ("auth.challenge", [:]),
            ], timeout: 20)
            #expect((try? outcomes[0].get())?["name"] == "MW0rld")
            #expect(outcomes[1].failureCode == -32601)
            #expect((try? outcomes[2].get())?["nonce"]?.stringValue?.count == 64)
            try await server.expectStillServes()
        }
    }
}

extension Result where Failure == RPCErrorObject {
    var failureCode: Int? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
