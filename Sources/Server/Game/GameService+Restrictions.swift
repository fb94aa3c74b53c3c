import AntiCheat
import GRDB
import Ledger
import RPC
import WebSocketTransport

/// Anti-cheat restrictions (docs/anti-cheat.md): strikes from teleports bar an account from NFT
/// claims, then from quest rewards, until they age out. The player sees the level, the reason
/// and until when in `account.status` and the `account.restricted` notification.
extension GameService {
    /// What an anti-cheat restriction can bar an account from.
    enum RestrictedAction: String, Sendable {
        case claims, rewards
    }

    /// The account's restriction from `action`, with its reason; nil when it may act.
    func restriction(_ account: AccountID, from action: RestrictedAction) -> String? {
        guard let model = (try? movementModel(account)),
              let r = model.restriction(now: nowMillis, settings: movementRules.settings) else { return nil }
        switch action {
        case .claims: return r.level.blocksClaims ? r.reason : nil
        case .rewards: return r.level.blocksQuestRewards ? r.reason : nil
        }
    }

    func checkNotRestricted(_ account: AccountID, from action: RestrictedAction) throws {
        if let reason = restriction(account, from: action) {
            throw RPCErrorObject(.accountRestricted, "your account is restricted from \(action == .claims ? "NFT claims" : "quest rewards"): \(reason)",
                                 extra: ["reason": .string(reason)])
        }
    }

    static func restrictionJSON(_ r: Restriction?, level: RestrictionLevel? = nil) -> JSONValue {
        guard let r else { return ["level": .string((level ?? .unrestricted).rawValue), "reason": .null, "until": .null] }
        return ["level": .string(r.level.rawValue), "reason": .string(r.reason), "until": .int(r.until), "strikes": .int(Int64(r.strikes)),
                "blocksClaims": .bool(r.level.blocksClaims), "blocksQuestRewards": .bool(r.level.blocksQuestRewards)]
    }

    /// `account.status`: your restriction (if any), its reason, strikes and cool-down.
    func accountStatus(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let account = try requireAccount(conn)
        var model = try movementModel(account)
        let nowMs = nowMillis
        if let change = model.refresh(now: nowMs, settings: movementRules.settings) {
            let at = now()
            try db.write { db in
                try LedgerStore.appendEvent(db, kind: RestrictionChangedEvent.kind, payload: change, at: at)
                try saveMovementModel(db, model)
            }
        }
        movementModels[account] = model
        let restriction = model.restriction(now: nowMs, settings: movementRules.settings)
        let cooling = model.coolingDownUntil.flatMap { $0 > nowMs ? JSONValue.int($0) : nil } ?? .null
        return ["account": .string(account.rawValue), "restriction": Self.restrictionJSON(restriction),
                "strikes": .int(Int64(model.strikes.count)), "coolingDownUntil": cooling]
    }

    static func registerAntiCheatMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("anticheat-v1") { db in
            try db.execute(sql: "CREATE TABLE anticheat_models (account TEXT PRIMARY KEY, body TEXT NOT NULL)")
        }
    }
}
