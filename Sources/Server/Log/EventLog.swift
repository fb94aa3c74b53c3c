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
        /// Size of the head last written to the head file (nil: none yet).
        var persistedSize: UInt64?
    }

    public let key: Ed25519PrivateKey
    private let state = Mutex(State())
    /// The copy of the latest signed head kept outside the database (nil: none, tests).
    public let headFile: String?

    /// Loads every event's leaf hash and checks the stored heads against the rebuilt tree, and
    /// the head file's head too: a database that lost committed events (a deleted WAL, an old
    /// backup) would otherwise be signed over at sizes already signed, forking the log.
    /// - Throws: ``EventLogError`` when the events have a gap, no longer match a signed head,
    ///   or do not extend the head in `headFile`.
    public init(key: Ed25519PrivateKey, db: any DatabaseWriter, headFile: String? = nil) throws {
        self.key = key
        self.headFile = headFile
        let outside = try headFile.flatMap { try HeadFile.read($0) }
        try db.read { db in
            try sync(db)
            let heads = try Self.storedHeads(db)
            for head in heads {
                try head.verifySignature(publicKey: key.publicKey)
                let root = try state.withLock { try $0.tree.rootHash(size: head.treeSize) }
                guard root == head.rootHash else { throw EventLogError.headMismatch(treeSize: head.treeSize) }
            }
            if let outside, let headFile {
                guard (try? outside.verifySignature(publicKey: key.publicKey)) != nil else {
                    throw EventLogError.headFileForeign(path: headFile)
                }
                let size = state.withLock { $0.tree.size }
                guard size >= outside.treeSize else {
                    throw EventLogError.behindHeadFile(path: headFile, signedSize: outside.treeSize, databaseSize: size)
                }
                let root = try state.withLock { try $0.tree.rootHash(size: outside.treeSize) }
                guard root == outside.rootHash else { throw EventLogError.headFileMismatch(path: headFile, treeSize: outside.treeSize) }
            }
            let latest = [heads.last, outside].compactMap { $0 }.max { $0.treeSize < $1.treeSize }
            state.withLock {
                $0.head = latest
                $0.persistedSize = outside?.treeSize
            }
        }
    }

    /// Writes `head` to the head file (atomically, fsynced) when it is newer than what is there.
    /// Called after the head's transaction committed and before anyone is given the head.
    public func persist(_ head: SignedTreeHead) throws {
        guard let headFile else { return }
        let due = state.withLock { s in s.persistedSize.map { head.treeSize > $0 } ?? true }
        guard due else { return }
        try HeadFile.write(head, to: headFile)
        state.withLock { s in s.persistedSize = max(s.persistedSize ?? 0, head.treeSize) }
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

    /// Where the head file goes when `log.headFile` is "": beside the key, `NAME.json` → `NAME.head.json`.
    public static func defaultHeadFile(forKey keyFile: String) -> String {
        (keyFile.hasSuffix(".json") ? String(keyFile.dropLast(5)) : keyFile) + ".head.json"
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
    case behindHeadFile(path: String, signedSize: UInt64, databaseSize: UInt64)
    case headFileMismatch(path: String, treeSize: UInt64)
    case headFileForeign(path: String)
    case headFileUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .gap(let seq): "the event log has a gap: event \(seq) is missing"
        case .headMismatch(let size):
            "the events no longer match the signed tree head of size \(size): the database was changed after it was signed"
        case .behindHeadFile(let path, let signed, let have):
            "the database holds \(have) log entries but the server already signed a head of size \(signed) (\(path)): "
                + "committed events are missing (a deleted -wal file, an older backup?). Starting would fork the log; "
                + "restore the database that extends that head"
        case .headFileMismatch(let path, let size):
            "the database's first \(size) log entries are not the ones signed in \(path): the database is not the one "
                + "this log key signed; starting would fork the log"
        case .headFileForeign(let path):
            "\(path) holds a head not signed by this log key; keep each server's key and head file together"
        case .headFileUnreadable(let path, let reason): "cannot read the signed head file \(path): \(reason)"
        }
    }
}

/// The latest signed tree head as a small JSON file beside the log key, replaced atomically
/// (temporary file, fsync, rename, fsync of the directory) each time a head is signed.
enum HeadFile {
    static func read(_ path: String) throws -> SignedTreeHead? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EventLogError.headFileUnreadable(path: path, reason: "cannot open it")
        }
        struct Stored: Decodable { let treeSize: UInt64; let rootHash: String; let timestamp: Int64; let signature: String }
        let stored: Stored
        do { stored = try JSONDecoder().decode(Stored.self, from: data) } catch {
            throw EventLogError.headFileUnreadable(path: path, reason: "not a signed head (\(data.count) bytes)")
        }
        do {
            return try SignedTreeHead(treeSize: stored.treeSize, rootHashHex: stored.rootHash, timestamp: stored.timestamp,
                                      signatureHex: stored.signature)
        } catch {
            throw EventLogError.headFileUnreadable(path: path, reason: "\(error)")
        }
    }

    static func write(_ head: SignedTreeHead, to path: String) throws {
        let text = #"{"treeSize":\#(head.treeSize),"rootHash":"\#(head.rootHash.hex)","timestamp":\#(head.timestamp),"signature":"\#(head.signatureHex)"}"# + "\n"
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw EventLogError.headFileUnreadable(path: temp, reason: "cannot create: \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else {
            throw EventLogError.headFileUnreadable(path: temp, reason: "cannot write: \(String(cString: strerror(errno)))")
        }
        guard rename(temp, path) == 0 else {
            throw EventLogError.headFileUnreadable(path: path, reason: "cannot replace: \(String(cString: strerror(errno)))")
        }
        let dirFD = open(dir.isEmpty ? "." : dir, O_RDONLY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }
}
