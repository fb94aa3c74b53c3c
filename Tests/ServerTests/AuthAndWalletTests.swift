import Foundation
import Ledger
import PurrCrypto
import RPC
import Testing
import WebSocketTransport
@testable import Server

@Suite struct AuthTests {
    @Test("A signed challenge signs in and creates the account with zero balance")
    func loginCreatesAccount() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        let key = try await h.signIn(c)
        let balance = try await h.call(c, "wallet.balance")
        #expect(balance["account"] == .string(key.publicKeyHex))
        #expect(balance["balance"] == "0")
    }

    @Test("Methods that need an account refuse an anonymous connection")
    func unauthenticated() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        await #expect(throws: RPCErrorObject.self) { try await h.call(c, "wallet.balance") }
        do { _ = try await h.call(c, "wallet.balance") } catch let e as RPCErrorObject { #expect(e.code == RPCErrorCode.unauthenticated.rawValue) }
    }

    @Test("A bad signature is refused and the nonce cannot be reused")
    func badSignatureAndReuse() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        let key = try Ed25519PrivateKey()
        let nonce = try await h.call(c, "auth.challenge")["nonce"]?.stringValue ?? ""
        let wrong = try key.signature(for: GameService.loginPrefix + nonce + "x")
        let e1 = await errorCode { try await h.call(c, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(wrong))]) }
        #expect(e1 == RPCErrorCode.authFailed.rawValue)
        // The right signature for the spent nonce no longer works.
        let right = try key.signature(for: GameService.loginPrefix + nonce)
        let e2 = await errorCode { try await h.call(c, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(right))]) }
        #expect(e2 == RPCErrorCode.authFailed.rawValue)
    }

    @Test("A nonce works only on the connection that asked for it")
    func nonceBoundToConnection() async throws {
        var h = try await GameHarness()
        let a = await h.connect()
        let b = await h.connect()
        let key = try Ed25519PrivateKey()
        let nonce = try await h.call(a, "auth.challenge")["nonce"]?.stringValue ?? ""
        let sig = try key.signature(for: GameService.loginPrefix + nonce)
        let e = await errorCode { try await h.call(b, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(sig))]) }
        #expect(e == RPCErrorCode.authFailed.rawValue)
    }

    @Test("An expired nonce is refused")
    func expiredNonce() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        let key = try Ed25519PrivateKey()
        let nonce = try await h.call(c, "auth.challenge")["nonce"]?.stringValue ?? ""
        h.clock.advance(61)
        let sig = try key.signature(for: GameService.loginPrefix + nonce)
        let e = await errorCode { try await h.call(c, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(sig))]) }
        #expect(e == RPCErrorCode.authFailed.rawValue)
    }

    @Test("A session token resumes on a new connection until it expires")
    func resumeAndExpiry() async throws {
        var h = try await GameHarness { $0.auth.sessionTTLSeconds = 100 }
        let a = await h.connect()
        let key = try Ed25519PrivateKey()
        let nonce = try await h.call(a, "auth.challenge")["nonce"]?.stringValue ?? ""
        let sig = try key.signature(for: GameService.loginPrefix + nonce)
        let login = try await h.call(a, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(sig))])
        let token = login["sessionToken"] ?? .null
        let b = await h.connect()
        #expect(try await h.call(b, "auth.resume", ["sessionToken": token])["account"] == .string(key.publicKeyHex))
        h.clock.advance(101)
        let c = await h.connect()
        #expect(await errorCode { try await h.call(c, "auth.resume", ["sessionToken": token]) } == RPCErrorCode.sessionExpired.rawValue)
        // The connection signed in before expiry is told its session expired.
        #expect(await errorCode { try await h.call(b, "wallet.balance") } == RPCErrorCode.sessionExpired.rawValue)
    }

    @Test("Logout ends the session on every connection that resumed it; they are told and get unauthenticated")
    func logoutEverywhere() async throws {
        var h = try await GameHarness()
        let a = await h.connect()
        let key = try Ed25519PrivateKey()
        let nonce = try await h.call(a, "auth.challenge")["nonce"]?.stringValue ?? ""
        let sig = try key.signature(for: GameService.loginPrefix + nonce)
        let token = try await h.call(a, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(Hex.encode(sig))])["sessionToken"] ?? .null
        _ = try await h.call(a, "wallet.faucet", ["amount": "5000000"])
        let b = await h.connect()
        _ = try await h.call(b, "auth.resume", ["sessionToken": token])
        // A second login of the same key has its own session and survives.
        let c = await h.connect()
        _ = try await h.signIn(c, key: key)
        #expect(try await h.call(a, "auth.logout")["revoked"] == .bool(true))
        #expect(h.outbound.notifications(to: b, method: "auth.loggedOut").first?["reason"] == .string("logout"))
        #expect(h.outbound.notifications(to: c, method: "auth.loggedOut").isEmpty)
        let other = try Ed25519PrivateKey().publicKeyHex
        #expect(await errorCode { try await h.call(b, "wallet.transfer", ["to": .string(other), "amount": "1000000"]) } == RPCErrorCode.unauthenticated.rawValue)
        #expect(await errorCode { try await h.call(a, "wallet.balance") } == RPCErrorCode.unauthenticated.rawValue)
        #expect(await errorCode { try await h.call(b, "auth.resume", ["sessionToken": token]) } == RPCErrorCode.sessionExpired.rawValue)
        #expect(try await h.call(c, "wallet.balance")["balance"] == .string("5000000"))
    }

    @Test("Small-order public keys never sign in, whatever the signature")
    func smallOrderKeysRefused() async throws {
        var h = try await GameHarness { $0.auth.maxFailedLogins = 1000 }
        let c = await h.connect()
        let forged = "01" + String(repeating: "0", count: 126)
        for y in Ed25519Encoding.smallOrderY {
            for sign: UInt8 in [0, 0x80] {
                var key = y
                key[31] |= sign
                // Eight tries each: a key of order ≤ 8 forges the constant signature for 1 in 8 nonces.
                for _ in 0..<8 {
                    _ = try await h.call(c, "auth.challenge")
                    let e = await errorCode { try await h.call(c, "auth.login", ["publicKey": .string(Hex.encode(key)), "signature": .string(forged)]) }
                    #expect(e == RPCErrorCode.authFailed.rawValue, "key \(Hex.encode(key)) signed in")
                }
            }
        }
        #expect(await errorCode { try await h.call(c, "wallet.balance") } == RPCErrorCode.unauthenticated.rawValue)
    }

    @Test("Too many failed logins close the connection with 1008")
    func lockout() async throws {
        var h = try await GameHarness { $0.auth.maxFailedLogins = 3 }
        let c = await h.connect()
        let key = try Ed25519PrivateKey()
        for _ in 0..<3 {
            _ = try await h.call(c, "auth.challenge")
            _ = await errorCode { try await h.call(c, "auth.login", ["publicKey": .string(key.publicKeyHex), "signature": .string(String(repeating: "0", count: 128))]) }
        }
        #expect(h.outbound.closed.withLock { $0.map(\.1) } == [1008])
    }
}

@Suite struct WalletTests {
    @Test("Faucet credits in dev mode and is forbidden otherwise")
    func faucet() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        _ = try await h.signIn(c)
        #expect(try await h.call(c, "wallet.faucet", ["amount": "5000000"])["balance"] == "5000000")
        var prod = try await GameHarness { $0.dev = false }
        let p = await prod.connect()
        _ = try await prod.signIn(p)
        #expect(await errorCode { try await prod.call(p, "wallet.faucet", ["amount": "5000000"]) } == RPCErrorCode.forbidden.rawValue)
    }

    @Test("A transfer moves PUR once per idempotency key, and a reused key with other params conflicts")
    func transferIdempotent() async throws {
        var h = try await GameHarness()
        let a = await h.connect()
        _ = try await h.signIn(a)
        let b = await h.connect()
        let bKey = try await h.signIn(b)
        _ = try await h.call(a, "wallet.faucet", ["amount": "10000000"])
        let params: JSONValue = ["to": .string(bKey.publicKeyHex), "amount": "2500000", "idempotencyKey": "t-1"]
        let first = try await h.call(a, "wallet.transfer", params)
        let second = try await h.call(a, "wallet.transfer", params)
        #expect(first == second)
        #expect(first["balance"] == "7500000")
        #expect(try await h.call(b, "wallet.balance")["balance"] == "2500000")
        let conflict: JSONValue = ["to": .string(bKey.publicKeyHex), "amount": "1", "idempotencyKey": "t-1"]
        #expect(await errorCode { try await h.call(a, "wallet.transfer", conflict) } == RPCErrorCode.idempotencyConflict.rawValue)
        #expect(try h.audit().isClean)
    }

    @Test("Insufficient funds moves nothing")
    func insufficientFunds() async throws {
        var h = try await GameHarness()
        let a = await h.connect()
        _ = try await h.signIn(a)
        let other = try Ed25519PrivateKey()
        let e = await errorCode { try await h.call(a, "wallet.transfer", ["to": .string(other.publicKeyHex), "amount": "1", "idempotencyKey": "x"]) }
        #expect(e == RPCErrorCode.insufficientFunds.rawValue)
        #expect(try await h.call(a, "wallet.balance")["balance"] == "0")
        // The failed attempt did not burn the key.
        _ = try await h.call(a, "wallet.faucet", ["amount": "10"])
        #expect(try await h.call(a, "wallet.transfer", ["to": .string(other.publicKeyHex), "amount": "1", "idempotencyKey": "x"])["balance"] == "9")
    }

    @Test("Bad amounts and recipients name the field", arguments: [
        (#"{"to":"abc","amount":"1","idempotencyKey":"k"}"#, "to"),
        (#"{"to":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","amount":5,"idempotencyKey":"k"}"#, "amount"),
        (#"{"to":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","amount":"-5","idempotencyKey":"k"}"#, "amount"),
        (#"{"to":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","amount":"1.5","idempotencyKey":"k"}"#, "amount"),
        (#"{"to":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","amount":"0","idempotencyKey":"k"}"#, "amount"),
        (#"{"to":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","amount":"1"}"#, "idempotencyKey"),
        (#"{"to":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","amount":"1","idempotencyKey":"k","memo":"x"}"#, "memo"),
    ])
    func badParams(paramsText: String, field: String) async throws {
        let params = try JSONValue.parse(paramsText)
        var h = try await GameHarness()
        let a = await h.connect()
        _ = try await h.signIn(a)
        do {
            _ = try await h.call(a, "wallet.transfer", params)
            Issue.record("expected an error")
        } catch let e as RPCErrorObject {
            #expect(e.code == RPCErrorCode.invalidParams.rawValue)
            #expect(e.data?["field"] == .string(field))
        }
    }

    @Test("History lists entries newest first and pages with before")
    func history() async throws {
        var h = try await GameHarness()
        let a = await h.connect()
        _ = try await h.signIn(a)
        for n in 1...3 { _ = try await h.call(a, "wallet.faucet", ["amount": .string(String(n))]) }
        let page = try await h.call(a, "wallet.history", ["limit": 2])["entries"]?.arrayValue ?? []
        #expect(page.map { $0["delta"] } == ["3", "2"])
        let before = page.last?["txId"] ?? .null
        let rest = try await h.call(a, "wallet.history", ["before": before])["entries"]?.arrayValue ?? []
        #expect(rest.map { $0["delta"] } == ["1"])
    }
}

@Suite struct ProtocolErrorTests {
    @Test("Unknown methods, malformed JSON and batches get their JSON-RPC errors")
    func protocolErrors() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        #expect(await errorCode { try await h.call(c, "no.such") } == -32601)
        let parse = await h.game.handle(c, text: "{nope", rateLimited: false) ?? ""
        #expect(try JSONValue.parse(parse)["error"]?["code"] == -32700)
        let batch = await h.game.handle(c, text: #"[{"jsonrpc":"2.0","id":1,"method":"auth.challenge"},{"jsonrpc":"2.0","method":"auth.challenge"},{"jsonrpc":"2.0","id":2,"method":"x.y"}]"#, rateLimited: false) ?? ""
        let items = try JSONValue.parse(batch).arrayValue ?? []
        #expect(items.count == 2)  // the notification gets no response
        #expect(items.last?["error"]?["code"] == -32601)
    }

    @Test("A rate-limited request gets the rate_limited error with its id")
    func rateLimited() async throws {
        let h = try await GameHarness()
        let text = #"{"jsonrpc":"2.0","id":9,"method":"world.info"}"#
        let c = ConnectionID(rawValue: 77)
        await h.game.connectionOpened(c, remoteAddress: "x")
        let r = try JSONValue.parse(await h.game.handle(c, text: text, rateLimited: true) ?? "")
        #expect(r["id"] == 9)
        #expect(r["error"]?["data"]?["code"] == "rate_limited")
    }
}

/// The error code a call failed with, or nil if it succeeded.
func errorCode(_ body: () async throws -> JSONValue) async -> Int? {
    do { _ = try await body(); return nil } catch let e as RPCErrorObject { return e.code } catch { return -1 }
}

@Suite struct RequestIdTests {
    @Test("A transfer whose id is not an exact 64-bit integer is refused before it runs and moves nothing")
    func hugeIdMovesNothing() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        _ = try await h.signIn(c)
        _ = try await h.call(c, "wallet.faucet", ["amount": "5000000"])
        let to = try Ed25519PrivateKey().publicKeyHex
        for id in ["1.2e59", "9223372036854775808", "18446744073709551615", "3.5"] {
            let text = #"{"jsonrpc":"2.0","id":"# + id + #","method":"wallet.transfer","params":{"to":""# + to + #"","amount":"1000000","idempotencyKey":"k"# + id + #""}}"#
            let response = try JSONValue.parse(#require(await h.game.handle(c, text: text, rateLimited: false)))
            #expect(response["id"] == .null)
            #expect(response["error"]?["code"] == .int(-32600))
        }
        #expect(try await h.call(c, "wallet.balance")["balance"] == .string("5000000"))
    }

    @Test("A binary frame with requestID ≥ 2^63 is refused with a null id before anything runs")
    func hugeFrameRequestId() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        _ = try await h.signIn(c)
        var frame = [UInt8](repeating: 0, count: 64)
        frame.replaceSubrange(0..<4, with: Array("PQTF".utf8))
        for i in 16..<24 { frame[i] = 0xff }
        frame[23] = 0x80
        let response = try JSONValue.parse(#require(await h.game.handle(c, binary: frame, rateLimited: false)))
        #expect(response["id"] == .null)
        #expect(response["error"]?["code"] == .int(-32600))
        #expect(response["error"]?["data"]?["field"] == .string("requestID"))
        // Below 2^63 the id is echoed (the frame itself is refused for its content).
        frame[23] = 0x7f
        let echoed = try JSONValue.parse(#require(await h.game.handle(c, binary: frame, rateLimited: false)))
        #expect(echoed["id"] == .int(Int64.max))
    }
}
