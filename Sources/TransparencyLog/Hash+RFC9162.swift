import PurrCrypto

// The hashing rules of RFC 9162 §2.1.1. The one-byte prefixes keep a leaf from ever hashing to
// the same value as an interior node (second-preimage resistance), so an attacker cannot
// present a node as a leaf or the other way round.
extension Hash {
    /// MTH({}): the root of a tree with no leaves, SHA-256 of the empty string.
    public static let emptyTree = Hash(digest: SHA256.hash([UInt8]()))

    /// The leaf hash SHA-256(0x00 ‖ data) of one log entry's bytes.
    ///
    /// ```swift
    /// let leaf = Hash.leaf(Array(eventJSON.utf8))
    /// ```
    public static func leaf(_ data: some Collection<UInt8>) -> Hash {
        var input: [UInt8] = [0x00]
        input.reserveCapacity(1 + data.count)
        input.append(contentsOf: data)
        return Hash(digest: SHA256.hash(input))
    }

    /// The interior node hash SHA-256(0x01 ‖ left ‖ right).
    public static func node(left: Hash, right: Hash) -> Hash {
        var input: [UInt8] = [0x01]
        input.reserveCapacity(1 + 2 * byteCount)
        left.append(to: &input)
        right.append(to: &input)
        return Hash(digest: SHA256.hash(input))
    }
}

/// The split point k of RFC 9162 §2.1.1: the largest power of two strictly less than `n` (n ≥ 2).
func largestPowerOfTwo(below n: UInt64) -> UInt64 {
    precondition(n >= 2, "a tree of fewer than two leaves has no split")
    return 1 << (63 - (n - 1).leadingZeroBitCount)
}
