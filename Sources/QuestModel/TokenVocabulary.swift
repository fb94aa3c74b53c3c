/// The bytes of every token of a byte-level tokenizer, arranged for fast masking: a
/// token is allowed when the grammar accepts each of its bytes in turn.
///
/// Two paths give the same answer. Inside prose (most of a quest) a token of plain
/// characters is allowed exactly when it fits the characters left, so those tokens come
/// from precomputed per-length masks; only tokens holding a brace, a line break or a
/// non-ASCII byte are walked through a trie. Everywhere else the whole vocabulary's trie
/// is walked, and tokens sharing a prefix share the work of that prefix.
///
/// ```swift
/// let vocabulary = TokenVocabulary(count: tokenizer.vocabularySize) { tokenizer.tokenBytes($0) }
/// let mask = vocabulary.allowedTokens(grammar: grammar, state: state)
/// ```
/// Tokens with no bytes (special tokens) are never allowed by the grammar.
public struct TokenVocabulary: Sendable {
    /// Bytes of each token id.
    public let tokenBytes: [[UInt8]]
    private let fullTrie: TokenTrie
    /// Tokens that are not plain prose, for the prose path.
    private let specialTrie: TokenTrie
    /// `plainUpTo[n]`: plain tokens of at most n bytes (index capped at the longest).
    private let plainUpTo: [BitSet]
    /// The same without tokens that start with a space (refused first in a field).
    private let plainNoSpaceUpTo: [BitSet]

    public init(tokenBytes: [[UInt8]]) {
        self.tokenBytes = tokenBytes
        let tokens = tokenBytes.enumerated().map { (id: $0.offset, bytes: $0.element) }
        fullTrie = TokenTrie(tokens)
        func isPlain(_ bytes: [UInt8]) -> Bool {
            !bytes.isEmpty && bytes.allSatisfy { (0x20...0x7E).contains($0) && $0 != QuestGrammar.openBrace && $0 != QuestGrammar.closeBrace }
        }
        specialTrie = TokenTrie(tokens.filter { !isPlain($0.bytes) })
        let longest = tokenBytes.filter(isPlain).map(\.count).max() ?? 0
        var upTo: [BitSet] = []
        var noSpaceUpTo: [BitSet] = []
        var all = BitSet(capacity: tokenBytes.count)
        var noSpace = BitSet(capacity: tokenBytes.count)
        for length in 0...longest {
            for (id, bytes) in tokenBytes.enumerated() where bytes.count == length && isPlain(bytes) {
                all.insert(id)
                if bytes[0] != QuestGrammar.space { noSpace.insert(id) }
            }
            upTo.append(all)
            noSpaceUpTo.append(noSpace)
        }
        plainUpTo = upTo
        plainNoSpaceUpTo = noSpaceUpTo
    }

    /// Builds the table from a tokenizer's `tokenBytes(id)`.
    public init(count: Int, bytes: (Int) -> [UInt8]) {
        self.init(tokenBytes: (0..<max(0, count)).map(bytes))
    }

    public var count: Int { tokenBytes.count }

    /// Every token whose bytes the grammar accepts from `state`.
    public func allowedTokens(grammar: QuestGrammar, state: QuestGrammar.State) -> GrammarMask {
        var mask = GrammarMask(vocabularySize: count)
        guard !state.isComplete else { return mask }
        if let prose = grammar.proseRoom(state) {
            specialTrie.collect(grammar: grammar, state: state, into: &mask)
            if prose.room > 0, !plainUpTo.isEmpty {
                let table = prose.atStart ? plainNoSpaceUpTo : plainUpTo
                mask.bits = mask.bits.union(table[min(prose.room, table.count - 1)])
            }
        } else {
            fullTrie.collect(grammar: grammar, state: state, into: &mask)
        }
        return mask
    }

    /// The same mask by walking the whole trie: the reference the fast path is tested
    /// against, and the mask of grammars without a fast path of their own.
    public func allowedTokensByTrie<Grammar: ByteGrammar>(grammar: Grammar, state: Grammar.State) -> GrammarMask {
        var mask = GrammarMask(vocabularySize: count)
        guard !state.isComplete else { return mask }
        fullTrie.collect(grammar: grammar, state: state, into: &mask)
        return mask
    }

    /// Splits bytes into tokens by longest match: a stand-in encoder for prompts when no
    /// tokenizer is at hand. Bytes no token covers are skipped.
    public func greedyEncode(_ bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        var index = 0
        while index < bytes.count {
            if let match = fullTrie.longestMatch(bytes, from: index) {
                result.append(match.token)
                index += match.length
            } else {
                index += 1
            }
        }
        return result
    }
}
