/// A quest written as a contract that anyone can re-evaluate from the event log, on any
/// machine, at any later time, with the same result.
///
/// Everything evaluation needs is inside: the times, and the conditions with their
/// coordinates resolved, so no map, clock or catalog is consulted. JSON (version 1):
/// ```json
/// {"v": 1, "questID": "q-1", "createdAt": 1738000000000, "deadline": 1738003600000,
///  "maxWinners": 1, "condition": {"allInOrder": [{"reach": {"radius": 25, "x": 1200, "y": 1500}}]}}
/// ```
/// Build one with `init(quest:)` or the memberwise initialiser, check it with `validate()`,
/// fingerprint it with `contractHash()`, and evaluate it with `ContractEvaluator`.
public struct QuestContract: Hashable, Sendable {
    /// The only language version this code reads and writes.
    public static let currentVersion = 1
    /// Conditions may nest at most this deep (the root is depth 1).
    public static let maxDepth = 8
    /// A contract holds at most this many conditions, every `when` included.
    public static let maxNodes = 64
    /// A collect names at most this many sources.
    public static let maxSources = 64
    /// Coordinates and radii are refused beyond this many metres from the origin.
    public static let maxCoordinate = 1e9

    /// The language version, `v` in JSON; always `currentVersion` for a decoded contract.
    public let version: Int
    /// The quest this contract records.
    public var questID: String
    /// Unix ms; observations before it are ignored.
    public var createdAt: Int64
    /// Unix ms; observations after it are ignored, and one at or after it ends an unfinished participant.
    public var deadline: Int64
    /// How many participants the quest pays; used by the quest's lifecycle, not per participant.
    public var maxWinners: Int
    /// What a participant must do.
    public var condition: ContractCondition

    /// Makes a version-1 contract; call `validate()` before trusting it.
    public init(questID: String, createdAt: Int64, deadline: Int64, maxWinners: Int, condition: ContractCondition) {
        self.version = Self.currentVersion
        self.questID = questID
        self.createdAt = createdAt
        self.deadline = deadline
        self.maxWinners = maxWinners
        self.condition = condition
    }
}

extension QuestContract: Codable {
    private static let keys: Set<String> = ["v", "questID", "createdAt", "deadline", "maxWinners", "condition"]

    /// Reads the version first and refuses any other than 1 before looking at the rest,
    /// since a later version may mean something else by the same keys.
    /// - Throws: `ContractError` (`.unsupportedVersion`, `.unknownField`, `.unknownCondition`)
    ///   or a `DecodingError` for malformed JSON; `QuestContract.decode(_:)` maps both to `ContractError`.
    public init(from decoder: any Decoder) throws {
        let probe = try decoder.container(keyedBy: ContractKey.self)
        let version = try probe.decode(Int.self, forKey: ContractKey("v"))
        guard version == Self.currentVersion else {
            throw ContractError(
                code: .unsupportedVersion, path: ContractCoding.path(decoder.codingPath, appending: "v"),
                reason: "this is a version \(version) contract; only version \(Self.currentVersion) is understood")
        }
        let c = try ContractCoding.object(decoder, allowed: Self.keys)
        self.version = version
        questID = try c.decode(String.self, forKey: ContractKey("questID"))
        createdAt = try c.decode(Int64.self, forKey: ContractKey("createdAt"))
        deadline = try c.decode(Int64.self, forKey: ContractKey("deadline"))
        maxWinners = try c.decode(Int.self, forKey: ContractKey("maxWinners"))
        condition = try c.decode(ContractCondition.self, forKey: ContractKey("condition"))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ContractKey.self)
        try c.encode(version, forKey: ContractKey("v"))
        try c.encode(questID, forKey: ContractKey("questID"))
        try c.encode(createdAt, forKey: ContractKey("createdAt"))
        try c.encode(deadline, forKey: ContractKey("deadline"))
        try c.encode(maxWinners, forKey: ContractKey("maxWinners"))
        try c.encode(condition, forKey: ContractKey("condition"))
    }
}
