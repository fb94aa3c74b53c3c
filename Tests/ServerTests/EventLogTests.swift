import Foundation
import GRDB
import Ledger
import PublicAudit
import Quests
import PurrCrypto
import RPC
import Testing
import TransparencyLog
import WebSocketTransport
@testable import Server

@Suite struct EventLogTests {
    static func hashes(_ value: JSONValue?) throws -> [Hash] {
        try (value?.arrayValue ?? []).map { try Hash(hex: $0.stringValue ?? "") }
    }

    static func head(_ v: JSONValue) throws -> SignedTreeHead { try ServerAuditor.decodeHead(v) }

    @Test("An outsider checks a signed head, recomputes the root from the entries, and proves a receipt's leaf")
    func outsiderVerifies() async throws {
        var h = try await GameHarness()
        let (a, keyA) = try await h.player()
        let b = try Ed25519PrivateKey()
        let receipt = try await h.call(a, "wallet.transfer", ["to": .string(b.publicKeyHex), "amount": "1234", "idempotencyKey": "t1"])
        let info = try await h.call(a, "log.info")
        let logKey = try Ed25519PublicKey(hex: info["publicKey"]?.stringValue ?? "")
        let head = try Self.head(try await h.call(a, "log.head"))
        try head.verifySignature(publicKey: logKey)

        let entries = try await h.call(a, "log.entries", ["from": 0, "to": .int(Int64(head.treeSize))])
        let leaves = try #require(entries["entries"]?.arrayValue)
        #expect(UInt64(leaves.count) == head.treeSize)
        var tree = MerkleTree()
        var events: [LedgerEvent] = []
        for (i, entry) in leaves.enumerated() {
            let text = try #require(entry["leaf"]?.stringValue)
            events.append(try EventLeaf.parse(text, leafIndex: UInt64(i)))
            tree.append(leafBytes: Array(text.utf8))
        }
        #expect(tree.rootHash == head.rootHash)

        // The receipt's leaf is the transfer's ledger.tx event, and it is provably in the head.
        let index = try #require(receipt["leafIndex"]?.intValue)
        let event = events[Int(index)]
        #expect(event.kind == "ledger.tx")
        #expect(event.payload.contains("\"amount\":\"1234\"") && event.payload.contains(keyA.publicKeyHex))
        let proof = try await h.call(a, "log.proof.inclusion", ["leafIndex": .int(index), "treeSize": .int(Int64(head.treeSize))])
        try MerkleVerifier.verifyInclusion(leafHash: EventLeaf.hash(event), leafIndex: UInt64(index), treeSize: head.treeSize,
                                           proof: try Self.hashes(proof["proof"]), rootHash: head.rootHash)

        // More activity: a new head, consistent with the first.
        _ = try await h.call(a, "wallet.transfer", ["to": .string(b.publicKeyHex), "amount": "1", "idempotencyKey": "t2"])
        let later = try Self.head(try await h.call(a, "log.head"))
        try later.verifySignature(publicKey: logKey)
        #expect(later.treeSize > head.treeSize)
        let consistency = try await h.call(a, "log.proof.consistency", ["first": .int(Int64(head.treeSize)), "second": .int(Int64(later.treeSize))])
        try MerkleVerifier.verifyConsistency(firstSize: head.treeSize, secondSize: later.treeSize, firstRoot: head.rootHash,
                                             secondRoot: later.rootHash, proof: try Self.hashes(consistency["proof"]))
        // Asking again without new events returns the same head, not a new signature.
        #expect(try Self.head(try await h.call(a, "log.head")) == later)
    }

    @Test("Out-of-range log requests name the field")
    func badRequests() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        let size = try #require(try await h.call(c, "log.head")["treeSize"]?.intValue)
        #expect(await errorCode { try await h.call(c, "log.entries", ["from": 0, "to": .int(size + 1)]) } == RPCErrorCode.notFound.rawValue)
        #expect(await errorCode { try await h.call(c, "log.entries", ["from": 2, "to": 2]) } == RPCErrorCode.invalidParams.rawValue)
        #expect(await errorCode { try await h.call(c, "log.entries", ["from": -1, "to": 2]) } == RPCErrorCode.invalidParams.rawValue)
        #expect(await errorCode { try await h.call(c, "log.proof.inclusion", ["leafIndex": .int(size), "treeSize": .int(size)]) } == RPCErrorCode.invalidParams.rawValue)
        #expect(await errorCode { try await h.call(c, "log.proof.inclusion", ["leafIndex": 0, "treeSize": .int(size + 5)]) } == RPCErrorCode.invalidParams.rawValue)
        #expect(await errorCode { try await h.call(c, "log.proof.consistency", ["first": 3, "second": 2]) } == RPCErrorCode.invalidParams.rawValue)
        #expect(await errorCode { try await h.call(c, "log.entries", ["from": 0]) } == RPCErrorCode.invalidParams.rawValue)
    }

    @Test("A log leaf in any form but the canonical one is refused")
    func canonicalLeaves() throws {
        let event = LedgerEvent(seq: 3, kind: "ledger.tx", payload: #"{"a":1}"#, at: 42)
        let text = EventLeaf.text(event)
        #expect(text == #"{"at":42,"kind":"ledger.tx","payload":{"a":1},"seq":3}"#)
        #expect(try EventLeaf.parse(text, leafIndex: 2) == event)
        for bad in [#"{"at":42, "kind":"ledger.tx","payload":{"a":1},"seq":3}"#,
                    #"{"kind":"ledger.tx","at":42,"payload":{"a":1},"seq":3}"#,
                    #"{"at":42,"kind":"ledger.tx","payload":{"a":1},"seq":4}"#,
                    #"{"at":42,"kind":"ledger.tx","payload":{"a":1},"seq":3,"x":1}"#,
                    #"not json"#] {
            #expect(throws: EventLeafError.self) { try EventLeaf.parse(bad, leafIndex: 2) }
        }
    }

    @Test("A database changed after a head was signed stops the log from loading")
    func tamperedDatabaseRefused() throws {
        let db = try GameDatabase.open(path: nil, ledger: LedgerConfig())
        let key = try Ed25519PrivateKey()
        let log = try EventLog(key: key, db: db)
        _ = try db.write { db in try log.signHead(db, now: 1) }
        #expect(throws: Never.self) { try EventLog(key: key, db: db) }
        try db.write { db in
            try db.execute(sql: "DROP TRIGGER ledger_events_no_update")
            try db.execute(sql: "UPDATE ledger_events SET payload = replace(payload, '0', '1') WHERE seq = 2")
        }
        #expect(throws: EventLogError.self) { try EventLog(key: key, db: db) }
        // A head signed by another key is refused too.
        #expect(throws: (any Error).self) { try EventLog(key: try Ed25519PrivateKey(), db: db) }
    }

    @Test("A gap in the events is refused")
    func gapRefused() throws {
        let db = try GameDatabase.open(path: nil, ledger: LedgerConfig())
        try db.write { db in
            try db.execute(sql: "DROP TRIGGER ledger_events_no_delete")
            try db.execute(sql: "DELETE FROM ledger_events WHERE seq = 2")
        }
        #expect(throws: EventLogError.gap(expectedSeq: 2)) { try EventLog(key: try Ed25519PrivateKey(), db: db) }
    }
}

@Suite struct LogAuditReplayTests {
    /// The leaves of a game in which one player bought and walked a personal quest.
    static func playedLeaves() async throws -> (GameHarness, [LedgerEvent]) {
        var h = try await GameHarness()
        let (a, _) = try await h.player()
        let bought = try await h.call(a, "quest.request", ["scope": "personal", "difficulty": 1, "idempotencyKey": "q"])
        let quest = try #require(bought["quest"])
        let start = try #require(GameHarness.waypoints(quest).first)
        let walked = try await h.walk(a, from: (start.0 + 100, start.1), through: GameHarness.waypoints(quest))
        #expect(walked.completed.count == 1)
        let events = try await h.db.read { db in try LedgerStore.events(db, fromSeq: 1, limit: 10_000) }
        return (h, events)
    }

    static func audit(_ h: GameHarness, _ events: [LedgerEvent]) -> LogAudit.Report {
        LogAudit(publicKey: nil, claimRadius: h.world.settings.claimRadius, world: h.world).run(heads: [], leaves: events.map(EventLeaf.text))
    }

    @Test("Replaying the contracts of an honest game finds nothing")
    func honest() async throws {
        let (h, events) = try await Self.playedLeaves()
        let report = Self.audit(h, events)
        #expect(report.findings == [])
        #expect(report.quests == 1)
    }

    @Test("A completion the contract does not reach, a changed contract and a wrong weather are each named")
    func forgedCompletion() async throws {
        let (h, events) = try await Self.playedLeaves()
        func altered(_ kind: String, _ change: (String) -> String) -> [LedgerEvent] {
            events.map { e in e.kind == kind ? LedgerEvent(seq: e.seq, kind: e.kind, payload: change(e.payload), at: e.at) : e }
        }
        // The completion moved 3 km away from where the contract's last step is.
        let moved = altered("quest.completed") { p in
            guard let v = try? JSONValue.parse(p), case .object(var o) = v, let x = o["x"]?.doubleValue else { return p }
            o["x"] = .double(x + 3_000)
            return JSONValue.object(o).serialized()
        }
        let findings = Self.audit(h, moved).findings
        #expect(findings.contains { $0.message.contains("its contract is not complete") }, "\(findings)")
        // A contract changed after the fact no longer matches its hash.
        let changedContract = altered("quest.created") { $0.replacingOccurrences(of: "\"radius\":", with: "\"radius\":1") }
        #expect(Self.audit(h, changedContract).findings.contains { $0.message.contains("hash") })
        // The weather recorded at the completion is not the world's.
        let wrongWeather = altered("quest.completed") { p in
            p.contains("\"weather\":\"storm\"") ? p.replacingOccurrences(of: "\"weather\":\"storm\"", with: "\"weather\":\"clear\"")
                                                : p.replacingOccurrences(of: "\"weather\":\"", with: "\"weather\":\"storm\",\"w\":\"")
        }
        #expect(Self.audit(h, wrongWeather).findings.contains { $0.message.contains("weather") })
    }
}
