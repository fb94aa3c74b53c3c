/// Typed access to a request's named params; every failure is an `invalidParams`
/// error whose message and `data.field` name the parameter.
///
/// ```swift
/// let p = try RPCParams(request.params, allowed: ["to", "amount", "idempotencyKey"])
/// let to = try p.string("to")
/// ```
public struct RPCParams: Sendable {
    public let members: [String: JSONValue]

    /// Accepts an object (or absent params as `{}`); positional arrays are refused because
    /// every documented method takes named params. Unknown names are refused, so typos surface.
    public init(_ params: JSONValue?, allowed: Set<String>) throws(RPCErrorObject) {
        switch params {
        case nil, .null?: members = [:]
        case .object(let o)?: members = o
        case .some:
            throw RPCErrorObject.invalidParams("params", "must be an object of named parameters")
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw RPCErrorObject.invalidParams(key, "unknown parameter")
        }
    }

    public func has(_ name: String) -> Bool {
        if let v = members[name], !v.isNull { return true }
        return false
    }

    func require(_ name: String) throws(RPCErrorObject) -> JSONValue {
        guard let v = members[name], !v.isNull else { throw RPCErrorObject.invalidParams(name, "missing") }
        return v
    }

    public func string(_ name: String, maxLength: Int = 256) throws(RPCErrorObject) -> String {
        let v = try require(name)
        guard case .string(let s) = v else { throw RPCErrorObject.invalidParams(name, "expected string, got \(v.typeName)") }
        guard s.utf8.count <= maxLength else { throw RPCErrorObject.invalidParams(name, "longer than \(maxLength) bytes") }
        return s
    }

    public func optionalString(_ name: String, maxLength: Int = 256) throws(RPCErrorObject) -> String? {
        has(name) ? try string(name, maxLength: maxLength) : nil
    }

    public func int(_ name: String, in range: ClosedRange<Int64>) throws(RPCErrorObject) -> Int64 {
        let v = try require(name)
        guard let i = v.intValue else { throw RPCErrorObject.invalidParams(name, "expected integer, got \(v.typeName)") }
        guard range.contains(i) else {
            throw RPCErrorObject.invalidParams(name, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return i
    }

    public func optionalInt(_ name: String, in range: ClosedRange<Int64>) throws(RPCErrorObject) -> Int64? {
        has(name) ? try int(name, in: range) : nil
    }

    /// A finite number (coordinates in metres).
    public func double(_ name: String) throws(RPCErrorObject) -> Double {
        let v = try require(name)
        guard let d = v.doubleValue, d.isFinite else { throw RPCErrorObject.invalidParams(name, "expected a finite number, got \(v.typeName)") }
        return d
    }

    public func bool(_ name: String) throws(RPCErrorObject) -> Bool {
        let v = try require(name)
        guard case .bool(let b) = v else { throw RPCErrorObject.invalidParams(name, "expected boolean, got \(v.typeName)") }
        return b
    }

    /// One of a fixed set of strings.
    public func oneOf(_ name: String, _ choices: [String]) throws(RPCErrorObject) -> String {
        let s = try string(name)
        guard choices.contains(s) else { throw RPCErrorObject.invalidParams(name, "must be one of \(choices.joined(separator: ", "))") }
        return s
    }

    /// Lower-case hex of exactly `bytes` bytes.
    public func hex(_ name: String, bytes: Int) throws(RPCErrorObject) -> String {
        let s = try string(name, maxLength: bytes * 2)
        guard s.utf8.count == bytes * 2, s.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw RPCErrorObject.invalidParams(name, "expected \(bytes * 2) lower-case hex characters")
        }
        return s
    }

    /// An idempotency key: 1...128 printable ASCII characters.
    public func idempotencyKey(_ name: String = "idempotencyKey") throws(RPCErrorObject) -> String {
        let s = try string(name, maxLength: 128)
        guard !s.isEmpty, s.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw RPCErrorObject.invalidParams(name, "must be 1 to 128 printable ASCII characters without spaces")
        }
        return s
    }
}
