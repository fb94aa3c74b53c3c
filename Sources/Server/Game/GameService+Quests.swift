import Contracts
import Foundation
import GRDB
import Ledger
import PurrCrypto
import Quests
import RPC
import WebSocketTransport
import World

extension GameService {
    // MARK: Loading and saving

    /// Fills the cache with the active quests and participations from the database (at start-up).
    public func loadActiveQuests() throws {
        let (quests, parts) = try db.read { db -> ([Quest], [(String, String, String)]) in
            let bodies = try String.fetchAll(db, sql: "SELECT body FROM game_quests WHERE status = 'active'")
            let parts = try Row.fetchAll(db, sql: """
                SELECT p.quest_id, p.account, p.progress FROM game_participants p
                JOIN game_quests q ON q.id = p.quest_id
                WHERE q.status = 'active' AND p.status = 'active'
                """).map { ($0["quest_id"] as String, $0["account"] as String, $0["progress"] as String) }
            return (try bodies.map { try Self.decoder.decode(Quest.self, from: Data($0.utf8)) }, parts)
        }
        quests.forEach { self.quests.add($0) }
        for (questID, account, text) in parts {
            let p = try Self.decoder.decode(QuestProgress.self, from: Data(text.utf8))
            self.quests.join(questID, AccountID(rawValue: account), p)
        }
    }

    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func encodeText<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func json<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONValue.parse(bytes: Array(try encoder.encode(value)))
    }

    func insertQuest(_ db: Database, _ quest: Quest) throws {
        try db.execute(sql: """
            INSERT INTO game_quests (id, scope, requester, status, deadline, created_at, max_winners, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [quest.id, quest.scope.rawValue, quest.requester, quest.status.rawValue, quest.deadline,
                             quest.createdAt, quest.maxWinners, try Self.encodeText(quest)])
    }

    func saveQuest(_ db: Database, _ quest: Quest) throws {
        try db.execute(sql: "UPDATE game_quests SET status = ?, body = ? WHERE id = ?",
                       arguments: [quest.status.rawValue, try Self.encodeText(quest), quest.id])
    }

    func insertParticipant(_ db: Database, _ p: QuestProgress, at: Int64) throws {
        try db.execute(sql: """
            INSERT INTO game_participants (quest_id, account, status, progress, joined_at) VALUES (?, ?, 'active', ?, ?)
            """, arguments: [p.questID, p.account, try Self.encodeText(p), at])
    }

    func saveParticipant(_ db: Database, _ p: QuestProgress, status: String) throws {
        try db.execute(sql: "UPDATE game_participants SET status = ?, progress = ? WHERE quest_id = ? AND account = ?",
                       arguments: [status, try Self.encodeText(p), p.questID, p.account])
    }

    func loadQuest(_ db: Database, _ id: String) throws -> Quest? {
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM game_quests WHERE id = ?", arguments: [id]) else { return nil }
        return try Self.decoder.decode(Quest.self, from: Data(body.utf8))
    }

    // MARK: quest.request

    /// Generates, prices and funds a quest. Generation runs off the actor (it suspends here), so
    /// everything that can change meanwhile is checked again inside the paying transaction:
    /// the idempotency key (a twin request on another connection may have won), the active-quest
    /// limit, the rewards pool and the balance.
    func questRequest(_ conn: ConnectionID, _ params: JSONValue?) async throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["scope", "region", "difficulty", "maxWinners", "idempotencyKey"])
        let account = try requireAccount(conn)
        let scope = try QuestScope(rawValue: p.oneOf("scope", ["personal", "global"])) ?? .personal
        let region = try p.optionalString("region", maxLength: 64)
        if let region, world.region(id: region) == nil {
            throw RPCErrorObject(.notFound, "unknown region \"\(region)\"; world.info lists the regions", field: "region")
        }
        let difficulty = try p.optionalInt("difficulty", in: 1...5).map { Int($0) }
        let maxWinners = try p.optionalInt("maxWinners", in: 1...100).map { Int($0) }
        if maxWinners != nil && scope == .personal {
            throw RPCErrorObject.invalidParams("maxWinners", "only global quests have several winners")
        }
        let key = try p.idempotencyKey()
        // A retry is answered from the store, without generating again.
        if let stored = try storedResponse(account: account, key: key, method: "quest.request", params: params) {
            return stored
        }
        try checkActiveQuestLimit(account)
        let digest = SHA256.hash("quest:\(account.rawValue):\(key)")
        let questID = "q-" + Hex.encode(digest.prefix(8))
        let seed = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let at = now()
        let context = QuestRequestContext(world: world, scope: scope, region: region, difficulty: difficulty,
                                          requesterPosition: positions[account]?.point, seed: seed, now: at)
        let spec: QuestSpec
        do {
            spec = try await generation.generate(context)
            try QuestValidator.validate(spec, world: world, origin: context.origin(regionID: spec.region), now: at)
        } catch {
            logger.error("quest generation failed", metadata: ["error": "\(error)"])
            throw RPCErrorObject(.internalError, "the quest generator failed; nothing was charged")
        }
        return try fundQuest(spec, id: questID, context: context, maxWinners: maxWinners, account: account, key: key,
                             params: params)
    }

    /// Prices the generated quest, charges the requester and escrows the reward, all in one
    /// transaction (synchronous, so it runs on the actor without suspending).
    func fundQuest(_ spec: QuestSpec, id questID: String, context: QuestRequestContext, maxWinners: Int?,
                   account: AccountID, key: String, params: JSONValue?) throws -> JSONValue {
        let at = context.now
        let createdAt = Self.millis(at)
        let scope = context.scope
        var created: Quest?
        let result = try db.write { db in
            try idempotent(db, account: account, key: key, method: "quest.request", params: params) {
                try checkActiveQuestLimit(account)
                let quote: QuestQuote
                do {
                    quote = try QuestPricing.quote(spec: spec, world: world, origin: context.origin(regionID: spec.region),
                                                   scope: scope, config: config.economy, maxWinners: maxWinners)
                } catch {
                    throw RPCErrorObject(.internalError, "pricing failed: \(error); nothing was charged")
                }
                var quest = Quest(id: questID, spec: spec, scope: scope, requester: account.rawValue, quote: quote, createdAt: createdAt)
                // Funded below in this same transaction, so it is active the moment anyone can see it.
                quest.status = .active
                guard let escrowAmount = quest.reward.multiplied(by: Int64(quest.maxWinners)) else {
                    throw RPCErrorObject(.internalError, "reward overflow; nothing was charged")
                }
                let pool = try LedgerStore.balance(db, .rewardsPool)
                guard pool >= escrowAmount else {
                    throw RPCErrorObject(.rewardsPoolExhausted,
                                         "the rewards pool holds \(pool.decimalString) micro-PUR, less than this quest's reward \(escrowAmount.decimalString); nothing was charged")
                }
                let balance = try LedgerStore.balance(db, account)
                guard balance >= quest.price else {
                    throw RPCErrorObject(.insufficientFunds,
                                         "the quest costs \(quest.price.decimalString) micro-PUR and your balance is \(balance.decimalString)",
                                         extra: ["price": .string(quest.price.decimalString), "balance": .string(balance.decimalString)])
                }
                let fee = quote.breakdown.treasuryFee
                let poolShare = quest.price.subtracting(fee) ?? .zero
                if fee > .zero {
                    try LedgerStore.move(db, kind: GameAudit.Kind.priceFee, from: account, to: .treasury, amount: fee,
                                         ref: questID, uniqueRef: true, memo: "quest price (treasury fee)", at: at)
                }
                if poolShare > .zero {
                    try LedgerStore.move(db, kind: GameAudit.Kind.pricePool, from: account, to: .rewardsPool, amount: poolShare,
                                         ref: questID, uniqueRef: true, memo: "quest price (rewards pool)", at: at)
                }
                let escrow = AccountID.escrow(questID)
                try LedgerStore.ensureAccount(db, escrow, kind: .escrow, at: at)
                try LedgerStore.move(db, kind: GameAudit.Kind.escrow, from: .rewardsPool, to: escrow, amount: escrowAmount,
                                     ref: questID, uniqueRef: true, memo: "reward escrow", at: at)
                try insertQuest(db, quest)
                let contract: QuestContract
                do { contract = try QuestContract(quest: quest) } catch {
                    throw RPCErrorObject(.internalError, "the quest does not compile into a contract: \(error); nothing was charged")
                }
                try LedgerStore.appendEvent(db, kind: "quest.created",
                                            payload: QuestCreatedRecord(quest: quest, contract: contract, contractHash: try contract.contractHash()), at: at)
                if scope == .personal {
                    try insertParticipant(db, QuestProgress(questID: questID, account: account.rawValue), at: createdAt)
                }
                created = quest
                return ["quest": try Self.json(quest), "price": .string(quest.price.decimalString),
                        "balance": .string(try LedgerStore.balance(db, account).decimalString)]
            }
        }
        if let quest = created {
            quests.add(quest)
            if scope == .personal {
                quests.join(quest.id, account, QuestProgress(questID: quest.id, account: account.rawValue))
            } else {
                broadcast("quest.available", ["quest": (try? Self.json(quest)) ?? .null])
            }
        }
        return result
    }

    /// The `quest.created` event: the quest as players see it, plus its contract (the rules an
    /// auditor re-runs, docs/contracts-language.md) and the contract's hash.
    struct QuestCreatedRecord: Encodable {
        var quest: Quest
        var contract: QuestContract
        var contractHash: String

        private enum Keys: String, CodingKey { case contract, contractHash }

        func encode(to encoder: any Encoder) throws {
            try quest.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(contract, forKey: .contract)
            try c.encode(contractHash, forKey: .contractHash)
        }
    }

    func checkActiveQuestLimit(_ account: AccountID) throws {
        guard quests.activeCount(account) < config.game.maxActiveQuestsPerAccount else {
            throw RPCErrorObject(.limitExceeded, "you already hold \(config.game.maxActiveQuestsPerAccount) active quests; finish or abandon one")
        }
    }

    // MARK: quest.get / quest.list

    func visibleQuest(_ db: Database, _ id: String, to account: AccountID) throws -> Quest {
        guard let quest = try loadQuest(db, id), quest.scope == .global || quest.requester == account.rawValue else {
            throw RPCErrorObject(.notFound, "no quest \"\(id)\" visible to you", field: "questId")
        }
        return quest
    }

    func questGet(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["questId"])
        let account = try requireAccount(conn)
        let id = try p.string("questId", maxLength: 64)
        return try db.read { db in
            let quest = try visibleQuest(db, id, to: account)
            var result: [String: JSONValue] = ["quest": try Self.json(quest)]
            if let text = try String.fetchOne(db, sql: "SELECT progress FROM game_participants WHERE quest_id = ? AND account = ?",
                                              arguments: [id, account.rawValue]) {
                result["progress"] = (try? JSONValue.parse(text)) ?? .null
            }
            return .object(result)
        }
    }

    func questList(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["status", "scope"])
        let account = try requireAccount(conn)
        let status = try p.has("status") ? p.oneOf("status", ["active", "completed", "settled", "expired", "abandoned"]) : nil
        let scope = try p.has("scope") ? p.oneOf("scope", ["personal", "global"]) : nil
        var sql = "SELECT body FROM game_quests WHERE (scope = 'global' OR requester = ?)"
        var args: [any DatabaseValueConvertible] = [account.rawValue]
        if let status { sql += " AND status = ?"; args.append(status) }
        if let scope { sql += " AND scope = ?"; args.append(scope) }
        sql += " ORDER BY created_at DESC, id LIMIT 200"
        let bodies = try db.read { db in try String.fetchAll(db, sql: sql, arguments: StatementArguments(args)) }
        return ["quests": .array(bodies.compactMap { try? JSONValue.parse($0) })]
    }

    // MARK: quest.accept / quest.abandon

    func questAccept(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["questId"])
        let account = try requireAccount(conn)
        let id = try p.string("questId", maxLength: 64)
        let at = now()
        let quest = try db.write { db -> Quest in
            let quest = try visibleQuest(db, id, to: account)
            guard quest.scope == .global else {
                throw RPCErrorObject(.forbidden, "personal quests cannot be joined; they belong to their requester", field: "questId")
            }
            guard quest.status == .active, quest.deadline > Self.millis(at) else {
                throw RPCErrorObject(.questNotActive, "quest \(id) is \(quest.status.rawValue)", field: "questId")
            }
            // Paying a reward to the requester would only move the pool's PUR to the one who chose the quest.
            guard quest.requester != account.rawValue else {
                throw RPCErrorObject(.forbidden, "you cannot take part in a global quest you requested", field: "questId")
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM game_participants WHERE quest_id = ? AND account = ?",
                                 arguments: [id, account.rawValue]) == true {
                throw RPCErrorObject(.conflict, "you already joined quest \(id)", field: "questId")
            }
            guard quests.activeCount(account) < config.game.maxActiveQuestsPerAccount else {
                throw RPCErrorObject(.limitExceeded, "you already hold \(config.game.maxActiveQuestsPerAccount) active quests")
            }
            try insertParticipant(db, QuestProgress(questID: id, account: account.rawValue), at: Self.millis(at))
            try LedgerStore.appendEvent(db, kind: "quest.accepted", payload: ["questId": id, "account": account.rawValue], at: at)
            return quest
        }
        quests.join(id, account, QuestProgress(questID: id, account: account.rawValue))
        return ["quest": try Self.json(quest)]
    }

    func questAbandon(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["questId"])
        let account = try requireAccount(conn)
        let id = try p.string("questId", maxLength: 64)
        let at = now()
        let (quest, ended) = try db.write { db -> (Quest, Bool) in
            var quest = try visibleQuest(db, id, to: account)
            guard quest.status == .active else {
                throw RPCErrorObject(.questNotActive, "quest \(id) is \(quest.status.rawValue)", field: "questId")
            }
            guard let text = try String.fetchOne(db, sql: "SELECT progress FROM game_participants WHERE quest_id = ? AND account = ? AND status = 'active'",
                                                 arguments: [id, account.rawValue]) else {
                throw RPCErrorObject(.notFound, "you are not taking part in quest \(id)", field: "questId")
            }
            let progress = try Self.decoder.decode(QuestProgress.self, from: Data(text.utf8))
            try saveParticipant(db, progress, status: "abandoned")
            try LedgerStore.appendEvent(db, kind: "quest.abandoned", payload: ["questId": id, "account": account.rawValue], at: at)
            guard quest.scope == .personal else { return (quest, false) }
            try refundEscrow(db, quest, at: at)
            quest.status = .abandoned
            try saveQuest(db, quest)
            return (quest, true)
        }
        if ended { quests.remove(id) } else { quests.leave(id, account) }
        return ["quest": try Self.json(quest)]
    }

    /// Returns what is left in a quest's escrow to the rewards pool (once: the ref is unique).
    func refundEscrow(_ db: Database, _ quest: Quest, at: Date) throws {
        let escrow = AccountID.escrow(quest.id)
        let left = try LedgerStore.balance(db, escrow)
        if left > .zero {
            try LedgerStore.move(db, kind: GameAudit.Kind.refund, from: escrow, to: .rewardsPool, amount: left,
                                 ref: quest.id, uniqueRef: true, memo: "escrow returned", at: at)
        }
    }

    // MARK: Expiry

    /// Expires every active quest whose deadline has passed, returning its escrow; notifies
    /// the participants. Runs on a timer and once at start-up.
    public func expireDue() throws {
        let nowMs = nowMillis
        let due = quests.active.values.filter { $0.deadline <= nowMs }.sorted { $0.deadline < $1.deadline }
        for var quest in due {
            let at = now()
            try db.write { db in
                try refundEscrow(db, quest, at: at)
                quest.status = .expired
                try saveQuest(db, quest)
                try db.execute(sql: "UPDATE game_participants SET status = 'expired' WHERE quest_id = ? AND status = 'active'",
                               arguments: [quest.id])
                try LedgerStore.appendEvent(db, kind: "quest.expired", payload: ["questId": quest.id], at: at)
            }
            var told = Set(quests.remove(quest.id))
            told.insert(AccountID(rawValue: quest.requester))
            for account in told { notify(account, "quest.expired", ["questId": .string(quest.id)]) }
        }
    }
}
