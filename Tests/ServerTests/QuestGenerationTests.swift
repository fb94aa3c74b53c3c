import Dispatch
import Foundation
import Ledger
import Logging
import PurrCrypto
import Quests
import RPC
import Synchronization
import Testing
import WebSocketTransport
import World
@testable import Server

/// The grammar generator behind a gate: each batch waits until the test opens it, so a test can
/// hold a quest "being generated" for as long as it needs and see what the server does meanwhile.
final class GatedGenerator: QuestGenerator {
    let inner = GrammarQuestGenerator()
    let gate = DispatchSemaphore(value: 0)
    let batchSizes = Mutex<[Int]>([])
    let preferredBatchSize: Int

    init(batchSize: Int = 8) { preferredBatchSize = batchSize }

    func generate(_ request: QuestRequestContext) throws -> QuestSpec {
        try generate(all: [request])[0].get()
    }

    func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] {
        batchSizes.withLock { $0.append(requests.count) }
        gate.wait()
        return requests.map { request in Result { try inner.generate(request) } }
    }

    var batchesStarted: Int { batchSizes.withLock { $0.count } }
    func open(_ batches: Int = 1) { for _ in 0..<batches { gate.signal() } }
}

/// Polls `condition` until it holds or a few seconds pass.
func eventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<500 {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return false
}

func requestText(_ id: Int64, _ method: String, _ params: JSONValue = [:]) -> String {
    RPCRequest(id: .int(id), method: method, params: params).json.serialized()
}

@Suite(.timeLimit(.minutes(1))) struct QuestGenerationTests {
    static func context(_ world: World, seed: UInt64) -> QuestRequestContext {
        QuestRequestContext(world: world, scope: .personal, region: nil, difficulty: 2, requesterPosition: nil,
                            seed: seed, now: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test("Requests that arrive while a batch runs are generated together in the next batch, each its own quest")
    func batching() async throws {
        let h = try await GameHarness()
        let generator = GatedGenerator()
        let queue = QuestGenerationQueue(generator: generator)
        let first = Task { try await queue.generate(Self.context(h.world, seed: 1)) }
        #expect(await eventually { generator.batchesStarted == 1 })
        let rest = (2...6).map { seed in Task { try await queue.generate(Self.context(h.world, seed: UInt64(seed))) } }
        #expect(await eventually { queue.waiting == 5 })
        generator.open(2)
        let expected = try (1...6).map { try GrammarQuestGenerator().generate(Self.context(h.world, seed: UInt64($0))) }
        #expect(try await first.value == expected[0])
        for (i, task) in rest.enumerated() { #expect(try await task.value == expected[i + 1]) }
        #expect(generator.batchSizes.withLock { $0 } == [1, 5])
        #expect(queue.stats == .init(batches: 2, generated: 6, largestBatch: 5))
    }

    @Test("A batch never exceeds the generator's preferred size")
    func batchLimit() async throws {
        let h = try await GameHarness()
        let generator = GatedGenerator(batchSize: 2)
        let queue = QuestGenerationQueue(generator: generator)
        let tasks = (1...5).map { seed in Task { try await queue.generate(Self.context(h.world, seed: UInt64(seed))) } }
        generator.open(10)
        for task in tasks { _ = try await task.value }
        #expect(generator.batchSizes.withLock { $0 }.allSatisfy { $0 <= 2 })
        #expect(queue.stats.generated == 5)
    }

    @Test("While one player's quest is generated, the game answers other players")
    func actorFreeDuringGeneration() async throws {
        let generator = GatedGenerator()
        var h = try await GameHarness(generator: generator)
        let (a, _) = try await h.player()
        let (b, keyB) = try await h.player()
        let game = h.game
        let pending = Task {
            await game.handle(a, text: requestText(900, "quest.request", ["scope": "personal", "idempotencyKey": "k1"]), rateLimited: false)
        }
        #expect(await eventually { generator.batchesStarted == 1 })
        // The actor is free: B is served, and can even report a position, while A's quest is written.
        let balance = try await h.call(b, "wallet.balance")
        #expect(balance["balance"]?.stringValue == "100000000")
        #expect(try h.balance(keyB.publicKeyHex) == 100_000_000)
        generator.open()
        let response = try JSONValue.parse(try #require(await pending.value))
        let questID = try #require(response["result"]?["quest"]?["id"]?.stringValue)
        // A retry is answered from the store without generating again.
        let retry = try await h.call(a, "quest.request", ["scope": "personal", "idempotencyKey": "k1"])
        #expect(retry["quest"]?["id"]?.stringValue == questID)
        #expect(generator.batchesStarted == 1)
        #expect(try h.audit().isClean)
    }

    @Test("Two connections of one account racing with the same key get one quest, charged once")
    func twinRequests() async throws {
        let generator = GatedGenerator()
        var h = try await GameHarness(generator: generator)
        let (a1, key) = try await h.player()
        let a2 = await h.connect()
        _ = try await h.signIn(a2, key: key)
        let game = h.game
        let params: JSONValue = ["scope": "personal", "difficulty": 3, "idempotencyKey": "twin"]
        let t1 = Task { await game.handle(a1, text: requestText(1, "quest.request", params), rateLimited: false) }
        let t2 = Task { await game.handle(a2, text: requestText(2, "quest.request", params), rateLimited: false) }
        #expect(await eventually { generator.batchesStarted == 1 })
        generator.open(2)
        let r1 = try JSONValue.parse(try #require(await t1.value))
        let r2 = try JSONValue.parse(try #require(await t2.value))
        #expect(r1["result"] != nil && r1["result"] == r2["result"])
        let price = Int64(r1["result"]?["price"]?.stringValue ?? "") ?? 0
        #expect(price > 0)
        #expect(try h.balance(key.publicKeyHex) == 100_000_000 - price)
        let count = try await h.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM game_quests") }
        #expect(count == 1)
        #expect(try h.audit().isClean)
    }

    @Test("The active-quest limit is checked again after generation: the loser of a race is refused and not charged")
    func limitRecheckedAfterGeneration() async throws {
        let generator = GatedGenerator()
        var h = try await GameHarness(generator: generator) { $0.game.maxActiveQuestsPerAccount = 1 }
        let (a, key) = try await h.player()
        let game = h.game
        let t1 = Task { await game.handle(a, text: requestText(1, "quest.request", ["scope": "personal", "idempotencyKey": "one"]), rateLimited: false) }
        let t2 = Task { await game.handle(a, text: requestText(2, "quest.request", ["scope": "personal", "idempotencyKey": "two"]), rateLimited: false) }
        // Both passed the first limit check and reached the generator before either was funded.
        #expect(await eventually { generator.batchSizes.withLock { $0.reduce(0, +) } + game.generation.waiting == 2 })
        generator.open(2)
        let responses = try [await t1.value, await t2.value].map { try JSONValue.parse(try #require($0)) }
        let won = responses.filter { $0["result"] != nil }
        let lost = responses.filter { $0["error"] != nil }
        #expect(won.count == 1 && lost.count == 1)
        #expect(lost.first?["error"]?["data"]?["code"]?.stringValue == "limit_exceeded")
        let price = Int64(won.first?["result"]?["price"]?.stringValue ?? "") ?? 0
        #expect(try h.balance(key.publicKeyHex) == 100_000_000 - price)
        #expect(try h.audit().isClean)
    }

    @Test("The pump keeps each connection's order but lets other connections pass a quest being generated")
    func pumpOrder() async throws {
        let generator = GatedGenerator()
        var h = try await GameHarness(generator: generator)
        let (a, _) = try await h.player()
        let (b, _) = try await h.player()
        let pump = RequestPump()
        let outbound = h.outbound
        let game = h.game
        let running = Task { await pump.run(game: game, outbound: outbound) }
        func responses(_ conn: ConnectionID) -> [JSONValue] {
            outbound.sent.withLock { $0 }.compactMap { c, text in
                guard c == conn, let v = try? JSONValue.parse(text), v["id"] != nil else { return nil }
                return v
            }
        }
        pump.received(a, text: requestText(10, "quest.request", ["scope": "personal", "idempotencyKey": "p"]), rateLimited: false)
        pump.received(a, text: requestText(11, "wallet.balance"), rateLimited: false)
        #expect(await eventually { generator.batchesStarted == 1 })
        pump.received(b, text: requestText(20, "wallet.balance"), rateLimited: false)
        #expect(await eventually { responses(b).count == 1 })
        #expect(responses(a).isEmpty, "A's balance must wait behind A's quest")
        generator.open()
        #expect(await eventually { responses(a).count == 2 })
        #expect(responses(a).map { $0["id"] } == [.int(10), .int(11)])
        #expect(responses(a)[0]["result"]?["quest"] != nil)
        pump.finish()
        await running.value
        #expect(pump.inFlight == 0)
    }
}
