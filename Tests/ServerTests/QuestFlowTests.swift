import Foundation
import GRDB
import Ledger
import PurrCrypto
import RPC
import Testing
import WebSocketTransport
import World
@testable import Server

extension GameHarness {
    /// Reports a position at the test clock's time.
    mutating func report(_ conn: ConnectionID, _ x: Double, _ y: Double) async throws -> JSONValue {
        try await call(conn, "position.report", ["x": .double(x), "y": .double(y), "timestamp": .int(Int64(clock.now.timeIntervalSince1970 * 1000))])
    }

    /// The places to visit, in order, to finish a quest's objectives.
    static func waypoints(_ quest: JSONValue) -> [(Double, Double)] {
        var points: [(Double, Double)] = []
        for objective in quest["objectives"]?.arrayValue ?? [] {
            if objective["type"] == "reach", let t = objective["target"] {
                points.append((t["x"]?.doubleValue ?? 0, t["y"]?.doubleValue ?? 0))
            } else if objective["type"] == "collect" {
                let count = Int(objective["count"]?.intValue ?? 0)
                for s in (objective["sources"]?.arrayValue ?? []).prefix(count) {
                    points.append((s["x"]?.doubleValue ?? 0, s["y"]?.doubleValue ?? 0))
                }
            }
        }
        return points
    }

    /// Walks from (x, y) through every waypoint at 10 m/s, one report a second. Returns the ids
    /// reported completed along the way and where the walk ended.
    mutating func walk(_ conn: ConnectionID, from start: (Double, Double), through points: [(Double, Double)]) async throws -> (completed: [String], end: (Double, Double)) {
        var (x, y) = start
        var completed: [String] = []
        for (tx, ty) in points {
            while true {
                let dx = tx - x, dy = ty - y
                let d = (dx * dx + dy * dy).squareRoot()
                let step = 10.0
                if d <= step { x = tx; y = ty } else { x += dx / d * step; y += dy / d * step }
                clock.advance(1)
                let r = try await report(conn, x, y)
                completed += (r["completed"]?.arrayValue ?? []).compactMap(\.stringValue)
                if d <= step { break }
            }
        }
        return (completed, (x, y))
    }

    mutating func player(funded amount: String = "100000000") async throws -> (ConnectionID, Ed25519PrivateKey) {
        let c = await connect()
        let key = try await signIn(c)
        if amount != "0" { _ = try await call(c, "wallet.faucet", ["amount": .string(amount)]) }
        return (c, key)
    }

    func balance(_ account: String) throws -> Int64 {
        try db.read { db in try LedgerStore.balance(db, AccountID(rawValue: account)).micro }
    }
}

@Suite struct QuestFlowTests {
    @Test("A personal quest is bought, walked and paid exactly once, and the audit is clean")
    func personalQuestLoop() async throws {
        var h = try await GameHarness()
        let (c, key) = try await h.player()
        let start = h.world.region(id: "catnip-meadows")?.centre ?? Point(x: 0, y: 0)
        _ = try await h.report(c, start.x, start.y)
        let before = try h.balance(key.publicKeyHex)
        let bought = try await h.call(c, "quest.request", ["scope": "personal", "region": "catnip-meadows", "difficulty": 1, "idempotencyKey": "q1"])
        let quest = bought["quest"] ?? .null
        let price = Int64(bought["price"]?.stringValue ?? "") ?? -1
        let reward = Int64(quest["reward"]?.stringValue ?? "") ?? -1
        #expect(price > 0 && reward > 0)
        #expect(bought["balance"] == .string(String(before - price)))
        #expect(quest["status"] == "active")
        let questId = quest["id"]?.stringValue ?? ""

        let walked = try await h.walk(c, from: (start.x, start.y), through: GameHarness.waypoints(quest))
        #expect(walked.completed == [questId])
        #expect(try h.balance(key.publicKeyHex) == before - price + reward)
        let note = h.outbound.notifications(to: c, method: "quest.completed")
        #expect(note.count == 1)
        #expect(note.first?["reward"] == .string(String(reward)))
        #expect(note.first?["paid"] == true)
        let got = try await h.call(c, "quest.get", ["questId": .string(questId)])
        #expect(got["quest"]?["status"] == "settled")
        #expect(got["quest"]?["winners"] == .array([.string(key.publicKeyHex)]))
        // Walking over the target again pays nothing more.
        _ = try await h.walk(c, from: walked.end, through: GameHarness.waypoints(quest).reversed())
        #expect(try h.balance(key.publicKeyHex) == before - price + reward)
        let report = try h.audit()
        #expect(report.isClean, "\(report.violations)")
    }

    @Test("Repeating quest.request with the same key returns the same quest and charges once")
    func requestIdempotent() async throws {
        var h = try await GameHarness()
        let (c, key) = try await h.player()
        let params: JSONValue = ["scope": "personal", "difficulty": 2, "idempotencyKey": "same"]
        let a = try await h.call(c, "quest.request", params)
        let b = try await h.call(c, "quest.request", params)
        #expect(a == b)
        #expect(try h.balance(key.publicKeyHex) == 100_000_000 - (Int64(a["price"]?.stringValue ?? "") ?? 0))
        let other: JSONValue = ["scope": "global", "difficulty": 2, "idempotencyKey": "same"]
        #expect(await errorCode { try await h.call(c, "quest.request", other) } == RPCErrorCode.idempotencyConflict.rawValue)
        #expect(try h.audit().isClean)
    }

    @Test("A player who cannot pay is refused and nothing moves")
    func cannotPay() async throws {
        var h = try await GameHarness()
        let (c, key) = try await h.player(funded: "1")
        let pool = try h.balance("rewards")
        #expect(await errorCode { try await h.call(c, "quest.request", ["scope": "personal", "idempotencyKey": "k"]) } == RPCErrorCode.insufficientFunds.rawValue)
        #expect(try h.balance(key.publicKeyHex) == 1)
        #expect(try h.balance("rewards") == pool)
    }

    @Test("When the rewards pool cannot cover the reward, the request fails and nothing is charged")
    func poolExhausted() async throws {
        var h = try await GameHarness { $0.ledger.initialRewardsPool = Amount(micro: 10) ?? .zero }
        let (c, key) = try await h.player()
        #expect(await errorCode { try await h.call(c, "quest.request", ["scope": "personal", "idempotencyKey": "k"]) } == RPCErrorCode.rewardsPoolExhausted.rawValue)
        #expect(try h.balance(key.publicKeyHex) == 100_000_000)
        #expect(try h.audit().isClean)
    }

    @Test("An unknown region is named in the error")
    func unknownRegion() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player()
        do {
            _ = try await h.call(c, "quest.request", ["scope": "personal", "region": "atlantis", "idempotencyKey": "k"])
            Issue.record("expected an error")
        } catch let e as RPCErrorObject {
            #expect(e.data?["field"] == "region")
        }
    }

    @Test("A quest past its deadline expires, its escrow returns to the pool, and its holder is told")
    func expiry() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player()
        let pool = try h.balance("rewards")
        let bought = try await h.call(c, "quest.request", ["scope": "personal", "difficulty": 1, "idempotencyKey": "e"])
        let id = bought["quest"]?["id"]?.stringValue ?? ""
        let deadline = bought["quest"]?["deadline"]?.intValue ?? 0
        h.clock.advance(Double(deadline) / 1000 - h.clock.now.timeIntervalSince1970 + 1)
        try await h.game.expireDue()
        #expect(try await h.call(c, "quest.get", ["questId": .string(id)])["quest"]?["status"] == "expired")
        #expect(try h.balance(AccountID.escrow(id).rawValue) == 0)
        // The pool got its escrow back and kept the pool share of the price.
        #expect(try h.balance("rewards") > pool)
        #expect(h.outbound.notifications(to: c, method: "quest.expired").first?["questId"] == .string(id))
        #expect(try h.audit().isClean)
    }

    @Test("Abandoning a personal quest returns its escrow; a second abandon is refused")
    func abandon() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player()
        let id = try await h.call(c, "quest.request", ["scope": "personal", "idempotencyKey": "a"])["quest"]?["id"] ?? .null
        #expect(try await h.call(c, "quest.abandon", ["questId": id])["quest"]?["status"] == "abandoned")
        #expect(await errorCode { try await h.call(c, "quest.abandon", ["questId": id]) } == RPCErrorCode.questNotActive.rawValue)
        #expect(try h.balance(AccountID.escrow(id.stringValue ?? "").rawValue) == 0)
        #expect(try h.audit().isClean)
    }

    @Test("Someone else's personal quest is invisible and cannot be joined")
    func visibility() async throws {
        var h = try await GameHarness()
        let (a, _) = try await h.player()
        let (b, _) = try await h.player()
        let id = try await h.call(a, "quest.request", ["scope": "personal", "idempotencyKey": "v"])["quest"]?["id"] ?? .null
        #expect(await errorCode { try await h.call(b, "quest.get", ["questId": id]) } == RPCErrorCode.notFound.rawValue)
        #expect(await errorCode { try await h.call(b, "quest.accept", ["questId": id]) } == RPCErrorCode.notFound.rawValue)
        #expect(try await h.call(b, "quest.list")["quests"]?.arrayValue?.isEmpty == true)
    }

    @Test("maxActiveQuestsPerAccount counts joined global quests and requested global quests, as the docs say")
    func activeLimitCountsGlobalQuests() async throws {
        var h = try await GameHarness { $0.game.maxActiveQuestsPerAccount = 2 }
        let (a, _) = try await h.player()
        let (b, _) = try await h.player()
        var ids: [JSONValue] = []
        for i in 0..<2 {
            let q = try await h.call(a, "quest.request", ["scope": "global", "region": "catnip-meadows", "difficulty": 1, "idempotencyKey": .string("g\(i)")])
            ids.append(q["quest"]?["id"] ?? .null)
        }
        // A holds two quests it requested: a third (of either scope) is over the limit.
        #expect(await errorCode { try await h.call(a, "quest.request", ["scope": "personal", "idempotencyKey": "p"]) } == RPCErrorCode.limitExceeded.rawValue)
        // B joins both; then neither a personal quest nor a third global one fits.
        for id in ids { _ = try await h.call(b, "quest.accept", ["questId": id]) }
        #expect(await errorCode { try await h.call(b, "quest.request", ["scope": "personal", "idempotencyKey": "p"]) } == RPCErrorCode.limitExceeded.rawValue)
        let (c, _) = try await h.player()
        let third = try await h.call(c, "quest.request", ["scope": "global", "region": "catnip-meadows", "difficulty": 1, "idempotencyKey": "g3"])
        #expect(await errorCode { try await h.call(b, "quest.accept", ["questId": third["quest"]?["id"] ?? .null]) } == RPCErrorCode.limitExceeded.rawValue)
        // Abandoning one frees a place.
        _ = try await h.call(b, "quest.abandon", ["questId": ids[0]])
        _ = try await h.call(b, "quest.request", ["scope": "personal", "idempotencyKey": "p2"])
        #expect(try h.audit().isClean)
    }

    @Test("A global quest is announced, joined, and pays only its first completer; the others are told")
    func globalQuest() async throws {
        var h = try await GameHarness()
        let (a, _) = try await h.player()
        let (b, bKey) = try await h.player(funded: "0")
        let (c, cKey) = try await h.player(funded: "0")
        let bought = try await h.call(a, "quest.request", ["scope": "global", "region": "catnip-meadows", "difficulty": 1, "maxWinners": 1, "idempotencyKey": "g"])
        let quest = bought["quest"] ?? .null
        let id = quest["id"] ?? .null
        #expect(quest["maxWinners"] == 1)
        #expect(h.outbound.notifications(to: b, method: "quest.available").first?["quest"]?["id"] == id)
        #expect(await errorCode { try await h.call(a, "quest.accept", ["questId": id]) } == RPCErrorCode.forbidden.rawValue)
        _ = try await h.call(b, "quest.accept", ["questId": id])
        _ = try await h.call(c, "quest.accept", ["questId": id])
        #expect(await errorCode { try await h.call(c, "quest.accept", ["questId": id]) } == RPCErrorCode.conflict.rawValue)
        let start = h.world.region(id: "catnip-meadows")?.centre ?? Point(x: 0, y: 0)
        _ = try await h.report(b, start.x, start.y)
        _ = try await h.report(c, start.x, start.y)
        let walked = try await h.walk(b, from: (start.x, start.y), through: GameHarness.waypoints(quest))
        #expect(walked.completed == [id.stringValue ?? ""])
        let reward = Int64(quest["reward"]?.stringValue ?? "") ?? 0
        #expect(try h.balance(bKey.publicKeyHex) == reward)
        // C arrives later: the quest is settled and C's positions no longer count.
        let late = try await h.walk(c, from: (start.x, start.y), through: GameHarness.waypoints(quest))
        #expect(late.completed.isEmpty)
        #expect(try h.balance(cKey.publicKeyHex) == 0)
        let toldC = h.outbound.notifications(to: c, method: "quest.completed")
        #expect(toldC.first?["account"] == .string(bKey.publicKeyHex))
        #expect(toldC.first?["status"] == "settled")
        #expect(try h.audit().isClean)
    }
}

@Suite struct PositionTests {
    func rejectedFlags(_ body: () async throws -> JSONValue) async -> [String] {
        do { _ = try await body(); return [] } catch let e as RPCErrorObject {
            #expect(e.code == RPCErrorCode.positionRejected.rawValue)
            return (e.data?["flags"]?.arrayValue ?? []).compactMap(\.stringValue)
        } catch { return ["?"] }
    }

    @Test("A teleport is refused as a strike, using the server's receive times; the player stays where it was")
    func teleport() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player(funded: "0")
        _ = try await h.report(c, 1000, 1000)
        h.clock.advance(2)
        let flags = await rejectedFlags { try await h.call(c, "position.report", ["x": 9000, "y": 9000, "timestamp": .int(Int64(h.clock.now.timeIntervalSince1970 * 1000))]) }
        #expect(flags == ["teleport"])
        let events = try await h.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind IN ('position.rejected', 'movement.strike')") }
        #expect(events == 2)
        // The rejected report did not move the reference point: after the cool-down a normal step works.
        h.clock.advance(1_000)
        #expect(try await h.report(c, 1010, 1000)["accepted"] == true)
    }

    @Test("A short move that is too fast is refused as tooFast, without a strike")
    func tooFast() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player(funded: "0")
        _ = try await h.report(c, 1000, 1000)
        h.clock.advance(2)
        #expect(await rejectedFlags { try await h.report(c, 1100, 1000) } == ["tooFast"])
        let strikes = try await h.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind = 'movement.strike'") }
        #expect(strikes == 0)
        h.clock.advance(2)
        #expect(try await h.report(c, 1010, 1000)["accepted"] == true)
    }

    @Test("Future timestamps, timestamps going back, positions off the map and floods are refused with their flags")
    func badReports() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player(funded: "0")
        let t = Int64(h.clock.now.timeIntervalSince1970 * 1000)
        _ = try await h.report(c, 1000, 1000)
        h.clock.advance(2)
        #expect(await rejectedFlags { try await h.call(c, "position.report", ["x": 1001, "y": 1000, "timestamp": .int(t + 60_000)]) }.contains("futureTimestamp"))
        #expect(await rejectedFlags { try await h.call(c, "position.report", ["x": 1001, "y": 1000, "timestamp": .int(t - 1)]) }.contains("timestampWentBack"))
        #expect(await rejectedFlags { try await h.report(c, -50, 1000) }.contains("outOfBounds"))
        _ = try await h.report(c, 1002, 1000)
        // A flood: the report budget (MovementCheck.reportBurst) runs out, then reports are refused.
        var flags: [String] = []
        for i in 0..<5 { flags += await rejectedFlags { try await h.report(c, 1003 + Double(i), 1000) } }
        #expect(flags.contains("tooFrequent"))
    }

    @Test("Non-numeric or missing coordinates are invalid params naming the field")
    func badParams() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player(funded: "0")
        do {
            _ = try await h.call(c, "position.report", ["x": "1", "y": 2, "timestamp": 1])
            Issue.record("expected an error")
        } catch let e as RPCErrorObject {
            #expect(e.code == -32602)
            #expect(e.data?["field"] == "x")
        }
        #expect(await errorCode { try await h.call(c, "position.report", ["x": 1, "y": 2]) } == -32602)
    }
}

@Suite struct PickupTests {
    @Test("Each unit collected is recorded as an item.picked event, the server-side inventory")
    func pickups() async throws {
        var h = try await GameHarness()
        let (c, _) = try await h.player()
        var quest: JSONValue?
        for k in 0..<40 {
            let bought = try await h.call(c, "quest.request", ["scope": "personal", "difficulty": 2, "idempotencyKey": .string("p\(k)")])
            // A walk does not wait for weather or the game hour: take a quest without conditions.
            let objectives = bought["quest"]?["objectives"]?.arrayValue ?? []
            if objectives.contains(where: { $0["type"] == "collect" }),
               objectives.allSatisfy({ $0["weather"] == nil && $0["gameTimeWindow"] == nil }) {
                quest = bought["quest"]
                break
            }
        }
        let q = try #require(quest, "no quest with a collect objective and no conditions in 40 tries")
        let needed = (q["objectives"]?.arrayValue ?? []).filter { $0["type"] == "collect" }.map { Int($0["count"]?.intValue ?? 0) }.reduce(0, +)
        let start = try #require(GameHarness.waypoints(q).first)
        let walked = try await h.walk(c, from: (start.0 + 50, start.1), through: GameHarness.waypoints(q))
        #expect(walked.completed.contains(q["id"]?.stringValue ?? ""))
        let picked = try await h.db.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind = 'item.picked' AND payload LIKE ?",
                             arguments: ["%" + (q["id"]?.stringValue ?? "") + "%"])
        }
        #expect(picked == needed)
        #expect(try h.audit().isClean)
    }
}
