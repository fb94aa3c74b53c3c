/// One JSON-RPC 2.0 request or notification as the server received it.
public struct RPCRequest: Sendable, Hashable {
    /// nil for a notification (no response is sent); otherwise a string, number or null.
    public var id: JSONValue?
    public var method: String
    public var params: JSONValue?

    public init(id: JSONValue?, method: String, params: JSONValue?) {
        self.id = id
        self.method = method
        self.params = params
    }

    public var isNotification: Bool { id == nil }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method)]
        if let id { o["id"] = id }
        if let params { o["params"] = params }
        return .object(o)
    }
}

/// What an inbound text frame decodes to: a single request, a batch, or nothing usable.
public enum RPCInbound: Sendable {
    /// Each element is a request, or the error response the server must send for that element.
    case single(Result<RPCRequest, RPCErrorResponse>)
    case batch([Result<RPCRequest, RPCErrorResponse>])
}

/// An error response ready to send: id (null when unknown) and error object.
public struct RPCErrorResponse: Error, Sendable, Hashable {
    public var id: JSONValue
    public var error: RPCErrorObject
    public init(id: JSONValue, error: RPCErrorObject) {
        self.id = id
        self.error = error
    }
}

/// Turns text into requests following JSON-RPC 2.0 §4-§6, and responses into text.
public enum RPCCodec {
    /// Most elements accepted in one batch; more is an invalid request (keeps one frame's work bounded).
    public static let maxBatchSize = 50

    public static func decode(_ text: String) -> RPCInbound {
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            return .single(.failure(RPCErrorResponse(id: .null, error: RPCErrorObject(.parseError, "parse error: \(error.description)"))))
        }
        return decode(value)
    }

    public static func decode(_ value: JSONValue) -> RPCInbound {
        if case .array(let items) = value {
            if items.isEmpty {
                return .single(.failure(RPCErrorResponse(id: .null, error: RPCErrorObject(.invalidRequest, "invalid request: empty batch"))))
            }
            if items.count > maxBatchSize {
                return .single(.failure(RPCErrorResponse(
                    id: .null, error: RPCErrorObject(.invalidRequest, "invalid request: batch of \(items.count) exceeds \(maxBatchSize)"))))
            }
            return .batch(items.map(decodeOne))
        }
        return .single(decodeOne(value))
    }

    static func decodeOne(_ value: JSONValue) -> Result<RPCRequest, RPCErrorResponse> {
        guard case .object(let o) = value else {
            return .failure(RPCErrorResponse(id: .null, error: RPCErrorObject(.invalidRequest, "invalid request: expected an object", field: "")))
        }
        // The id is echoed even on errors when it is usable.
        var id: JSONValue? = nil
        if let raw = o["id"] {
            switch raw {
            case .string, .int, .null: id = raw
            default:
                return .failure(RPCErrorResponse(id: .null, error: RPCErrorObject(.invalidRequest, "invalid request: id must be a string, an integer from -2^63 to 2^63-1, or null (a fraction, an exponent or a larger number could not be echoed exactly)", field: "id")))
            }
        }
        func bad(_ field: String, _ why: String) -> Result<RPCRequest, RPCErrorResponse> {
            .failure(RPCErrorResponse(id: id ?? .null, error: RPCErrorObject(.invalidRequest, "invalid request: \(field): \(why)", field: field)))
        }
        guard o["jsonrpc"] == .string("2.0") else { return bad("jsonrpc", "must be \"2.0\"") }
        guard let methodValue = o["method"] else { return bad("method", "missing") }
        guard case .string(let method) = methodValue, !method.isEmpty else { return bad("method", "must be a non-empty string") }
        if let params = o["params"] {
            switch params {
            case .object, .array: break
            default: return bad("params", "must be an object or array")
            }
        }
        for key in o.keys where !["jsonrpc", "id", "method", "params"].contains(key) {
            return bad(key, "unknown member")
        }
        return .success(RPCRequest(id: id, method: method, params: o["params"]))
    }

    /// `{"jsonrpc":"2.0","id":…,"result":…}`
    public static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id, "result": result])
    }

    /// `{"jsonrpc":"2.0","id":…,"error":{…}}`
    public static func error(id: JSONValue, _ error: RPCErrorObject) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id, "error": error.json])
    }

    /// A server-to-client notification: `{"jsonrpc":"2.0","method":…,"params":…}`
    public static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        .object(["jsonrpc": "2.0", "method": .string(method), "params": params])
    }
}

/// What a client receives: a response to one of its ids, or a notification from the server.
public enum RPCClientInbound: Sendable {
    case response(id: JSONValue, result: Result<JSONValue, RPCErrorObject>)
    case notification(method: String, params: JSONValue)
    case batch([RPCClientInbound])
    case invalid(String)

    public static func decode(_ text: String) -> RPCClientInbound {
        guard let value = try? JSONValue.parse(text) else { return .invalid("not JSON") }
        return decode(value)
    }

    public static func decode(_ value: JSONValue) -> RPCClientInbound {
        if case .array(let items) = value { return .batch(items.map { decode($0) }) }
        guard case .object = value, value["jsonrpc"] == .string("2.0") else { return .invalid("not a JSON-RPC 2.0 message") }
        if let method = value["method"]?.stringValue, value["id"] == nil {
            return .notification(method: method, params: value["params"] ?? .null)
        }
        let id = value["id"] ?? .null
        if let result = value["result"] { return .response(id: id, result: .success(result)) }
        if let errorValue = value["error"], let error = RPCErrorObject(json: errorValue) {
            return .response(id: id, result: .failure(error))
        }
        return .invalid("response without result or error")
    }
}
