import AntiCheat
import Foundation
import GRDB
import Ledger
import Quests
import RPC
import WebSocketTransport
import World

extension GameService {
    /// The account's movement model: from memory, from the database, or new from its last position.
    func movementModel(_ account: AccountID) throws -> MovementModel {
        if let m = movementModels[account] { return m }
        let stored = try db.read { db in
            try String.fetchOne(db, sql: "SELECT body FROM anticheat_models WHERE account = ?", arguments: [account.rawValue])
        }
        let model = try stored.map { try Self.decoder.decode(MovementModel.self, from: Data($0.utf8)) }
            ?? MovementModel(account: account.rawValue, lastAccepted: try lastReport(account))
        movementModels[account] = model
        return model
    }

    func saveMovementModel(_ db: Database, _ model: MovementModel) throws {
        try db.execute(sql: "INSERT INTO anticheat_models (account, body) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET body = excluded.body",
                       arguments: [model.account, try Self.encodeText(model)])
    }

    /// The account's last accepted report: from memory, or from the database after a restart.
    func lastReport(_ account: AccountID) throws -> PositionReport? {
        if let p = positions[account] { return p }
        guard let row = try db.read({ db in
            try Row.fetchOne(db, sql: "SELECT x, y, received_at, client_ts FROM game_positions WHERE account = ?", arguments: [account.rawValue])
        }) else { return nil }
        let last = PositionReport(point: Point(x: row["x"], y: row["y"]), clientTime: row["client_ts"], serverTime: row["received_at"])
        positions[account] = last
        return last
    }

    struct RejectedPosition: Encodable {
        var account: String
        var x: Double
        var y: Double
        var timestamp: Int64
        var receivedAt: Int64
        var flags: [String]
    }

    /// A position that advanced (`quest.progress`) or completed (`quest.completed`) a quest,
    /// with what the server observed there: an auditor feeds these to the quest's contract.
    struct ProgressRecord: Encodable {
        var questId: String
        var account: String
        var objectiveIndex: Int
        var x: Double
        var y: Double
        var at: Int64
        var weather: Weather?
        var gameHour: Int

        init(questId: String, account: String, objectiveIndex: Int, observation o: ProgressObservation) {
            self.questId = questId
            self.account = account
            self.objectiveIndex = objectiveIndex
            x = o.point.x
            y = o.point.y
            at = o.time
            weather = o.weather
            gameHour = o.gameTime.hour
        }
    }

    func positionReport(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["x", "y", "timestamp"])
        let account = try requireAccount(conn)
        let x = try p.double("x")
        let y = try p.double("y")
        let timestamp = try p.int("timestamp", in: 0...Int64(4_102_444_800_000))
        let received = nowMillis
        let report = PositionReport(point: Point(x: x, y: y), clientTime: timestamp, serverTime: received)
        var model = try movementModel(account)
        let ruling = model.evaluate(report, rules: movementRules)
        movementModels[account] = model
        if !ruling.isAccepted || !ruling.events.isEmpty {
            let names = ruling.flagNames
            let at = now()
            try db.write { db in
                for event in ruling.events { try LedgerStore.appendEvent(db, kind: event.kind, payload: event, at: at) }
                if !ruling.events.isEmpty { try saveMovementModel(db, model) }
                if !ruling.isAccepted {
                    try LedgerStore.appendEvent(db, kind: "position.rejected", payload: RejectedPosition(
                        account: account.rawValue, x: x, y: y, timestamp: timestamp, receivedAt: received, flags: names), at: at)
                }
            }
            if let change = ruling.restrictionChange {
                notify(account, "account.restricted", Self.restrictionJSON(model.restriction(now: received, settings: movementRules.settings),
                                                                        level: change.level))
            }
        }
        if !ruling.isAccepted {
            let names = ruling.flagNames
            var data: [String: JSONValue] = ["code": .string(RPCErrorCode.positionRejected.name), "flags": .array(names.map { JSONValue.string($0) })]
            if case .coolingDown(let until) = ruling.verdict { data["coolingDownUntil"] = .int(until) }
            if case .teleport(let distance) = ruling.verdict {
                data["coolingDownUntil"] = model.coolingDownUntil.map { .int($0) } ?? .null
                data["distance"] = .double(distance.rounded())
            }
            throw RPCErrorObject(code: RPCErrorCode.positionRejected.rawValue,
                                 message: "position rejected: \(names.joined(separator: ", "))", data: .object(data))
        }
        positions[account] = report
        let claimed = try resolveClaims(account, at: report.point) ?? []
        var completed: [String] = []
        for questID in (quests.byAccount[account] ?? []).sorted() {
            guard let quest = quests.active[questID], var progress = quests.progress[questID]?[account] else { continue }
            let observation = ProgressObservation(point: report.point, time: received, world: world)
            let events = progress.advance(in: quest, with: observation)
            let changed = events.contains { e in
                switch e {
                case .collected, .objectiveCompleted, .questCompleted: return true
                case .conditionsNotMet, .ignored: return false
                }
            }
            guard changed else { continue }
            try recordPickups(events, quest: quest, account: account, observation: observation)
            if progress.isComplete {
                try settle(quest, account: account, progress: progress, at: observation)
                completed.append(questID)
            } else {
                let at = now()
                try db.write { db in
                    try saveParticipant(db, progress, status: "active")
                    try LedgerStore.appendEvent(db, kind: "quest.progress", payload: ProgressRecord(
                        questId: questID, account: account.rawValue, objectiveIndex: progress.objectiveIndex, observation: observation), at: at)
                }
                quests.progress[questID]?[account] = progress
            }
        }
        return ["accepted": true, "completed": .array(completed.map { .string($0) }), "claimed": .array(claimed.map { .string($0) }),
                "flags": []]
    }

    /// One collected unit: the server-side inventory (docs/contracts-language.md), a log leaf.
    struct PickupRecord: Encodable {
        var questId: String
        var account: String
        var item: String
        var source: Int
        var have: Int
        var need: Int
        var x: Double
        var y: Double
        var at: Int64
    }

    /// Appends an `item.picked` event for each unit `events` collected.
    func recordPickups(_ events: [ProgressEvent], quest: Quest, account: AccountID, observation: ProgressObservation) throws {
        let pickups: [PickupRecord] = events.compactMap { e in
            guard case .collected(let objective, let source, let have, let need) = e, quest.objectives.indices.contains(objective),
                  case .collect(let collect) = quest.objectives[objective] else { return nil }
            return PickupRecord(questId: quest.id, account: account.rawValue, item: collect.item, source: source, have: have, need: need,
                                x: observation.point.x, y: observation.point.y, at: observation.time)
        }
        guard !pickups.isEmpty else { return }
        let at = now()
        try db.write { db in
            for p in pickups { try LedgerStore.appendEvent(db, kind: "item.picked", payload: p, at: at) }
        }
    }

    /// Records a completion and pays it in one transaction: the first `maxWinners` completers
    /// of a quest are paid from its escrow, each at most once (the ledger's unique ref).
    func settle(_ quest: Quest, account: AccountID, progress: QuestProgress, at observation: ProgressObservation) throws {
        var quest = quest
        let at = now()
        var txId: Int64?
        var leafIndex: Int64 = 0
        let restricted = restriction(account, from: .rewards)
        let paid = restricted == nil && quest.winners.count < quest.maxWinners && !quest.winners.contains(account.rawValue)
        try db.write { db in
            try saveParticipant(db, progress, status: "completed")
            try LedgerStore.appendEvent(db, kind: "quest.completed", payload: ProgressRecord(
                questId: quest.id, account: account.rawValue, objectiveIndex: progress.objectiveIndex, observation: observation), at: at)
            leafIndex = try Self.lastLeafIndex(db)
            guard paid else { return }
            txId = try LedgerStore.move(db, kind: GameAudit.Kind.reward, from: .escrow(quest.id), to: account, amount: quest.reward,
                                        ref: "\(quest.id):\(account.rawValue)", uniqueRef: true, memo: "quest reward", at: at)
            quest.winners.append(account.rawValue)
            if quest.winners.count >= quest.maxWinners {
                quest.status = .settled
                try refundEscrow(db, quest, at: at)
                try db.execute(sql: "UPDATE game_participants SET status = 'closed' WHERE quest_id = ? AND status = 'active'",
                               arguments: [quest.id])
            }
            try saveQuest(db, quest)
            try LedgerStore.appendEvent(db, kind: "quest.settled", payload: [
                "questId": quest.id, "account": account.rawValue, "reward": quest.reward.decimalString,
                "txId": String(txId ?? 0), "status": quest.status.rawValue,
            ], at: at)
            leafIndex = try Self.lastLeafIndex(db)
        }
        var told: Set<AccountID> = [account, AccountID(rawValue: quest.requester)]
        if quest.status == .active {
            quests.active[quest.id] = quest
            quests.leave(quest.id, account)
            if quest.scope == .global { told.formUnion(quests.progress[quest.id]?.keys ?? [:].keys) }
        } else {
            told.formUnion(quests.remove(quest.id))
        }
        var params: [String: JSONValue] = [
            "questId": .string(quest.id), "account": .string(account.rawValue),
            "reward": .string(paid ? quest.reward.decimalString : "0"), "paid": .bool(paid), "status": .string(quest.status.rawValue),
            "leafIndex": .int(leafIndex),
        ]
        if let txId { params["txId"] = .int(txId) }
        for a in told { notify(a, "quest.completed", .object(params)) }
    }

    func persistPosition(_ account: AccountID) {
        guard let p = positions[account] else { return }
        do {
            try db.write { db in
                try db.execute(sql: """
                    INSERT INTO game_positions (account, x, y, received_at, client_ts) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(account) DO UPDATE SET x = excluded.x, y = excluded.y,
                        received_at = excluded.received_at, client_ts = excluded.client_ts
                    """, arguments: [account.rawValue, p.point.x, p.point.y, p.serverTime, p.clientTime])
                if let model = movementModels[account] { try saveMovementModel(db, model) }
            }
        } catch {
            logger.error("saving a position failed", metadata: ["account": "\(account)", "error": "\(error)"])
        }
    }

    /// Saves every account's last accepted position (at shutdown), so the speed check holds across a restart.
    public func persistAllPositions() {
        for account in positions.keys { persistPosition(account) }
    }
}
