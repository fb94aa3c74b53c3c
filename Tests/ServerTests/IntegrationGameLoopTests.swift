import Foundation
import PurrClient
import RPC
import Testing
@testable import Server

/// The game played end to end against the real server over a real WebSocket.
@Suite struct IntegrationGameLoopTests {
    static let region = "catnip-meadows"

    @Test("Two players sign in, buy, walk and are paid for a personal and a global quest, transfer PUR, and the audit is clean")
    func wholeGameLoop() async throws {
        try await withIntegrationServer { server in
            let a = try await server.player()
            let b = try await server.player()
            let centre = try await regionCentre(a.connection, Self.region)
            var walkerA = Walker(a.connection)
            var walkerB = Walker(b.connection)
            #expect(try await walkerA.report(centre.0, centre.1)["accepted"] == true)
            #expect(try await walkerB.report(centre.0, centre.1)["accepted"] == true)

            // A buys a personal quest, walks it and is paid once.
            let before = try await a.balance()
            let bought = try await a.connection.call("quest.request", [
                "scope": "personal", "region": .string(Self.region), "difficulty": 1, "idempotencyKey": "loop-personal",
            ], timeout: 20)
            let quest = try #require(bought["quest"])
            let questId = try #require(quest["id"]?.stringValue)
            let price = try #require(Int64(bought["price"]?.stringValue ?? ""))
            let reward = try #require(Int64(quest["reward"]?.stringValue ?? ""))
            #expect(price > 0 && reward > 0)
            #expect(bought["balance"] == .string(String(before - price)))
            #expect(quest["status"] == "active")
            let completed = try await walkerA.walk(through: GameHarness.waypoints(quest))
            #expect(completed == [questId])
            let told = await a.inbox.first("quest.completed") { $0["questId"]?.stringValue == questId }
            #expect(told?["account"] == .string(a.account))
            #expect(told?["paid"] == true)
            #expect(told?["reward"] == .string(String(reward)))
            #expect(try await a.balance() == before - price + reward)

            // A buys a global quest for one winner; B hears of it, joins, walks it and is paid.
            let bBefore = try await b.balance()
            let global = try await a.connection.call("quest.request", [
                "scope": "global", "region": .string(Self.region), "difficulty": 1, "maxWinners": 1, "idempotencyKey": "loop-global",
            ], timeout: 20)
            let globalQuest = try #require(global["quest"])
            let globalId = try #require(globalQuest["id"]?.stringValue)
            let globalReward = try #require(Int64(globalQuest["reward"]?.stringValue ?? ""))
            #expect(globalQuest["maxWinners"] == 1)
            let announced = await b.inbox.first("quest.available") { $0["quest"]?["id"]?.stringValue == globalId }
            #expect(announced?["quest"]?["scope"] == "global")
            _ = try await b.connection.call("quest.accept", ["questId": .string(globalId)], timeout: 20)
            let bCompleted = try await walkerB.walk(through: GameHarness.waypoints(globalQuest))
            #expect(bCompleted == [globalId])
            let paid = await b.inbox.first("quest.completed") { $0["questId"]?.stringValue == globalId }
            #expect(paid?["account"] == .string(b.account))
            #expect(paid?["paid"] == true)
            #expect(paid?["status"] == "settled")
            #expect(try await b.balance() == bBefore + globalReward)
            // The requester is told who completed it.
            let requesterTold = await a.inbox.first("quest.completed") { $0["questId"]?.stringValue == globalId }
            #expect(requesterTold?["account"] == .string(b.account))

            // A pays B directly.
            let aBeforeTransfer = try await a.balance()
            let bBeforeTransfer = try await b.balance()
            let transfer = try await a.connection.call("wallet.transfer", [
                "to": .string(b.account), "amount": "1500000", "idempotencyKey": "loop-gift",
            ], timeout: 20)
            #expect(transfer["transferId"]?.intValue != nil)
            #expect(transfer["balance"] == .string(String(aBeforeTransfer - 1_500_000)))
            #expect(try await a.balance() == aBeforeTransfer - 1_500_000)
            #expect(try await b.balance() == bBeforeTransfer + 1_500_000)
        }
    }

    @Test("auth.resume on a new connection, after the first one closed, restores the account")
    func resumeOnNewConnection() async throws {
        try await withIntegrationServer { server in
            let first = try await server.player(faucet: "4200000")
            first.connection.close()
            #expect(try await first.connection.waitForClose(timeout: 20).code == 1000)

            let second = try await server.connect()
            #expect(await rpcError { try await second.call("wallet.balance", timeout: 20) }?.name == "unauthenticated")
            let resumed = try await second.call("auth.resume", ["sessionToken": .string(first.session.sessionToken)], timeout: 20)
            #expect(resumed["account"] == .string(first.account))
            #expect(resumed["expiresAt"]?.intValue == first.session.expiresAt)
            let balance = try await second.call("wallet.balance", timeout: 20)
            #expect(balance["account"] == .string(first.account))
            #expect(balance["balance"] == "4200000")
        }
    }
}
