/// The merges of a BPE model as a lookup from a pair of ids to the merge's rank and result.
///
/// This lookup is the inner loop of encoding, so it is an open-addressing table keyed by the
/// pair packed into 64 bits rather than a `Dictionary` (no hashing of a struct, no boxing).
struct MergeTable: Sendable {
    struct Merge: Equatable, Sendable {
        /// Position in the merge list: lower ranks merge first.
        var rank: Int32
        /// The token the pair becomes.
        var result: Int32
    }

    private var keys: [UInt64]
    private var values: [Merge]
    private let mask: Int
    private(set) var count = 0

    /// A key no pair packs to: both halves would be id 0xFFFF_FFFF, which `Int32` ids never reach.
    private static let emptyKey = UInt64.max

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.emptyKey, count: size)
        values = [Merge](repeating: Merge(rank: 0, result: 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    @inline(__always)
    private static func slot(for key: UInt64, mask: Int) -> Int {
        // Fibonacci hashing spreads consecutive ids across the table.
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    /// Adds a merge; returns false (and changes nothing) if the pair is already present.
    mutating func insert(left: Int32, right: Int32, _ merge: Merge) -> Bool {
        let key = Self.key(left, right)
        var slot = Self.slot(for: key, mask: mask)
        while keys[slot] != Self.emptyKey {
            if keys[slot] == key { return false }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = merge
        count += 1
        return true
    }

    @inline(__always)
    func lookup(_ left: Int32, _ right: Int32) -> Merge? {
        let key = Self.key(left, right)
        return keys.withUnsafeBufferPointer { keys in
            var slot = Self.slot(for: key, mask: mask)
            while true {
                let stored = keys[slot]
                if stored == key { return values[slot] }
                if stored == Self.emptyKey { return nil }
                slot = (slot + 1) & mask
            }
        }
    }
}
