import Synchronization

/// Pieces already encoded, shared by all copies of a tokenizer and by all threads.
///
/// Text repeats the same words, so most pieces are looked up instead of merged. Lookups hash
/// the piece's bytes in place (no array is made per piece) into one of 16 shards, each an
/// open-addressing table behind its own mutex, so that threads encoding at once seldom wait
/// on each other. The cache stops growing at ``capacity`` pieces rather than evicting: a
/// fixed memory bound, as in `tokenizers`.
final class PieceCache: Sendable {
    static let capacity = 131_072
    /// Longer pieces are rare and would crowd out common ones.
    static let longestPiece = 64
    private static let shardCount = 16

    /// A mutex is not copyable, so each shard's lives in a class instance of its own.
    private final class Shard: Sendable {
        let table = Mutex(PieceTable(capacity: PieceCache.capacity / PieceCache.shardCount))
    }

    private let shards: [Shard] = (0..<PieceCache.shardCount).map { _ in Shard() }

    /// FNV-1a over the bytes; pieces are a few bytes long, so a simple byte loop is enough.
    @inline(__always)
    static func hash(_ piece: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in piece { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// Appends the cached ids of `piece` to `ids` and returns true, or returns false.
    @inline(__always)
    func appendIDs(of piece: UnsafeBufferPointer<UInt8>, hash: UInt64, to ids: inout [Int32]) -> Bool {
        shards[Int(hash >> 60)].table.withLock { $0.appendIDs(of: piece, hash: hash, to: &ids) }
    }

    func store(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, ids: [Int32]) {
        guard piece.count <= Self.longestPiece else { return }
        shards[Int(hash >> 60)].table.withLock { $0.insert(piece, hash: hash, ids: ids) }
    }
}

/// One shard: pieces and their ids in two arenas, found through a linear-probing slot table.
struct PieceTable {
    private var slots: [Int32]            // entry index, or -1
    private var hashes: [UInt64] = []
    private var keyStarts: [Int32] = []   // into keyBytes; the key ends where the next begins
    private var valueStarts: [Int32] = [] // into valueIDs
    private var keyBytes: [UInt8] = []
    private var valueIDs: [Int32] = []
    private let limit: Int
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        limit = capacity
        keyStarts = [0]
        valueStarts = [0]
    }

    func appendIDs(of piece: UnsafeBufferPointer<UInt8>, hash: UInt64, to ids: inout [Int32]) -> Bool {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { return false }
            if hashes[entry] == hash, keyMatches(entry, piece) {
                let range = Int(valueStarts[entry])..<Int(valueStarts[entry + 1])
                valueIDs.withUnsafeBufferPointer { ids.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
                return true
            }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ piece: UnsafeBufferPointer<UInt8>, hash: UInt64, ids: [Int32]) {
        guard hashes.count < limit else { return }
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let entry = Int(slots[slot])
            if hashes[entry] == hash, keyMatches(entry, piece) { return }   // another thread was first
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(hashes.count)
        hashes.append(hash)
        keyBytes.append(contentsOf: piece)
        keyStarts.append(Int32(keyBytes.count))
        valueIDs.append(contentsOf: ids)
        valueStarts.append(Int32(valueIDs.count))
    }

    @inline(__always)
    private func keyMatches(_ entry: Int, _ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(keyStarts[entry])
        guard Int(keyStarts[entry + 1]) - start == piece.count else { return false }
        return keyBytes.withUnsafeBufferPointer { stored in
            for k in 0..<piece.count where stored[start + k] != piece[k] { return false }
            return true
        }
    }
}
