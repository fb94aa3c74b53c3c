/// The bytes of every token of a byte-level tokenizer, arranged for fast masking: a
/// token is allowed when the grammar accepts each of its bytes in turn.
///
/// Two paths give the same answer. Inside prose (most of a quest) a token of plain
/// characters is allowed exactly when it fits the characters left and its first byte may
/// follow, so those tokens come from precomputed per-length masks; only tokens holding a
/// brace, a line break, an end mark or a non-ASCII byte are walked through a trie. Everywhere else the whole vocabulary's trie
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
    /// `closingUpTo[n]`: plain tokens of at most n bytes ending in a byte an end mark may
    /// follow (index capped at the longest); `openUpTo[n]`: those ending in another byte.
    private let closingUpTo: [BitSet]
    private let openUpTo: [BitSet]
    /// Plain tokens starting with a space, and with a letter or digit.
    private let spaceFirst: BitSet
    private let alnumFirst: BitSet

    public init(tokenBytes: [[UInt8]]) {
        self.tokenBytes = tokenBytes
        let tokens = tokenBytes.enumerated().map { (id: $0.offset, bytes: $0.element) }
        fullTrie = TokenTrie(tokens)
        specialTrie = TokenTrie(tokens.filter { !Self.isPlain($0.bytes) })
        let longest = tokenBytes.filter(Self.isPlain).map(\.count).max() ?? 0
        var closing: [BitSet] = []
        var open: [BitSet] = []
        var closingSoFar = BitSet(capacity: tokenBytes.count)
        var openSoFar = BitSet(capacity: tokenBytes.count)
        var space = BitSet(capacity: tokenBytes.count)
        var alnum = BitSet(capacity: tokenBytes.count)
        for length in 0...longest {
            for (id, bytes) in tokenBytes.enumerated() where bytes.count == length && Self.isPlain(bytes) {
                if let last = bytes.last, QuestGrammar.closesSentence(last) { closingSoFar.insert(id) } else { openSoFar.insert(id) }
                if bytes[0] == QuestGrammar.space { space.insert(id) }
                if QuestGrammar.isAlnum(bytes[0]) { alnum.insert(id) }
            }
            closing.append(closingSoFar)
            open.append(openSoFar)
        }
        closingUpTo = closing
        openUpTo = open
        spaceFirst = space
        alnumFirst = alnum
    }

    /// A token of plain prose characters: printable ASCII, no brace, no end mark (those end a
    /// sentence, which the grammar checks), no digit (prose has none), not only spaces.
    static func isPlain(_ bytes: [UInt8]) -> Bool {
        !bytes.isEmpty && !bytes.allSatisfy { $0 == QuestGrammar.space } && bytes.allSatisfy {
            (0x20...0x7E).contains($0) && $0 != QuestGrammar.openBrace && $0 != QuestGrammar.closeBrace && !QuestGrammar.isEndMark($0)
                && !QuestGrammar.isDigit($0)
        }
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
        if let prose = grammar.proseView(state) {
            specialTrie.collect(grammar: grammar, state: state, into: &mask)
            guard !closingUpTo.isEmpty else { return mask }
            var plain = closingUpTo[min(prose.closingRoom, closingUpTo.count - 1)]
                .union(openUpTo[min(prose.openRoom, openUpTo.count - 1)])
            switch prose.first {
            case .any: break
            case .notSpace: plain = plain.subtracting(spaceFirst)
            case .notAlnum: plain = plain.subtracting(alnumFirst)
            }
            mask.bits = mask.bits.union(plain)
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
