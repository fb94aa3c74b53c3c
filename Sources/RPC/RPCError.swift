/// The error member of a JSON-RPC 2.0 response.
///
/// `data.code` carries a stable snake_case name for every application error, and
/// `data.field` the parameter that was wrong, so clients can branch without parsing prose.
public struct RPCErrorObject: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public init(_ code: RPCErrorCode, _ message: String, field: String? = nil, extra: [String: JSONValue] = [:]) {
        var d = extra
        d["code"] = .string(code.name)
        if let field { d["field"] = .string(field) }
        self.init(code: code.rawValue, message: message, data: .object(d))
    }

    /// The stable name from `data.code`, if the server sent one.
    public var name: String? { data?["code"]?.stringValue }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { o["data"] = data }
        return .object(o)
    }

    public init?(json: JSONValue) {
        guard let code = json["code"]?.intValue, let message = json["message"]?.stringValue else { return nil }
        self.init(code: Int(code), message: message, data: json["data"])
    }

    public var description: String { "\(code) \(name ?? "") \(message)" }

    public static func invalidParams(_ field: String, _ message: String) -> RPCErrorObject {
        RPCErrorObject(.invalidParams, "invalid params: \(field): \(message)", field: field)
    }
}

/// Every error code the server sends. The numbers and names are part of the protocol:
/// never renumber one; add new ones at the end.
public enum RPCErrorCode: Int, Sendable, CaseIterable {
    // JSON-RPC 2.0 standard codes.
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    // Application codes (-32000 ... -32099 is reserved for implementations).
    case unauthenticated = -32001
    case forbidden = -32002
    case insufficientFunds = -32003
    case notFound = -32004
    case idempotencyConflict = -32005
    case rateLimited = -32006
    case positionRejected = -32007
    case questNotActive = -32008
    case authFailed = -32009
    case sessionExpired = -32010
    case conflict = -32011
    case rewardsPoolExhausted = -32012
    case unavailable = -32013
    case limitExceeded = -32014
    case nftClaimed = -32015
    case nftExpired = -32016
    case accountRestricted = -32017
    case trainingRefused = -32018

    /// The stable snake_case name sent in `error.data.code`.
    public var name: String {
        switch self {
        case .parseError: return "parse_error"
        case .invalidRequest: return "invalid_request"
        case .methodNotFound: return "method_not_found"
        case .invalidParams: return "invalid_params"
        case .internalError: return "internal_error"
        case .unauthenticated: return "unauthenticated"
        case .forbidden: return "forbidden"
        case .insufficientFunds: return "insufficient_funds"
        case .notFound: return "not_found"
        case .idempotencyConflict: return "idempotency_conflict"
        case .rateLimited: return "rate_limited"
        case .positionRejected: return "position_rejected"
        case .questNotActive: return "quest_not_active"
        case .authFailed: return "auth_failed"
        case .sessionExpired: return "session_expired"
        case .conflict: return "conflict"
        case .rewardsPoolExhausted: return "rewards_pool_exhausted"
        case .unavailable: return "unavailable"
        case .limitExceeded: return "limit_exceeded"
        case .nftClaimed: return "nft_claimed"
        case .nftExpired: return "nft_expired"
        case .accountRestricted: return "account_restricted"
        case .trainingRefused: return "training_refused"
        }
    }

    /// One line for docs and the OpenRPC document: when a client sees it.
    public var meaning: String {
        switch self {
        case .parseError: return "The message is not valid JSON."
        case .invalidRequest: return "The JSON is not a valid JSON-RPC 2.0 request object."
        case .methodNotFound: return "No such method."
        case .invalidParams: return "A parameter is missing, of the wrong type or out of range; data.field names it."
        case .internalError: return "The server failed; nothing was changed."
        case .unauthenticated: return "The method needs a signed-in connection (auth.login or auth.resume)."
        case .forbidden: return "Not allowed for this account or this server mode (e.g. faucet without --dev)."
        case .insufficientFunds: return "The account's balance is lower than the amount needed; nothing moved."
        case .notFound: return "The named quest, account or entry does not exist."
        case .idempotencyConflict: return "The idempotencyKey was already used with other parameters."
        case .rateLimited: return "Too many requests on this connection; slow down."
        case .positionRejected: return "The position report is impossible (too fast, out of the map, bad time); it was recorded with a flag."
        case .questNotActive: return "The quest is no longer active (completed, settled, expired or abandoned)."
        case .authFailed: return "Bad signature, unknown, reused or expired nonce."
        case .sessionExpired: return "The session token is unknown or expired; sign in again."
        case .conflict: return "The request conflicts with the current state (e.g. quest already accepted)."
        case .rewardsPoolExhausted: return "The rewards pool cannot cover the quest's reward; nothing was charged."
        case .unavailable: return "The server is shutting down or the service is unavailable."
        case .limitExceeded: return "A configured limit was reached (e.g. too many active quests)."
        case .nftClaimed: return "The NFT already has an owner; a pending claim on it was refunded."
        case .nftExpired: return "The NFT drop expired before anyone picked it up."
        case .accountRestricted: return "Anti-cheat strikes restrict this account (data.reason says why and until when)."
        case .trainingRefused: return "An AI runner's request or update was refused; data.reason is a stable train.*, update.* or wire.* code."
        }
    }
}
