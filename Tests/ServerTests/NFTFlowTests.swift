import Foundation
import GRDB
import Ledger
import NFTArt
import PurrCrypto
import RPC
import Testing
import WebSocketTransport
@testable import Server

extension GameHarness {
    /// Spawns one drop and returns it as nft.nearby shows it.
    mutating func spawnDrop(_ conn: ConnectionID) async throws -> JSONValue {
        try await game.spawnNFTs()
        let drops = try await db.read { db in try String.fetchAll(db, sql: "SELECT id FROM nft_drops ORDER BY idx DESC LIMIT 1") }
        let id = try #require(drops.first)
        let fetched = try await db.read { db in try String.fetchOne(db, sql: "SELECT body FROM nft_drops WHERE id = ?", arguments: [id]) }
        let body = try #require(fetched)
        let drop = try JSONValue.parse(body)
        let near = try await call(conn, "nft.nearby", ["x": drop["x"] ?? 0, "y": drop["y"] ?? 0, "radius": 100])
        return try #require(near["nfts"]?.arrayValue?.first { $0["nftId"]?.stringValue == id })
    }

    /// Walks from 200 m west of the drop to it at 10 m/s.
    mutating func walkTo(_ conn: ConnectionID, _ drop: JSONValue) async throws -> [String] {
        let x = drop["x"]?.doubleValue ?? 0, y = drop["y"]?.doubleValue ?? 0
        var claimed: [String] = []
        for step in stride(from: 200.0, through: 0, by: -10) {
            clock.advance(1)
            let r = try await report(conn, x - step, y)
            claimed += (r["claimed"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        return claimed
    }
}

@Suite struct NFTFlowTests {
    static let price: Int64 = 5_000_000

    @Test("A drop is announced, served over HTTP as metadata whose hash is its id, claimed, walked to and owned; the audit is clean")
    func claimByWalking() async throws {
        var h = try await GameHarness()
        let (a, keyA) = try await h.player()
        let drop = try await h.spawnDrop(a)
        let id = try #require(drop["nftId"]?.stringValue)
        #expect(h.outbound.notifications(to: a, method: "nft.spawned").count == 1)

        // Wallets fetch the art and metadata; the metadata's SHA-256 is the id.
        let json = try #require(h.game.nftArtwork.response(path: "/nft/\(id).json"))
        #expect(Hex.encode(SHA256.hash(json.body)) == id && json.contentType == "application/json")
        let meta = try JSONValue.parse(String(decoding: json.body, as: UTF8.self))
        #expect(meta["name"] == drop["name"] && meta["image"]?.stringValue?.hasPrefix("data:image/svg+xml;base64,") == true)
        let svg = try #require(h.game.nftArtwork.response(path: "/nft/\(id).svg"))
        #expect(svg.contentType == "image/svg+xml" && String(decoding: svg.body, as: UTF8.self).hasPrefix("<svg"))
        #expect(h.game.nftArtwork.response(path: "/nft/\(String(repeating: "0", count: 64)).json") == nil)
        #expect(h.game.nftArtwork.response(path: "/nft/../etc/passwd") == nil)

        let claim = try await h.call(a, "nft.claim", ["nftId": .string(id), "idempotencyKey": "c1"])
        #expect(claim["status"] == "pending")
        #expect(try h.balance(keyA.publicKeyHex) == 100_000_000 - Self.price)
        // A retry answers the same and charges nothing more.
        #expect(try await h.call(a, "nft.claim", ["nftId": .string(id), "idempotencyKey": "c1"]) == claim)
        #expect(try h.balance(keyA.publicKeyHex) == 100_000_000 - Self.price)

        let claimed = try await h.walkTo(a, drop)
        #expect(claimed == [id])
        let owned = try await h.call(a, "nft.owned")
        #expect(owned["nfts"]?.arrayValue?.map { $0["nftId"] } == [.string(id)])
        #expect(h.outbound.notifications(to: a, method: "nft.claimed").count == 1)
        #expect(try h.balance(keyA.publicKeyHex) == 100_000_000 - Self.price)
        let near = try await h.call(a, "nft.nearby", ["x": drop["x"] ?? 0, "y": drop["y"] ?? 0])
        #expect(near["nfts"]?.arrayValue?.contains { $0["nftId"]?.stringValue == id } == false)
        #expect(try h.audit().violations == [])
    }

    @Test("Two claimants: the first one there wins and pays; the other is refunded and told; a late claim charges nothing")
    func oneOwnerEver() async throws {
        var h = try await GameHarness()
        let (a, keyA) = try await h.player()
        let (b, keyB) = try await h.player()
        let (c, keyC) = try await h.player()
        let drop = try await h.spawnDrop(a)
        let id = try #require(drop["nftId"]?.stringValue)
        _ = try await h.call(a, "nft.claim", ["nftId": .string(id), "idempotencyKey": "a"])
        _ = try await h.call(b, "nft.claim", ["nftId": .string(id), "idempotencyKey": "b"])
        #expect(try await h.walkTo(b, drop) == [id])
        #expect(try h.balance(keyB.publicKeyHex) == 100_000_000 - Self.price)
        #expect(try h.balance(keyA.publicKeyHex) == 100_000_000, "the loser is refunded")
        #expect(h.outbound.notifications(to: a, method: "nft.claim.refunded").first?["code"] == "nft_claimed")
        // A arrives later: nothing happens; C's claim now is refused and charges nothing.
        #expect(try await h.walkTo(a, drop).isEmpty)
        #expect(await errorCode { try await h.call(c, "nft.claim", ["nftId": .string(id), "idempotencyKey": "c"]) } == RPCErrorCode.nftClaimed.rawValue)
        #expect(try h.balance(keyC.publicKeyHex) == 100_000_000)
        #expect(await errorCode { try await h.call(b, "nft.claim", ["nftId": .string(id), "idempotencyKey": "b2"]) } == RPCErrorCode.nftClaimed.rawValue)
        #expect(try h.audit().violations == [])
    }

    @Test("A player already standing at the drop wins at once")
    func standingThere() async throws {
        var h = try await GameHarness()
        let (a, _) = try await h.player()
        let drop = try await h.spawnDrop(a)
        _ = try await h.report(a, drop["x"]?.doubleValue ?? 0, drop["y"]?.doubleValue ?? 0)
        let r = try await h.call(a, "nft.claim", ["nftId": drop["nftId"] ?? .null, "idempotencyKey": "k"])
        #expect(r["status"] == "won")
        #expect(try h.audit().isClean)
    }

    @Test("An expired drop refunds its pending claims and refuses new ones")
    func expiry() async throws {
        var h = try await GameHarness { $0.nft.lifetimeSeconds = 60 }
        let (a, keyA) = try await h.player()
        let drop = try await h.spawnDrop(a)
        let id = try #require(drop["nftId"]?.stringValue)
        _ = try await h.call(a, "nft.claim", ["nftId": .string(id), "idempotencyKey": "k"])
        h.clock.advance(61)
        try await h.game.spawnNFTs(count: 0)
        #expect(try h.balance(keyA.publicKeyHex) == 100_000_000)
        #expect(h.outbound.notifications(to: a, method: "nft.claim.refunded").first?["code"] == "nft_expired")
        let (b, _) = try await h.player()
        #expect(await errorCode { try await h.call(b, "nft.claim", ["nftId": .string(id), "idempotencyKey": "k"]) } == RPCErrorCode.nftExpired.rawValue)
        #expect(try h.audit().violations == [])
    }

    @Test("Transfers move ownership; only the owner can transfer; bad input names the field")
    func transfers() async throws {
        var h = try await GameHarness()
        let (a, _) = try await h.player()
        let (b, keyB) = try await h.player()
        let drop = try await h.spawnDrop(a)
        let id = try #require(drop["nftId"]?.stringValue)
        _ = try await h.call(a, "nft.claim", ["nftId": .string(id), "idempotencyKey": "k"])
        _ = try await h.walkTo(a, drop)
        let t = try await h.call(a, "nft.transfer", ["nftId": .string(id), "to": .string(keyB.publicKeyHex), "idempotencyKey": "g"])
        #expect(t["owner"]?.stringValue == keyB.publicKeyHex)
        #expect(try await h.call(b, "nft.owned")["nfts"]?.arrayValue?.count == 1)
        #expect(try await h.call(a, "nft.owned")["nfts"]?.arrayValue?.isEmpty == true)
        #expect(await errorCode { try await h.call(a, "nft.transfer", ["nftId": .string(id), "to": .string(keyB.publicKeyHex), "idempotencyKey": "g2"]) } == RPCErrorCode.forbidden.rawValue)
        #expect(await errorCode { try await h.call(a, "nft.transfer", ["nftId": .string(String(repeating: "a", count: 64)), "to": .string(keyB.publicKeyHex), "idempotencyKey": "g3"]) } == RPCErrorCode.notFound.rawValue)
        #expect(await errorCode { try await h.call(a, "nft.claim", ["nftId": "nope", "idempotencyKey": "x"]) } == RPCErrorCode.notFound.rawValue)
        #expect(await errorCode { try await h.call(a, "nft.nearby", ["x": 0, "y": 0, "radius": 1e9]) } == RPCErrorCode.invalidParams.rawValue)
        #expect(await errorCode { try await h.call(a, "nft.claim", ["nftId": .string(id)]) } == RPCErrorCode.invalidParams.rawValue)
        #expect(try h.audit().isClean)
    }

    @Test("A claim you cannot pay for is refused and moves nothing")
    func cannotPay() async throws {
        var h = try await GameHarness()
        let (a, keyA) = try await h.player(funded: "1000")
        let drop = try await h.spawnDrop(a)
        #expect(await errorCode { try await h.call(a, "nft.claim", ["nftId": drop["nftId"] ?? .null, "idempotencyKey": "k"]) } == RPCErrorCode.insufficientFunds.rawValue)
        #expect(try h.balance(keyA.publicKeyHex) == 1000)
        #expect(try h.audit().isClean)
    }

    @Test("The audit catches a drop paid twice")
    func auditCatchesDoublePay() async throws {
        var h = try await GameHarness()
        let (a, keyA) = try await h.player()
        let drop = try await h.spawnDrop(a)
        let id = try #require(drop["nftId"]?.stringValue)
        _ = try await h.call(a, "nft.claim", ["nftId": .string(id), "idempotencyKey": "k"])
        _ = try await h.walkTo(a, drop)
        try await h.db.write { db in
            try LedgerStore.move(db, kind: "nft.claim.pay", from: .player(keyA.publicKeyHex), to: .treasury,
                                 amount: Amount(micro: Self.price) ?? .zero, ref: "nft:\(id):\(keyA.publicKeyHex)#2", uniqueRef: true,
                                 memo: nil, at: Date())
            try db.execute(sql: "UPDATE nft_claims SET status = 'pending' WHERE nft_id = ?", arguments: [id])
        }
        #expect(!(try h.audit().isClean))
    }
}

@Suite struct NFTModelLoreTests {
    @Test("With the trained model as generator, the model writes each drop's name and lore")
    func modelWritesLore() async throws {
        var config = ServerConfig()
        config.world.root = TestPaths.root.path
        let world = try ServerApp.loadWorld(config)
        let generator = try ServerApp.makeGenerator(config, world: world, logger: .init(label: "t"))
        var h = try await GameHarness(generator: generator)
        #expect(h.game.nftLore.name == "model")
        let (a, _) = try await h.player()
        let drop = try await h.spawnDrop(a)
        let name = try #require(drop["name"]?.stringValue)
        #expect(!name.isEmpty && name.count <= 64)
        // The same plan written by the templates would read differently.
        let spawner = try #require(h.game.nftSpawner)
        let plan = try spawner.plan(index: 1)
        #expect(NFTLoreSource.template(NFTLoreWriter()).name == "template")
        #expect(try NFTLoreSource.template(NFTLoreWriter()).write(plan).name != name)
        #expect(try h.audit().isClean)
    }

    @Test("With the rule-based generator, drops get template lore")
    func templateLore() async throws {
        let h = try await GameHarness()
        #expect(h.game.nftLore.name == "template")
    }
}
