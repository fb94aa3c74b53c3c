import Foundation
import GRDB
import Ledger
import PurrCrypto
import Quests
import RPC
import Testing
import WebSocketTransport
import World
@testable import Server

@Suite struct AntiCheatFlowTests {
    /// Two region centres at least 3 km apart.
    static func farApart(_ world: World) throws -> (Point, Point) {
        for a in world.regions {
            for b in world.regions where a.centre.distance(to: b.centre) > 3_000 {
                return (a.centre, b.centre)
            }
        }
        throw RPCErrorObject(code: 0, message: "no regions 3 km apart")
    }

    func rejection(_ body: () async throws -> JSONValue) async -> JSONValue? {
        do { _ = try await body() } catch let e as RPCErrorObject { return e.data } catch { return nil }
        return nil
    }

    @Test("A teleport is a strike with a cool-down: reports are refused meanwhile, then judged from before the jump")
    func teleportAndCooldown() async throws {
        var h = try await GameHarness()
        let (a, _) = try await h.player()
        let (home, far) = try Self.farApart(h.world)
        _ = try await h.report(a, home.x, home.y)
        h.clock.advance(1)
        let data = try #require(await rejection { try await h.report(a, far.x, far.y) })
        #expect(data["flags"] == ["teleport"])
        let until = try #require(data["coolingDownUntil"]?.intValue)
        #expect(try await h.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind = 'movement.strike'") } == 1)
        // During the cool-down even an honest step is refused and does not move the player.
        h.clock.advance(2)
        #expect(await rejection { try await h.report(a, home.x + 5, home.y) }?["flags"] == ["coolingDown"])
        // Longer jumps cool down longer.
        let seconds = Double(until) / 1000 - h.clock.now.timeIntervalSince1970
        #expect(seconds > 30)
        h.clock.advance(seconds + 1)
        #expect(try await h.report(a, home.x + 5, home.y)["accepted"] == true)
        let status = try await h.call(a, "account.status")
        #expect(status["strikes"] == 1 && status["restriction"]?["level"] == "unrestricted")
        #expect(try h.audit().isClean)
    }

    /// Two teleports and their cool-downs.
    static func strike(_ h: inout GameHarness, _ conn: ConnectionID, times: Int) async throws {
        let (home, far) = try farApart(h.world)
        for _ in 0..<times {
            h.clock.advance(1)
            _ = try await h.report(conn, home.x, home.y)
            h.clock.advance(1)
            _ = try? await h.report(conn, far.x, far.y)
            h.clock.advance(1_000)
        }
    }

    @Test("Two strikes bar NFT claims, with the reason visible to the player; three also bar quest rewards")
    func restrictions() async throws {
        var h = try await GameHarness()
        let (a, keyA) = try await h.player()
        try await Self.strike(&h, a, times: 2)
        let status = try await h.call(a, "account.status")
        #expect(status["restriction"]?["level"] == "noClaims")
        let reason = try #require(status["restriction"]?["reason"]?.stringValue)
        #expect(reason.contains("2 teleports"))
        #expect(h.outbound.notifications(to: a, method: "account.restricted").last?["level"] == "noClaims")
        let drop = try await h.spawnDrop(a)
        let refused = await rejection { try await h.call(a, "nft.claim", ["nftId": drop["nftId"] ?? .null, "idempotencyKey": "k"]) }
        #expect(refused?["code"] == "account_restricted" && refused?["reason"]?.stringValue == reason)
        #expect(try h.balance(keyA.publicKeyHex) == 100_000_000, "a refused claim charges nothing")

        try await Self.strike(&h, a, times: 1)
        #expect(try await h.call(a, "account.status")["restriction"]?["level"] == "noClaimsOrRewards")
        // A completed quest is recorded but not paid.
        h.clock.advance(1_000)
        let bought = try await h.call(a, "quest.request", ["scope": "personal", "difficulty": 1, "idempotencyKey": "q"])
        let quest = try #require(bought["quest"])
        let (home, _) = try Self.farApart(h.world)
        let walked = try await h.walk(a, from: (home.x, home.y), through: GameHarness.waypoints(quest))
        #expect(walked.completed == [quest["id"]?.stringValue ?? ""])
        #expect(h.outbound.notifications(to: a, method: "quest.completed").last?["paid"] == false)
        #expect(try h.audit().violations == [])
    }

    @Test("The movement model survives a restart: strikes and cool-downs are kept")
    func persisted() async throws {
        var h = try await GameHarness()
        let (a, key) = try await h.player()
        try await Self.strike(&h, a, times: 2)
        await h.game.connectionClosed(a)
        // A second game on the same database, as after a restart.
        let clock = h.clock
        let game = try GameService(db: h.db, world: h.world, generator: GrammarQuestGenerator(), log: try EventLog(key: Ed25519PrivateKey(), db: h.db),
                                   config: { var c = ServerConfig(); c.dev = true; return c }(), outbound: RecordingOutbound(),
                                   logger: .init(label: "t"), now: { clock.now })
        var h2 = GameHarness(game: game, clock: h.clock, db: h.db, world: h.world)
        let c = await h2.connect()
        _ = try await h2.signIn(c, key: key)
        #expect(try await h2.call(c, "account.status")["restriction"]?["level"] == "noClaims")
    }

    @Test("Invalid anti-cheat settings stop start-up naming the field")
    func badSettings() async throws {
        await #expect(throws: (any Error).self) {
            _ = try await GameHarness { $0.antiCheat.cooldownMaxSeconds = -1 }
        }
    }
}
