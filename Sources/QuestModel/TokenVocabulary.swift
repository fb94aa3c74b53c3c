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
    /// Plain tokens starting with a letter: inside a word they continue it and are walked.
    private let letterTrie: TokenTrie
    /// The plain tokens by length, for prose of any letters and for each set of words.
    private let proseTables: [ProseTables]
    /// Plain tokens starting with a space, with a letter or digit, with a comma, with a letter.
    private let spaceFirst: BitSet
    private let alnumFirst: BitSet
    private let commaFirst: BitSet
    private let letterFirst: BitSet
    /// Plain tokens by their leading letters (lower-cased): those starting with letters, and
    /// those starting with one space and then letters. A word may not follow itself, so the
    /// tokens that could spell the barred word are walked byte by byte.
    private let byLeadingRun: [[UInt8]: [Int32]]
    private let byRunAfterSpace: [[UInt8]: [Int32]]

    /// Plain tokens by the characters they need, for one set of words (or none).
    struct ProseTables: Sendable {
        /// The words the tables were built for; they serve only a grammar state holding its
        /// prose to these same words.
        let words: ProseWords?
        /// `closingUpTo[n]`: plain tokens needing at most n characters (with the letters that
        /// end the word they stop in) and ending in a byte an end mark may follow (index capped
        /// at the longest); `openUpTo[n]`: those ending in another byte. With words, only tokens
        /// whose words are among them when the token starts a word.
        let closingUpTo: [BitSet]
        let openUpTo: [BitSet]

        init(tokenBytes: [[UInt8]], words: ProseWords?) {
            self.words = words
            let needs: [Int?] = tokenBytes.map { bytes in
                guard TokenVocabulary.isPlain(bytes) else { return nil }
                guard let words else { return bytes.count }
                return TokenVocabulary.wordCost(bytes, words: words)
            }
            let longest = needs.compactMap { $0 }.max() ?? 0
            var closing: [BitSet] = []
            var open: [BitSet] = []
            var closingSoFar = BitSet(capacity: tokenBytes.count)
            var openSoFar = BitSet(capacity: tokenBytes.count)
            var byNeed = [[Int]](repeating: [], count: longest + 1)
            for (id, need) in needs.enumerated() { if let need { byNeed[need].append(id) } }
            for ids in byNeed {
                for id in ids {
                    if let last = tokenBytes[id].last, QuestGrammar.closesSentence(last) { closingSoFar.insert(id) } else { openSoFar.insert(id) }
                }
                closing.append(closingSoFar)
                open.append(openSoFar)
            }
            closingUpTo = closing
            openUpTo = open
        }
    }

    /// - Parameter words: the sets of words prose grammars will hold texts to, if any; each
    ///   gets its tables (a grammar with other words is served by walking the trie).
    public init(tokenBytes: [[UInt8]], words: [ProseWords] = []) {
        self.tokenBytes = tokenBytes
        let tokens = tokenBytes.enumerated().map { (id: $0.offset, bytes: $0.element) }
        fullTrie = TokenTrie(tokens)
        specialTrie = TokenTrie(tokens.filter { !Self.isPlain($0.bytes) })
        letterTrie = TokenTrie(tokens.filter { Self.isPlain($0.bytes) && QuestGrammar.isLetter($0.bytes[0]) })
        var seen: [ProseWords] = []
        for set in words where !seen.contains(where: { $0 === set }) { seen.append(set) }
        proseTables = [ProseTables(tokenBytes: tokenBytes, words: nil)] + seen.map { ProseTables(tokenBytes: tokenBytes, words: $0) }
        var space = BitSet(capacity: tokenBytes.count)
        var alnum = BitSet(capacity: tokenBytes.count)
        var comma = BitSet(capacity: tokenBytes.count)
        var letter = BitSet(capacity: tokenBytes.count)
        var leading: [[UInt8]: [Int32]] = [:]
        var afterSpace: [[UInt8]: [Int32]] = [:]
        for (id, bytes) in tokenBytes.enumerated() where Self.isPlain(bytes) {
            let start = bytes[0] == QuestGrammar.space ? 1 : 0
            let run = bytes[start...].prefix(while: QuestGrammar.isLetter).map { $0 | 0x20 }
            if !run.isEmpty {
                if start == 0 { leading[run, default: []].append(Int32(id)) } else { afterSpace[run, default: []].append(Int32(id)) }
            }
            if bytes[0] == QuestGrammar.space { space.insert(id) }
            if QuestGrammar.isAlnum(bytes[0]) { alnum.insert(id) }
            if bytes[0] == QuestGrammar.comma { comma.insert(id) }
            if QuestGrammar.isLetter(bytes[0]) { letter.insert(id) }
        }
        spaceFirst = space
        alnumFirst = alnum
        commaFirst = comma
        letterFirst = letter
        byLeadingRun = leading
        byRunAfterSpace = afterSpace
    }

    /// The vocabulary with tables for one set of words (or none).
    public init(tokenBytes: [[UInt8]], words: ProseWords?) {
        self.init(tokenBytes: tokenBytes, words: words.map { [$0] } ?? [])
    }

    /// A token of plain prose characters: the prose alphabet (no brace, no digit), no end mark
    /// (those end a sentence, which the grammar checks), not only spaces, no two spaces and no
    /// space before a comma.
    static func isPlain(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty, !bytes.allSatisfy({ $0 == QuestGrammar.space }) else { return false }
        for (i, byte) in bytes.enumerated() {
            guard QuestGrammar.isProseByte(byte), !QuestGrammar.isEndMark(byte) else { return false }
            if i > 0, bytes[i - 1] == QuestGrammar.space, byte == QuestGrammar.space || byte == QuestGrammar.comma { return false }
        }
        return true
    }

    /// The characters a plain token needs when it starts a word: its length and the letters
    /// that end the word it stops in; nil when a word in it is not one of `words`.
    static func wordCost(_ bytes: [UInt8], words: ProseWords) -> Int? {
        var node: Int32 = 0
        var inWord = false
        var previous: Int32 = -1  // the word before, when a single space came after it
        for byte in bytes {
            if QuestGrammar.isLetter(byte) {
                if inWord, QuestGrammar.isUpper(byte) { return nil }
                node = words.step(inWord ? node : 0, byte)
                guard node >= 0 else { return nil }
                inWord = true
            } else {
                if inWord {
                    let rank = words.rank(node)
                    guard rank >= 0, rank != previous else { return nil }
                    previous = byte == QuestGrammar.space ? rank : -1
                } else {
                    previous = -1
                }
                inWord = false
            }
        }
        guard inWord else { return bytes.count }
        guard let tail = previous >= 0 ? words.rest(node, besides: previous) : words.rest(node) else { return nil }
        return bytes.count + Int(tail)
    }

    /// Builds the table from a tokenizer's `tokenBytes(id)`.
    public init(count: Int, words: [ProseWords] = [], bytes: (Int) -> [UInt8]) {
        self.init(tokenBytes: (0..<max(0, count)).map(bytes), words: words)
    }

    public var count: Int { tokenBytes.count }

    /// Every token whose bytes the grammar accepts from `state`.
    public func allowedTokens(grammar: QuestGrammar, state: QuestGrammar.State) -> GrammarMask {
        var mask = GrammarMask(vocabularySize: count)
        guard !state.isComplete else { return mask }
        if let prose = grammar.proseView(state), let tables = tables(for: grammar.proseWords(state)) {
            specialTrie.collect(grammar: grammar, state: state, into: &mask)
            if prose.inWord { letterTrie.collect(grammar: grammar, state: state, into: &mask) }
            let closingUpTo = tables.closingUpTo, openUpTo = tables.openUpTo
            guard !closingUpTo.isEmpty, !prose.inWord || prose.wordComplete else { return mask }
            var plain = closingUpTo[min(prose.closingRoom, closingUpTo.count - 1)]
                .union(openUpTo[min(prose.openRoom, openUpTo.count - 1)])
            if prose.first.contains(.space) { plain = plain.subtracting(spaceFirst) }
            if prose.first.contains(.alnum) { plain = plain.subtracting(alnumFirst) }
            if prose.first.contains(.comma) { plain = plain.subtracting(commaFirst) }
            if prose.inWord { plain = plain.subtracting(letterFirst) }
            if prose.bannedWord >= 0, let words = tables.words {
                // Tokens whose first word could be the barred one: walked.
                let barred = words.trie.words[Int(prose.bannedWord)]
                let index = prose.inWord ? byRunAfterSpace : byLeadingRun
                var risky = BitSet(capacity: count)
                var ids: [Int32] = []
                for length in 1...max(1, barred.count) where length <= barred.count {
                    for id in index[Array(barred.prefix(length))] ?? [] where plain.contains(Int(id)) {
                        risky.insert(Int(id))
                        ids.append(id)
                    }
                }
                plain = plain.subtracting(risky)
                for id in ids {
                    var next = state
                    let bytes = tokenBytes[Int(id)]
                    if grammar.advance(&next, bytes: bytes) == bytes.count { mask.insert(Int(id)) }
                }
            }
            mask.bits = mask.bits.union(plain)
        } else {
            fullTrie.collect(grammar: grammar, state: state, into: &mask)
        }
        return mask
    }

    private func tables(for words: ProseWords?) -> ProseTables? {
        for tables in proseTables where tables.words === words { return tables }
        return nil
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
