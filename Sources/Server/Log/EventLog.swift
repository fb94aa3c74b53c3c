import Foundation
import GRDB
import Ledger
import PublicAudit
import PurrCrypto
import Synchronization
import TransparencyLog

/// The server's transparency log: every ledger event, in `seq` order, is a leaf of an RFC 9162
/// Merkle tree, and the server signs tree heads with its log key (docs/contracts.md).
///
/// The events table is the log's storage; this keeps the tree of their hashes in memory
/// (rebuilt at start-up, O(n) hashes) and the signed heads in `log_heads`. At start-up the
/// rebuilt tree must match the last signed head, so a database edited behind the server's
/// back stops it instead of being signed over.
///
/// Thread rule: every method may be called from any thread; the tree sits behind a mutex and
/// database work happens inside the caller's GRDB access.
public final class EventLog: Sendable {
    private struct State {
        var tree = MerkleTree()
        var head: SignedTreeHead?
    }

    public let key: Ed25519PrivateKey
    private let state = Mutex(State())

    /// Loads every event's leaf hash and checks the stored heads against the rebuilt tree.
    /// - Throws: ``EventLogError`` when the events have a gap or no longer match a signed head.
    public init(key: Ed25519PrivateKey, db: any DatabaseWriter) throws {
        self.key = key
        try db.read { db in
            try sync(db)
            let heads = try Self.storedHeads(db)
            for head in heads {
                try head.verifySignature(publicKey: key.publicKey)
                let root = try state.withLock { try $0.tree.rootHash(size: head.treeSize) }
                guard root == head.rootHash else { throw EventLogError.headMismatch(treeSize: head.treeSize) }
            }
            state.withLock { $0.head = heads.last }
        }
    }

    public var publicKey: Ed25519PublicKey { key.publicKey }
    public var size: UInt64 { state.withLock { $0.tree.size } }
    public var latestHead: SignedTreeHead? { state.withLock { $0.head } }

    /// Appends the leaves of events committed since the last call.
    @discardableResult
    public func sync(_ db: Database) throws -> UInt64 {
        while true {
            let from = state.withLock { $0.tree.size }
            let events = try LedgerStore.events(db, fromSeq: Int64(from) + 1, limit: LedgerStore.maxPageSize)
            if events.isEmpty { return from }
            let hashes = try events.enumerated().map { i, event in
                guard event.seq == Int64(from) + 1 + Int64(i) else { throw EventLogError.gap(expectedSeq: Int64(from) + 1 + Int64(i)) }
                return EventLeaf.hash(event)
            }
            state.withLock { s in
                // Another caller may have appended the same events meanwhile.
                guard s.tree.size == from else { return }
                for h in hashes { s.tree.append(leafHash: h) }
            }
        }
    }

    /// The newest signed head, signing (and storing) a new one when the log has grown.
    public func signHead(_ db: Database, now: Int64) throws -> SignedTreeHead {
        try sync(db)
        let (tree, head) = state.withLock { ($0.tree, $0.head) }
        if let head, head.treeSize == tree.size { return head }
        let timestamp = max(now, (head?.timestamp ?? now) + 1)
        let signed = try tree.treeHead(timestamp: timestamp).signed(with: key)
        try db.execute(sql: "INSERT INTO log_heads (tree_size, root_hash, timestamp, signature) VALUES (?, ?, ?, ?)",
                       arguments: [Int64(signed.treeSize), signed.rootHash.hex, signed.timestamp, signed.signatureHex])
        state.withLock { s in
            if (s.head?.treeSize ?? 0) < signed.treeSize || s.head == nil { s.head = signed }
        }
        return signed
    }

    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws(MerkleTreeError) -> [Hash] {
        try state.withLock { s throws(MerkleTreeError) in try s.tree.inclusionProof(leafIndex: leafIndex, treeSize: treeSize) }
    }

    public func consistencyProof(from first: UInt64, to second: UInt64) throws(MerkleTreeError) -> [Hash] {
        try state.withLock { s throws(MerkleTreeError) in try s.tree.consistencyProof(from: first, to: second) }
    }

    public func rootHash(size: UInt64) throws(MerkleTreeError) -> Hash {
        try state.withLock { s throws(MerkleTreeError) in try s.tree.rootHash(size: size) }
    }

    /// Every head the server signed, oldest first.
    public static func storedHeads(_ db: Database) throws -> [SignedTreeHead] {
        try Row.fetchAll(db, sql: "SELECT tree_size, root_hash, timestamp, signature FROM log_heads ORDER BY tree_size").map { row in
            let size: Int64 = row["tree_size"]
            return try SignedTreeHead(treeSize: UInt64(max(0, size)), rootHashHex: row["root_hash"], timestamp: row["timestamp"],
                                      signatureHex: row["signature"])
        }
    }

    /// The log's table of signed heads (append-only, like the events).
    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("log-v1") { db in
            try db.execute(sql: """
                CREATE TABLE log_heads (
                    tree_size INTEGER PRIMARY KEY,
                    root_hash TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    signature TEXT NOT NULL
                ) STRICT;
                CREATE TRIGGER log_heads_no_update BEFORE UPDATE ON log_heads
                BEGIN SELECT RAISE(ABORT, 'log_heads is append-only: rows cannot be updated'); END;
                CREATE TRIGGER log_heads_no_delete BEFORE DELETE ON log_heads
                BEGIN SELECT RAISE(ABORT, 'log_heads is append-only: rows cannot be deleted'); END;
                """)
        }
    }

    /// The log key at `path`, created (mode 0600) on first start; nil path: a key for this run only.
    public static func loadKey(path: String?) throws -> (key: Ed25519PrivateKey, created: Bool) {
        guard let path, !path.isEmpty else { return (try Ed25519PrivateKey(), true) }
        if FileManager.default.fileExists(atPath: path) { return (try KeyFile.read(from: path), false) }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let key = try Ed25519PrivateKey()
        try KeyFile.write(key, to: path, overwrite: false)
        return (key, true)
    }
}

/// The events no longer form the log the server signed.
public enum EventLogError: Error, Equatable, Sendable, CustomStringConvertible {
    case gap(expectedSeq: Int64)
    case headMismatch(treeSize: UInt64)

    public var description: String {
        switch self {
        case .gap(let seq): "the event log has a gap: event \(seq) is missing"
        case .headMismatch(let size):
            "the events no longer match the signed tree head of size \(size): the database was changed after it was signed"
        }
    }
}
