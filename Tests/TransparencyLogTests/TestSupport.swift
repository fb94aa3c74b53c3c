import PurrCrypto
@testable import TransparencyLog

/// A seeded generator, so a failing property test fails the same way on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Decodes hex written in a test; a typo there is a bug in the test, so it stops the run.
func hexBytes(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { preconditionFailure("bad hex in test: \(text)") }
    return bytes
}

/// A hash written in a test as 64 hex digits.
func hash(_ text: String) -> Hash {
    do {
        return try Hash(hex: text)
    } catch {
        preconditionFailure("bad hash in test: \(text)")
    }
}

/// A hash from 32 bytes made in a test.
func hash(bytes: [UInt8]) -> Hash {
    do {
        return try Hash(bytes: bytes)
    } catch {
        preconditionFailure("a test made \(bytes.count) bytes for a hash")
    }
}

/// A hash no tree in these tests produces, for padding and replacing proof entries.
let someHash = hash("abacaba000000000000000000000000000000000000000000060061e00123456")

/// Random leaf contents of 0 to 40 bytes.
func randomLeaves(_ count: Int, using rng: inout SplitMix64) -> [[UInt8]] {
    (0..<count).map { _ in
        (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}

/// RFC 9162 §2.1 written straight from its recursive definitions over byte arrays, sharing no
/// code with `MerkleTree`, so the efficient tree can be checked against it.
enum ReferenceMerkle {
    static func leafHash(_ data: [UInt8]) -> [UInt8] { SHA256.hash([0x00] + data) }

    static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] { SHA256.hash([0x01] + left + right) }

    /// The largest power of two strictly less than n.
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// MTH(D[n]) over leaf hashes.
    static func mth(_ d: [[UInt8]]) -> [UInt8] {
        switch d.count {
        case 0: return SHA256.hash([UInt8]())
        case 1: return d[0]
        default:
            let k = split(d.count)
            return nodeHash(mth(Array(d[..<k])), mth(Array(d[k...])))
        }
    }

    /// PATH(m, D[n]).
    static func path(_ m: Int, _ d: [[UInt8]]) -> [[UInt8]] {
        guard d.count > 1 else { return [] }
        let k = split(d.count)
        if m < k { return path(m, Array(d[..<k])) + [mth(Array(d[k...]))] }
        return path(m - k, Array(d[k...])) + [mth(Array(d[..<k]))]
    }

    /// PROOF(m, D[n]) for 0 < m < n.
    static func proof(_ m: Int, _ d: [[UInt8]]) -> [[UInt8]] { subproof(m, d, true) }

    static func subproof(_ m: Int, _ d: [[UInt8]], _ b: Bool) -> [[UInt8]] {
        if m == d.count { return b ? [] : [mth(d)] }
        let k = split(d.count)
        if m <= k { return subproof(m, Array(d[..<k]), b) + [mth(Array(d[k...]))] }
        return subproof(m - k, Array(d[k...]), false) + [mth(Array(d[..<k]))]
    }
}

/// Runs an inclusion check and reports only whether it passed.
func inclusionHolds(leafHash: Hash, leafIndex: UInt64, treeSize: UInt64, proof: [Hash], rootHash: Hash) -> Bool {
    do {
        try MerkleVerifier.verifyInclusion(leafHash: leafHash, leafIndex: leafIndex, treeSize: treeSize,
                                           proof: proof, rootHash: rootHash)
        return true
    } catch {
        return false
    }
}

/// Runs a consistency check and reports only whether it passed.
func consistencyHolds(firstSize: UInt64, secondSize: UInt64, firstRoot: Hash, secondRoot: Hash, proof: [Hash]) -> Bool {
    do {
        try MerkleVerifier.verifyConsistency(firstSize: firstSize, secondSize: secondSize,
                                             firstRoot: firstRoot, secondRoot: secondRoot, proof: proof)
        return true
    } catch {
        return false
    }
}

/// `proof` with the first byte of element `index` changed.
func flippingByte(of proof: [Hash], at index: Int, mask: UInt8) -> [Hash] {
    var out = proof
    var bytes = out[index].bytes
    bytes[0] ^= mask
    out[index] = hash(bytes: bytes)
    return out
}
