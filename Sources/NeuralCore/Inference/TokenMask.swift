/// The set of token ids a sampler may return, as a bitset over the vocabulary.
///
/// Grammar-constrained decoding builds one per step from the grammar's state; a bitset keeps
/// the per-token check to a shift and a mask, and the sampler skips whole 64-token words
/// that allow nothing.
///
/// ```swift
/// var mask = TokenMask(vocab: 4096)          // allows nothing
/// mask.allow(17); mask.allow(42)
/// let token = try sampler.sample(logits, mask: mask)   // 17 or 42
/// ```
public struct TokenMask: Sendable, Hashable {
    public let vocab: Int
    /// Bit `i % 64` of word `i / 64` is set when token `i` is allowed; bits past `vocab` are 0.
    public private(set) var words: [UInt64]

    /// A mask over `vocab` tokens allowing all of them, or none.
    public init(vocab: Int, allowingAll: Bool = false) {
        self.vocab = max(0, vocab)
        words = Array(repeating: 0, count: (self.vocab + 63) / 64)
        if allowingAll { allowAll() }
    }

    /// A mask allowing exactly `allowed`; ids outside `0..<vocab` are ignored.
    public init(vocab: Int, allowed: some Sequence<Int32>) {
        self.init(vocab: vocab)
        for t in allowed { allow(t) }
    }

    /// A mask allowing the tokens for which `predicate` is true.
    public init(vocab: Int, where predicate: (Int32) throws -> Bool) rethrows {
        self.init(vocab: vocab)
        for t in 0..<self.vocab where try predicate(Int32(t)) { allow(Int32(t)) }
    }

    public func allows(_ token: Int32) -> Bool {
        guard token >= 0, Int(token) < vocab else { return false }
        return words[Int(token) >> 6] & (1 << UInt64(token & 63)) != 0
    }

    public mutating func allow(_ token: Int32) {
        guard token >= 0, Int(token) < vocab else { return }
        words[Int(token) >> 6] |= 1 << UInt64(token & 63)
    }

    public mutating func disallow(_ token: Int32) {
        guard token >= 0, Int(token) < vocab else { return }
        words[Int(token) >> 6] &= ~(1 << UInt64(token & 63))
    }

    public mutating func allowAll() {
        for w in words.indices { words[w] = ~0 }
        let tail = vocab % 64
        if tail != 0, let last = words.indices.last { words[last] = (1 << UInt64(tail)) - 1 }
    }

    public mutating func disallowAll() {
        for w in words.indices { words[w] = 0 }
    }

    /// How many tokens are allowed.
    public var allowedCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// True when no token is allowed (sampling would fail).
    public var allowsNothing: Bool { words.allSatisfy { $0 == 0 } }
}
