/// Which tokens of a vocabulary the grammar allows next: one bit per token id, laid out
/// like `NeuralCore.TokenMask` (token `i` at bit `i % 64` of word `i / 64`).
public struct GrammarMask: Hashable, Sendable {
    var bits: BitSet

    public init(vocabularySize: Int) {
        bits = BitSet(capacity: vocabularySize)
    }

    public var vocabularySize: Int { bits.capacity }

    public func contains(_ token: Int) -> Bool { bits.contains(token) }

    public mutating func insert(_ token: Int) { bits.insert(token) }

    /// How many tokens are allowed.
    public var allowedCount: Int { bits.count }

    /// The allowed token ids in increasing order.
    public var allowedTokens: [Int] { bits.members }

    /// The packed bits, 64 tokens a word, token `i` at bit `i % 64` of word `i / 64`; for
    /// kernels that mask logits themselves.
    public var words: [UInt64] { bits.words }

    /// Sets every disallowed logit to minus infinity, so any sampler that respects
    /// probabilities (temperature, top-k, top-p) can only pick allowed tokens.
    public func apply(to logits: inout [Float]) {
        logits.withUnsafeMutableBufferPointer { buffer in
            let words = bits.words
            for index in buffer.indices {
                let word = index >> 6
                if word >= words.count || words[word] & (1 << UInt64(index & 63)) == 0 {
                    buffer[index] = -Float.infinity
                }
            }
        }
    }
}
