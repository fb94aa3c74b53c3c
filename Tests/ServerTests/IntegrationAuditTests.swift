import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import PublicAudit
import PurrClient
import PurrCrypto
import RPC
import Testing
import TransparencyLog
@testable import Server

/// Quests and NFT claims played through the real server, then audited from outside over the
/// network (`purr audit --server`), then tampered with offline (`purr audit --db` on a copy).
@Suite(.serialized) struct IntegrationAuditTests {
    static let region = "catnip-meadows"

    /// Plays a personal quest, a contested NFT claim and a transfer; asks for a tree head after
    /// each, so the log has several signed heads. Returns the database path of a stopped server.
    static func play(_ server: IntegrationServer) async throws {
        let a = try await server.player()
        let b = try await server.player()
        let centre = try await regionCentre(a.connection, region)
        var walkerA = Walker(a.connection)
        _ = try await walkerA.report(centre.0, centre.1)
        _ = try await a.connection.call("log.head")

        let bought = try await a.connection.call("quest.request", [
            "scope": "personal", "region": .string(region), "difficulty": 1, "idempotencyKey": "audit-q",
        ], timeout: 20)
        let quest = try #require(bought["quest"])
        #expect(try await walkerA.walk(through: GameHarness.waypoints(quest)) == [quest["id"] ?? .null].compactMap(\.stringValue))
        _ = try await a.connection.call("log.head")

        // One drop, two claimants: B is already there and wins at once, A is refunded.
        let db = server.app.db
        #expect(await eventually { ((try? await db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM nft_drops") }) ?? 0) > 0 })
        let body = try #require(try await server.app.db.read { db in try String.fetchOne(db, sql: "SELECT body FROM nft_drops LIMIT 1") })
        let drop = try JSONValue.parse(body)
        let id = try #require(drop["id"]?.stringValue)
        _ = try await a.connection.call("nft.claim", ["nftId": .string(id), "idempotencyKey": "a"])
        var walkerB = Walker(b.connection)
        _ = try await walkerB.report(drop["x"]?.doubleValue ?? 0, drop["y"]?.doubleValue ?? 0)
        let won = try await b.connection.call("nft.claim", ["nftId": .string(id), "idempotencyKey": "b"])
        #expect(won["status"] == "won")
        #expect(await a.inbox.first("nft.claim.refunded")?["code"] == "nft_claimed")
        _ = try await b.connection.call("nft.transfer", ["nftId": .string(id), "to": .string(a.account), "idempotencyKey": "t"])
        _ = try await a.connection.call("log.head")
        _ = try await a.connection.call("wallet.transfer", ["to": .string(b.account), "amount": "777", "idempotencyKey": "w"])
    }

    @Test("NFT metadata and art are served over plain HTTP on the game port; the metadata hashes to the id")
    func httpArtwork() async throws {
        try await withIntegrationServer({ $0.nft.spawnEverySeconds = 3_600 }) { server in
            let db = server.app.db
            // The spawn timer places the first drop right after start-up.
            #expect(await eventually { ((try? await db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM nft_drops") }) ?? 0) > 0 })
            let id = try #require(try await db.read { db in try String.fetchOne(db, sql: "SELECT id FROM nft_drops LIMIT 1") })
            let json = try await Self.get("http://127.0.0.1:\(server.port)/nft/\(id).json")
            #expect(json.status == 200 && json.type.hasPrefix("application/json"))
            #expect(Hex.encode(SHA256.hash(Array(json.body))) == id)
            let svg = try await Self.get("http://127.0.0.1:\(server.port)/nft/\(id).svg")
            #expect(svg.status == 200 && svg.type.hasPrefix("image/svg+xml") && String(decoding: svg.body, as: UTF8.self).hasPrefix("<svg"))
            #expect(try await Self.get("http://127.0.0.1:\(server.port)/nft/\(String(repeating: "0", count: 64)).json").status == 404)
            #expect(try await Self.get("http://127.0.0.1:\(server.port)/healthz").status == 200)
        }
    }

    static func get(_ url: String) async throws -> (status: Int, type: String, body: Data) {
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: url)))
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Content-Type") ?? "", data)
    }

    @Test("The audit over the network verifies heads, entries, proofs and every rule; a second audit proves consistency")
    func auditOverNetwork() async throws {
        try await withIntegrationServer({ $0.nft.spawnEverySeconds = 3_600 }) { server in
            try await Self.play(server)
            let c = try await server.connect()
            let first = try await ServerAuditor(inclusionSamples: 32).audit(c)
            #expect(first.findings == [])
            #expect(first.log.nfts == 1 && first.log.quests == 1)
            #expect(first.log.owners.count == 1)
            // More activity, then a second audit from the head the first one verified.
            let p = try await server.player()
            let q = try await server.player()
            _ = try await p.connection.call("wallet.transfer", ["to": .string(q.account), "amount": "1", "idempotencyKey": "x"])
            let second = try await ServerAuditor().audit(c, previous: first.head)
            #expect(second.findings == [])
            #expect(second.consistentWithPrevious == true)
            #expect(second.head.treeSize > first.head.treeSize)
            // A head from another log is not an ancestor of this one.
            let forged = try TreeHead(treeSize: first.head.treeSize, rootHash: Hash.leaf([1, 2, 3]), timestamp: 1).signed(with: .init())
            let third = try await ServerAuditor().audit(c, previous: forged)
            #expect(third.consistentWithPrevious == false)
            c.close()
        }
    }

    enum Tamper: String, CaseIterable, Sendable {
        case changeAmount, deleteEvent, reorderEvents, forgeHead
    }

    /// Changes the copy at `path` as an attacker with the file would; returns the seq of the
    /// targeted event (the last transfer's) and the heads signed before.
    static func tamper(_ path: String, _ tamper: Tamper) throws -> (Int64, [SignedTreeHead]) {
        let queue = try DatabaseQueue(path: path)
        // The last transfer's ledger.tx event: amount 777.
        let found = try queue.read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM ledger_events WHERE kind = 'ledger.tx' AND payload LIKE '%\"amount\":\"777\"%'")
        }
        guard let target = found else { throw DatabaseError(message: "the 777 transfer was not found") }
        let headsBefore = try queue.read { db in try EventLog.storedHeads(db) }
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER IF EXISTS ledger_events_no_update; DROP TRIGGER IF EXISTS ledger_events_no_delete; DROP TRIGGER IF EXISTS log_heads_no_update")
            switch tamper {
            case .changeAmount:
                try db.execute(sql: "UPDATE ledger_events SET payload = replace(payload, '\"amount\":\"777\"', '\"amount\":\"7777\"') WHERE seq = ?", arguments: [target])
            case .deleteEvent:
                // The event before the transfer, so that a later leaf moves into its place.
                try db.execute(sql: "DELETE FROM ledger_events WHERE seq = ?", arguments: [target - 1])
            case .reorderEvents:
                // Swap the transfer with the event before it.
                let rows = try Row.fetchAll(db, sql: "SELECT seq, kind, payload FROM ledger_events WHERE seq IN (?, ?) ORDER BY seq",
                                            arguments: [target - 1, target])
                guard rows.count == 2 else { throw DatabaseError(message: "events to swap not found") }
                for (row, other) in [(rows[0], rows[1]), (rows[1], rows[0])] {
                    try db.execute(sql: "UPDATE ledger_events SET kind = ?, payload = ? WHERE seq = ?",
                                   arguments: [other["kind"] as String, other["payload"] as String, row["seq"] as Int64])
                }
            case .forgeHead:
                try db.execute(sql: "UPDATE log_heads SET root_hash = ? WHERE tree_size = (SELECT MAX(tree_size) FROM log_heads)",
                               arguments: [String(repeating: "ab", count: 32)])
            }
        }
        try queue.close()
        return (target, headsBefore)
    }

    @Test("Each tampering with a copy of the database is caught, at the place it was made", arguments: Tamper.allCases)
    func tamperingCaught(_ tamper: Tamper) async throws {
        let server = try await IntegrationServer.start { $0.nft.spawnEverySeconds = 3_600 }
        defer { server.removeFiles() }
        try await Self.play(server)
        await server.shutdown()
        await server.stopClients()
        let (tables, clean) = try server.offlineAudit()
        #expect(tables.isClean && clean.isClean, "\(tables.violations) \(clean.findings)")

        let copy = server.databasePath + "-\(tamper.rawValue).sqlite"
        try FileManager.default.copyItem(atPath: server.databasePath, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let (target, headsBefore) = try Self.tamper(copy, tamper)
        let (tablesAfter, log) = try server.offlineAudit(path: copy)
        let first = try #require(log.findings.first, "\(tamper) was not caught")
        let lastHead = try #require(headsBefore.last)
        switch tamper {
        case .forgeHead:
            #expect(first.message.contains("signature") && first.message.contains("size \(lastHead.treeSize)"), "\(first)")
        case .deleteEvent:
            // Every later leaf moved down one: the first one is named.
            #expect(first.leafIndex == UInt64(target - 2), "\(first)")
            #expect(first.message.contains("seq \(target)"), "\(first)")
        case .changeAmount, .reorderEvents:
            // The first signed head that no longer matches bounds the change to [leafIndex, size).
            // (Reordering also moved the event before the transfer.)
            let leaf = UInt64(tamper == .reorderEvents ? target - 2 : target - 1)
            let covering = try #require(headsBefore.first { $0.treeSize > leaf })
            #expect(first.leafIndex.map { $0 <= leaf } == true, "\(first)")
            #expect(first.message.contains("size \(covering.treeSize)"), "\(first)")
            if tamper == .changeAmount {
                // The tables still say 777: the ledger audit names the transaction too.
                #expect(!tablesAfter.isClean)
            }
        }
    }
}
