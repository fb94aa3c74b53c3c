import Foundation
import GRDB
import Ledger
import PublicAudit
import RPC
import TransparencyLog
import WebSocketTransport

extension GameService {
    // MARK: The transparency log's methods (public: no sign-in needed)

    func logInfo(_ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        return [
            "publicKey": .string(eventLog.publicKey.hex),
            "signatureAlgorithm": "Ed25519",
            "hashAlgorithm": "SHA-256",
            "leafHash": "SHA-256(0x00 || leaf bytes)",
            "nodeHash": "SHA-256(0x01 || left || right)",
            "leafEncoding": .string(EventLeaf.encoding),
            "treeHeadSigningPrefix": .string(TreeHead.signingPrefix),
            "maxEntriesPerCall": .int(Int64(config.log.maxEntriesPerCall)),
            "documentation": "docs/contracts.md",
        ]
    }

    /// The newest signed head; signs a new one first when the log has grown since.
    func logHead(_ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        return try Self.json(try signTreeHead())
    }

    /// Signs a head for the log as it stands, if it grew (the timer and `log.head` call this).
    @discardableResult
    func signTreeHead() throws -> SignedTreeHead {
        let at = nowMillis
        let head = try db.write { db in try eventLog.signHead(db, now: at) }
        // Outside the database too, before anyone sees the head: a database that later loses
        // committed events cannot be signed over at this size again.
        try eventLog.persist(head)
        return head
    }

    func logEntries(_ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["from", "to"])
        let from = try p.int("from", in: 0...Int64.max)
        let to = try p.int("to", in: 0...Int64.max)
        let size = try db.read { db in try eventLog.sync(db) }
        guard from < to else { throw RPCErrorObject.invalidParams("to", "must be greater than from (entries [from, to))") }
        guard UInt64(to) <= size else {
            throw RPCErrorObject(.notFound, "the log has \(size) entries; to must be at most that", field: "to")
        }
        let count = min(Int(to - from), config.log.maxEntriesPerCall)
        let events = try db.read { db in try LedgerStore.events(db, fromSeq: from + 1, limit: count) }
        let entries: [JSONValue] = events.map { e in
            ["leafIndex": .int(e.seq - 1), "leaf": .string(EventLeaf.text(e))]
        }
        return ["entries": .array(entries), "from": .int(from), "to": .int(from + Int64(entries.count))]
    }

    func logInclusionProof(_ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["leafIndex", "treeSize"])
        let index = try p.int("leafIndex", in: 0...Int64.max)
        let size = try p.int("treeSize", in: 1...Int64.max)
        try db.read { db in _ = try eventLog.sync(db) }
        do {
            let proof = try eventLog.inclusionProof(leafIndex: UInt64(index), treeSize: UInt64(size))
            return ["leafIndex": .int(index), "treeSize": .int(size), "proof": .array(proof.map { .string($0.hex) })]
        } catch {
            throw Self.proofError(error, field: error.code == "index_out_of_range" ? "leafIndex" : "treeSize")
        }
    }

    func logConsistencyProof(_ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["first", "second"])
        let first = try p.int("first", in: 0...Int64.max)
        let second = try p.int("second", in: 0...Int64.max)
        try db.read { db in _ = try eventLog.sync(db) }
        do {
            let proof = try eventLog.consistencyProof(from: UInt64(first), to: UInt64(second))
            return ["first": .int(first), "second": .int(second), "proof": .array(proof.map { .string($0.hex) })]
        } catch {
            throw Self.proofError(error, field: error.code == "invalid_sizes" ? "first" : "second")
        }
    }

    static func proofError(_ error: MerkleTreeError, field: String) -> RPCErrorObject {
        RPCErrorObject(.invalidParams, "\(error.message) [\(error.code)]", field: field)
    }

    /// The leaf index of the newest event, inside a write transaction: receipts carry it, so a
    /// player can ask for its inclusion proof later.
    static func lastLeafIndex(_ db: Database) throws -> Int64 {
        (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM ledger_events") ?? 1) - 1
    }
}
