/// Coding helpers shared by the contract types: version 1 refuses keys it does not define,
/// so a document written for a later version can never be read as a weaker v1 one.
struct ContractKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int?

    init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

enum ContractCoding {
    /// The JSON path of a coding path, in the form `ContractError.path` uses.
    static func path(_ codingPath: [any CodingKey], appending last: String? = nil) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        if let last {
            path += path.isEmpty ? last : ".\(last)"
        }
        return path
    }

    /// Opens an object and refuses any key outside `allowed`.
    static func object(
        _ decoder: any Decoder, allowed: Set<String>
    ) throws -> KeyedDecodingContainer<ContractKey> {
        let container = try decoder.container(keyedBy: ContractKey.self)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !allowed.contains($0) }) {
            throw ContractError(
                code: .unknownField, path: path(decoder.codingPath, appending: unknown),
                reason: "version 1 defines no \"\(unknown)\" here; allowed: \(allowed.sorted().joined(separator: ", "))")
        }
        return container
    }

    /// Maps a Foundation decoding failure to a contract error naming the JSON path.
    static func error(from error: DecodingError) -> ContractError {
        switch error {
        case .keyNotFound(let key, let context):
            return ContractError(
                code: .malformed, path: path(context.codingPath, appending: key.stringValue),
                reason: "the key \"\(key.stringValue)\" is missing")
        case .typeMismatch(let type, let context):
            return ContractError(code: .malformed, path: path(context.codingPath), reason: "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return ContractError(code: .malformed, path: path(context.codingPath), reason: "expected \(type), found null")
        case .dataCorrupted(let context):
            return ContractError(code: .malformed, path: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return ContractError(code: .malformed, path: "", reason: "\(error)")
        }
    }
}
