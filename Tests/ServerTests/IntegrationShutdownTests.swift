import Foundation
import GRDB
import PurrClient
import PurrCrypto
import RPC
import Synchronization
import Testing
@testable import Server

/// The server process's life: health over plain HTTP, graceful shutdown, and the audit of
/// the database file it leaves behind.
@Suite struct IntegrationShutdownTests {
    @Test("GET /healthz over plain HTTP on the WebSocket port answers 200 with status ok")
    func healthz() async throws {
        try await withIntegrationServer { server in
            let connection = try await server.connect()
            _ = try await connection.call("world.info", timeout: 20)
            let response = try await PlainHTTP.get(port: server.port, path: "/healthz")
            #expect(response.status == 200)
            let body = try JSONValue.parse(response.body)
            #expect(body["status"] == "ok")
            #expect(body["version"] == .string(PurrVersion.current))
            #expect((body["connections"]?.intValue ?? 0) >= 1)
            #expect(try await PlainHTTP.get(port: server.port, path: "/admin").status == 404)
        }
    }

    @Test("GET /healthz answers 503 with the reason while the database cannot write and while draining, 200 when healthy")
    func healthzUnhealthy() async throws {
        // No probe during the test: its commit would clear the simulated failure before the GET.
        try await withIntegrationServer({ $0.storage.healthProbeSeconds = 600; $0.storage.healthRetrySeconds = 600 }) { server in
            #expect(try await PlainHTTP.get(port: server.port, path: "/healthz").status == 200)
            // A full disk, as a failed commit reports it.
            server.app.game.storageHealth.observe(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"))
            let full = try await PlainHTTP.get(port: server.port, path: "/healthz")
            #expect(full.status == 503)
            let body = try JSONValue.parse(full.body)
            #expect(body["status"] == "unavailable")
            #expect(body["reason"]?.stringValue?.contains("disk is full") == true)
            // What the client of a request that failed on the full disk is told: retry later.
            let answer = await server.app.game.errorObject(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"),
                                                           request: "wallet.transfer")
            #expect(answer.code == RPCErrorCode.unavailable.rawValue)
            #expect(answer.message.contains("nothing was changed"))
            // Errors that say nothing about the disk leave it healthy; the probe's next commit clears it.
            server.app.game.storageHealth.probe(server.app.db, now: Date())
            #expect(try await PlainHTTP.get(port: server.port, path: "/healthz").status == 200)
            server.app.game.storageHealth.observe(DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "UNIQUE"))
            #expect(try await PlainHTTP.get(port: server.port, path: "/healthz").status == 200)
            server.app.pump.markDraining()
            let draining = try await PlainHTTP.get(port: server.port, path: "/healthz")
            #expect(draining.status == 503)
            #expect(try JSONValue.parse(draining.body)["status"] == "draining")
        }
    }

    @Test("A failed commit's 503 clears within seconds once writes work again, not after a whole probe interval")
    func healthzRecovers() async throws {
        try await withIntegrationServer({ $0.storage.healthProbeSeconds = 600 }) { server in
            #expect(try await PlainHTTP.get(port: server.port, path: "/healthz").status == 200)
            server.app.game.storageHealth.observe(DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"))
            #expect(try await PlainHTTP.get(port: server.port, path: "/healthz").status == 503)
            var status = 503
            for _ in 0..<50 where status != 200 {
                try await Task.sleep(for: .milliseconds(100))
                status = try await PlainHTTP.get(port: server.port, path: "/healthz").status
            }
            #expect(status == 200, "still 503 five seconds after writes work again")
        }
    }

    @Test("Before start-up has finished /healthz says starting, with 503")
    func healthzStarting() {
        let pump = RequestPump()
        #expect(pump.healthResponse().status == 503)
        #expect((try? JSONValue.parse(pump.healthStatus()))?["status"] == "starting")
        #expect(pump.httpResponse(path: "/nft/0.json")?.status == 503, "not a 404: the drops are not loaded yet")
        #expect(pump.httpResponse(path: "/admin") == nil, "a path that never exists is 404 at once")
        pump.markReady()
        #expect(pump.healthResponse().status == 200)
        #expect(pump.httpResponse(path: "/nft/0.json") == nil)
    }

    @Test("The port listens while the model loads: /healthz and the NFT paths answer 503 starting, then 200")
    func healthzWhileTheModelLoads() async throws {
        let during = Mutex<[(path: String, status: Int, body: String)]>([])
        let server = try await IntegrationServer.start(whileLoadingModel: { port in
            for path in ["/healthz", "/nft/0.json"] {
                let answer = try await PlainHTTP.get(port: port, path: path)
                during.withLock { $0.append((path, answer.status, answer.body)) }
            }
        })
        defer { server.removeFiles() }
        let health = try await PlainHTTP.get(port: server.port, path: "/healthz")
        await server.shutdown()
        await server.stopClients()
        let seen = during.withLock { $0 }
        #expect(seen.map(\.path) == ["/healthz", "/nft/0.json"])
        #expect(seen.allSatisfy { $0.status == 503 && (try? JSONValue.parse($0.body))?["status"] == "starting" }, "\(seen)")
        #expect(health.status == 200)
    }

    @Test("A start-up that fails after the port opened closes it again")
    func failedStartupClosesThePort() async throws {
        let listened = Mutex<Int?>(nil)
        struct ModelMissing: Error {}
        let path = NSTemporaryDirectory() + "purr-failed-start-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm", ".log-key.json", ".log-key.head.json"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        await #expect(throws: ModelMissing.self) {
            _ = try await IntegrationServer.start({ $0.storage.databasePath = path; $0.log.keyFile = path + ".log-key.json" },
                                                  whileLoadingModel: { port in
                listened.withLock { $0 = port }
                throw ModelMissing()
            })
        }
        let port = try #require(listened.withLock { $0 })
        await #expect(throws: PlainHTTP.Failure.self, "port \(port) still answers") {
            _ = try await PlainHTTP.get(port: port, path: "/healthz")
        }
    }

    @Test("Shutdown with requests in flight answers or refuses each, closes the client with 1001, and leaves a clean database")
    func gracefulShutdown() async throws {
        try await withIntegrationServer { server in
            let player = try await server.player()
            let recipient = try Ed25519PrivateKey().publicKeyHex
            let amount: Int64 = 1_000
            let count = 30
            let outcomes = await withTaskGroup(of: String.self) { group in
                for n in 0..<count {
                    group.addTask {
                        do {
                            _ = try await player.connection.call("wallet.transfer", [
                                "to": .string(recipient), "amount": .string(String(amount)), "idempotencyKey": .string("inflight-\(n)"),
                            ], timeout: 30)
                            return "ok"
                        } catch PurrClientError.rpc(let error) {
                            return error.name ?? "\(error.code)"
                        } catch PurrClientError.closed(let code, _) {
                            return "closed \(code)"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                // Once the first answer is back the others are on their way: shut down now.
                var all: [String] = []
                if let first = await group.next() { all.append(first) }
                await server.shutdown()
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.count == count)
            #expect(outcomes.allSatisfy { ["ok", "unavailable", "closed 1001"].contains($0) }, "\(outcomes)")
            #expect(try await player.connection.waitForClose(timeout: 20).code == 1001)

            // Every transfer that was answered ok is in the file, and nothing else is.
            let paid = Int64(outcomes.filter { $0 == "ok" }.count) * amount
            #expect(paid > 0)
            #expect(try server.balanceInFile(recipient) == paid)
            #expect(try server.balanceInFile(player.account) == 100_000_000 - paid)
        }
    }

    @Test("The audit of the file the real server wrote is clean, and not once a quest reward is paid twice")
    func auditOfServerFile() async throws {
        let server = try await IntegrationServer.start()
        defer { server.removeFiles() }
        let played: (questId: String, account: String)
        do {
            played = try await Self.playOneQuest(server)
        } catch {
            await server.shutdown()
            await server.stopClients()
            throw error
        }
        await server.shutdown()
        await server.stopClients()

        let report = try GameAudit.run(databasePath: server.databasePath)
        #expect(report.isClean, "\(report.violations)")
        #expect(report.quests == 1)

        // A second reward for the same quest, written as the first was (the triggers refuse only UPDATE and DELETE).
        let ref = "\(played.questId):\(played.account)#2"
        let account = played.account
        let queue = try DatabaseQueue(path: server.databasePath)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO ledger_transactions (kind, ref, unique_ref, memo, at) VALUES (?, ?, 1, 'quest reward', 0)",
                           arguments: [GameAudit.Kind.reward, ref])
            try db.execute(sql: "INSERT INTO ledger_entries (tx_id, account_id, delta, balance_after) VALUES (?, ?, 1, 0)",
                           arguments: [db.lastInsertedRowID, account])
        }
        try queue.close()
        #expect(!(try GameAudit.run(databasePath: server.databasePath)).isClean)
    }

    /// One player buys a personal quest and walks it to completion; its id and the player's account.
    static func playOneQuest(_ server: IntegrationServer) async throws -> (questId: String, account: String) {
        let player = try await server.player()
        let centre = try await regionCentre(player.connection, "catnip-meadows")
        var walker = Walker(player.connection)
        _ = try await walker.report(centre.0, centre.1)
        let quest = try await player.connection.call("quest.request", [
            "scope": "personal", "region": "catnip-meadows", "difficulty": 1, "idempotencyKey": "audit",
        ], timeout: 20)["quest"] ?? .null
        let questId = try #require(quest["id"]?.stringValue)
        #expect(try await walker.walk(through: GameHarness.waypoints(quest)) == [questId])
        return (questId, player.account)
    }
}
