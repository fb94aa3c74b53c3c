/// One method of the API as documented: the single source from which `rpc.discover`
/// builds the OpenRPC document and against which docs/protocol.md is checked.
public struct RPCMethodDescriptor: Sendable {
    public struct Param: Sendable {
        public var name: String
        public var required: Bool
        public var summary: String
        public var schema: JSONValue
        public init(_ name: String, required: Bool = true, _ summary: String, schema: JSONValue) {
            self.name = name
            self.required = required
            self.summary = summary
            self.schema = schema
        }
    }

    public var name: String
    public var summary: String
    public var params: [Param]
    public var result: JSONValue
    public var errors: [RPCErrorCode]
    public var requiresAuth: Bool
    /// Server-to-client notifications are described too, flagged so tools can tell them apart.
    public var isNotification: Bool

    public init(name: String, summary: String, params: [Param], result: JSONValue, errors: [RPCErrorCode],
                requiresAuth: Bool, isNotification: Bool = false) {
        self.name = name
        self.summary = summary
        self.params = params
        self.result = result
        self.errors = errors
        self.requiresAuth = requiresAuth
        self.isNotification = isNotification
    }

    public var paramNames: Set<String> { Set(params.map(\.name)) }
}

/// Builds an OpenRPC 1.2.6 document (https://spec.open-rpc.org).
public enum OpenRPCDocument {
    public static func build(title: String, version: String, serverURL: String, methods: [RPCMethodDescriptor]) -> JSONValue {
        let methodObjects: [JSONValue] = methods.map { m in
            var o: [String: JSONValue] = [
                "name": .string(m.name),
                "summary": .string(m.summary),
                "paramStructure": "by-name",
                "params": .array(m.params.map { p in
                    .object(["name": .string(p.name), "required": .bool(p.required), "summary": .string(p.summary), "schema": p.schema])
                }),
                "errors": .array(m.errors.map { e in
                    .object(["code": .int(Int64(e.rawValue)), "message": .string(e.meaning), "data": .object(["code": .string(e.name)])])
                }),
            ]
            if !m.isNotification {
                o["result"] = .object(["name": .string("\(m.name).result"), "schema": m.result])
            }
            var ext: [String: JSONValue] = ["x-requires-auth": .bool(m.requiresAuth)]
            if m.isNotification { ext["x-notification"] = true }
            for (k, v) in ext { o[k] = v }
            return .object(o)
        }
        return .object([
            "openrpc": "1.2.6",
            "info": .object(["title": .string(title), "version": .string(version)]),
            "servers": .array([.object(["name": "default", "url": .string(serverURL)])]),
            "methods": .array(methodObjects),
        ])
    }
}

/// Small JSON Schema builders, so method descriptors read as a table.
public enum Schema {
    public static let string: JSONValue = ["type": "string"]
    public static let integer: JSONValue = ["type": "integer"]
    public static let number: JSONValue = ["type": "number"]
    public static let boolean: JSONValue = ["type": "boolean"]
    /// Micro-PUR as a decimal string.
    public static let amount: JSONValue = ["type": "string", "pattern": "^(0|[1-9][0-9]{0,18})$", "description": "micro-PUR (1 PUR = 1000000) as a decimal string"]
    public static func hex(bytes: Int) -> JSONValue {
        ["type": "string", "pattern": .string("^[0-9a-f]{\(bytes * 2)}$")]
    }
    public static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map { .string($0) })]
    }
    public static func integer(_ min: Int64, _ max: Int64) -> JSONValue {
        ["type": "integer", "minimum": .int(min), "maximum": .int(max)]
    }
    public static func array(_ items: JSONValue) -> JSONValue {
        ["type": "array", "items": items]
    }
    public static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })]
    }
}
