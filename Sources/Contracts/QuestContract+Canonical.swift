import Foundation
import PurrCrypto

extension QuestContract {
    /// The one byte sequence this contract is written as: JSON with keys sorted by their
    /// UTF-8 bytes, no whitespace, metres as fixed decimals on the millimetre grid.
    ///
    /// ```swift
    /// try contract.canonicalJSON()
    /// // {"condition":{"reach":{"radius":25,"x":1200,"y":1500}},"createdAt":0,"deadline":60000,"maxWinners":1,"questID":"q","v":1}
    /// ```
    /// - Throws: `ContractError` when the contract is invalid; an invalid contract has no canonical form.
    public func canonicalJSON() throws(ContractError) -> String {
        try validate()
        return CanonicalJSON.object([
            "v": .integer(Int64(version)),
            "questID": .string(questID),
            "createdAt": .integer(createdAt),
            "deadline": .integer(deadline),
            "maxWinners": .integer(Int64(maxWinners)),
            "condition": Self.canonical(condition),
        ]).text
    }

    /// The contract's fingerprint: lower-case hex SHA-256 of the UTF-8 bytes of `canonicalJSON()`.
    /// Logs and receipts name a contract by it; equal contracts have equal hashes everywhere.
    /// - Throws: `ContractError` when the contract is invalid.
    public func contractHash() throws(ContractError) -> String {
        Hex.encode(SHA256.hash(Array(try canonicalJSON().utf8)))
    }

    /// Reads a contract from JSON and validates it.
    ///
    /// ```swift
    /// let contract = try QuestContract.decode(Data(json.utf8))
    /// ```
    /// - Throws: `ContractError`: `.unsupportedVersion` for any `v` but 1, `.malformed` for
    ///   JSON that is not a contract, or the first rule the contract breaks.
    public static func decode(_ data: Data) throws(ContractError) -> QuestContract {
        let contract: QuestContract
        do {
            contract = try JSONDecoder().decode(QuestContract.self, from: data)
        } catch let error as ContractError {
            throw error
        } catch let error as DecodingError {
            throw ContractCoding.error(from: error)
        } catch {
            throw ContractError(code: .malformed, path: "", reason: "not a contract: \(error)")
        }
        try contract.validate()
        return contract
    }

    private static func canonical(_ condition: ContractCondition) -> CanonicalJSON {
        let body: CanonicalJSON
        switch condition {
        case .reach(let area):
            body = canonical(area)
        case .collect(let item, let count, let sources, let when):
            var fields: [String: CanonicalJSON] = [
                "item": .string(item), "count": .integer(Int64(count)), "sources": .array(sources.map(canonical)),
            ]
            if let when { fields["when"] = canonical(when) }
            body = .object(fields)
        case .weather(let allowed):
            body = .array(allowed.map { .string($0.rawValue) })
        case .gameTime(let from, let to):
            body = .object(["fromHour": .integer(Int64(from)), "toHour": .integer(Int64(to))])
        case .all(let parts), .allInOrder(let parts), .anyOf(let parts):
            body = .array(parts.map(canonical))
        }
        return .object([condition.kind: body])
    }

    private static func canonical(_ area: ContractArea) -> CanonicalJSON {
        var fields: [String: CanonicalJSON] = ["x": .metres(area.x), "y": .metres(area.y), "radius": .metres(area.radius)]
        if let poi = area.poi { fields["poi"] = .string(poi) }
        return .object(fields)
    }
}
