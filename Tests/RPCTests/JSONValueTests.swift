import Testing
@testable import RPC

@Suite struct JSONValueTests {
    @Test("Parsing then serializing gives compact JSON with sorted keys")
    func roundTrip() throws {
        let v = try JSONValue.parse(#" { "b": [1, -2, 3.5, true, null], "a": "x\"y\n\u00e9\ud83d\ude00" } "#)
        #expect(v.serialized() == #"{"a":"x\"y\né😀","b":[1,-2,3.5,true,null]}"#)
        #expect(try JSONValue.parse(v.serialized()) == v)
    }

    @Test("Integers stay integers and big numbers become doubles")
    func numbers() throws {
        #expect(try JSONValue.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONValue.parse("9223372036854775808") == .double(9223372036854775808))
        #expect(try JSONValue.parse("1e3") == .double(1000))
        #expect(try JSONValue.parse("-0.5") == .double(-0.5))
    }

    @Test("Malformed JSON is refused with an offset", arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"", "{\"a\" 1}", "[1] x", "\"\u{01}\"",
        "\"\\ud800\"", "{\"a\":1,\"a\":2}", "1e999",
    ])
    func malformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("Nesting past the depth limit is refused instead of exhausting the stack")
    func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(ok) }
    }

    @Test("Control characters are escaped on output")
    func escaping() {
        #expect(JSONValue.string("a\u{01}b\tc").serialized() == #""a\u0001b\tc""#)
    }
}

@Suite struct RPCCodecTests {
    func single(_ text: String) -> Result<RPCRequest, RPCErrorResponse>? {
        if case .single(let r) = RPCCodec.decode(text) { return r }
        return nil
    }

    @Test("A well-formed request decodes with id, method and params")
    func goodRequest() throws {
        let r = try #require(try single(#"{"jsonrpc":"2.0","id":7,"method":"wallet.balance","params":{}}"#)?.get())
        #expect(r.id == .int(7))
        #expect(r.method == "wallet.balance")
        #expect(!r.isNotification)
    }

    @Test("Invalid JSON is a parse error with a null id")
    func parseError() throws {
        guard case .failure(let e)? = single("{oops") else { Issue.record("expected failure"); return }
        #expect(e.id == .null)
        #expect(e.error.code == -32700)
    }

    @Test("Requests missing jsonrpc or method, or with bad ids, are invalid requests naming the field", arguments: [
        (#"{"id":1,"method":"x"}"#, "jsonrpc"),
        (#"{"jsonrpc":"2.0","id":1}"#, "method"),
        (#"{"jsonrpc":"2.0","id":1,"method":5}"#, "method"),
        (#"{"jsonrpc":"2.0","id":{},"method":"x"}"#, "id"),
        (#"{"jsonrpc":"2.0","id":1,"method":"x","params":3}"#, "params"),
        (#"{"jsonrpc":"2.0","id":1,"method":"x","extra":3}"#, "extra"),
        (#"5"#, ""),
    ])
    func invalidRequests(text: String, field: String) {
        guard case .failure(let e)? = single(text) else { Issue.record("expected failure"); return }
        #expect(e.error.code == -32600)
        #expect(e.error.data?["field"] == .string(field))
    }

    @Test("Ids that could not be echoed exactly are refused with a null id", arguments: [
        "9223372036854775808", "18446744073709551616", "1.2e59", "-9223372036854775809", "1.0", "1e3", "0.5",
    ])
    func unechoableIds(id: String) {
        guard case .failure(let e)? = single(#"{"jsonrpc":"2.0","id":"# + id + #","method":"wallet.transfer"}"#) else {
            Issue.record("id \(id) was accepted"); return
        }
        #expect(e.error.code == -32600)
        #expect(e.id == .null)
        #expect(e.error.data?["field"] == .string("id"))
    }

    @Test("The extreme 64-bit integer ids are echoed digit for digit")
    func extremeIds() throws {
        for id in ["9223372036854775807", "-9223372036854775808", "0"] {
            let r = try #require(try single(#"{"jsonrpc":"2.0","id":"# + id + #","method":"x"}"#)?.get())
            #expect(RPCCodec.result(id: r.id ?? .null, .null).serialized().contains(#""id":"# + id + ","))
        }
    }

    @Test("Batches decode element by element; an empty batch is invalid")
    func batches() {
        guard case .batch(let items) = RPCCodec.decode(#"[{"jsonrpc":"2.0","id":1,"method":"a"}, 3]"#) else {
            Issue.record("expected batch"); return
        }
        #expect(items.count == 2)
        if case .success = items[0] {} else { Issue.record("first should decode") }
        if case .failure = items[1] {} else { Issue.record("second should fail") }
        guard case .single(.failure(let e)) = RPCCodec.decode("[]") else { Issue.record("expected failure"); return }
        #expect(e.error.code == -32600)
    }

    @Test("Params helpers name the wrong field")
    func paramsErrors() throws {
        let p = try RPCParams(["amount": 5, "to": "abc"], allowed: ["amount", "to", "key"])
        #expect(throws: RPCErrorObject.invalidParams("amount", "expected string, got number")) { try p.string("amount") }
        #expect(throws: RPCErrorObject.invalidParams("key", "missing")) { try p.string("key") }
        #expect(throws: RPCErrorObject.invalidParams("zzz", "unknown parameter")) { try RPCParams(["zzz": 1], allowed: []) }
        #expect(throws: RPCErrorObject.invalidParams("to", "expected 4 lower-case hex characters")) { try p.hex("to", bytes: 2) }
    }

    @Test("Client side decoding tells responses from notifications")
    func clientInbound() {
        if case .notification(let m, _) = RPCClientInbound.decode(#"{"jsonrpc":"2.0","method":"quest.available","params":{}}"#) {
            #expect(m == "quest.available")
        } else { Issue.record("expected notification") }
        if case .response(let id, .failure(let e)) = RPCClientInbound.decode(#"{"jsonrpc":"2.0","id":3,"error":{"code":-32003,"message":"no"}}"#) {
            #expect(id == .int(3)); #expect(e.code == -32003)
        } else { Issue.record("expected error response") }
    }
}
