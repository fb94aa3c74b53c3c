/// Why a token could not be taken.
public struct ConstrainedDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case unknownToken = "decoding.unknown_token"
        case tokenNotAllowed = "decoding.token_not_allowed"
        case alreadyComplete = "decoding.already_complete"
    }

    public var code: Code
    public var token: Int
    public var reason: String

    public var description: String { "token \(token): \(reason) [\(code.rawValue)]" }
}

/// Grammar-constrained decoding of one quest.
public typealias ConstrainedDecoder = GrammarDecoder<QuestGrammar>

/// Grammar-constrained decoding of one text: which tokens may come next, and taking one.
///
/// A value type with no I/O, so a batched server step can keep one per stream, ask each
/// for its mask, sample, and advance them all. Any `ByteGrammar` drives it: quests
/// (`ConstrainedDecoder`) and NFT lore (`GrammarDecoder<NFTLoreGrammar>`).
///
/// ```swift
/// var decoder = ConstrainedDecoder(grammar: grammar, vocabulary: vocabulary)
/// while !decoder.isComplete {
///     var logits = model.nextLogits()
///     decoder.allowedTokens().apply(to: &logits)
///     try decoder.advance(token: sample(logits))
/// }
/// let document = try QuestDocument.parse(decoder.text, lexicon: lexicon)
/// ```
public struct GrammarDecoder<Grammar: ByteGrammar>: Sendable {
    public let grammar: Grammar
    public let vocabulary: TokenVocabulary
    public private(set) var state: Grammar.State
    /// Every byte accepted so far, prompt included.
    public private(set) var bytes: [UInt8] = []

    public init(grammar: Grammar, vocabulary: TokenVocabulary) {
        self.grammar = grammar
        self.vocabulary = vocabulary
        state = grammar.start
    }

    public var isComplete: Bool { state.isComplete }

    /// The text so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The tokens whose bytes the grammar accepts now; empty once the text is complete.
    public func allowedTokens() -> GrammarMask {
        grammar.allowedTokens(state, vocabulary: vocabulary)
    }

    /// Takes a token: all of its bytes, or none of them.
    /// - Throws: `ConstrainedDecodingError` when the grammar refuses any of its bytes.
    public mutating func advance(token: Int) throws(ConstrainedDecodingError) {
        guard token >= 0, token < vocabulary.count else {
            throw ConstrainedDecodingError(code: .unknownToken, token: token, reason: "not in the vocabulary of \(vocabulary.count)")
        }
        let tokenBytes = vocabulary.tokenBytes[token]
        do {
            try advance(bytes: tokenBytes)
        } catch {
            throw ConstrainedDecodingError(code: error.code, token: token, reason: error.reason)
        }
    }

    /// Takes bytes (a prompt, say): all of them, or none.
    public mutating func advance(bytes newBytes: [UInt8]) throws(ConstrainedDecodingError) {
        guard !state.isComplete else {
            throw ConstrainedDecodingError(code: .alreadyComplete, token: -1, reason: "the text is already complete")
        }
        var next = state
        for (offset, byte) in newBytes.enumerated() {
            let before = next
            guard grammar.advance(&next, byte) else {
                throw ConstrainedDecodingError(
                    code: .tokenNotAllowed, token: -1,
                    reason: "byte \(offset) (0x\(String(byte, radix: 16))) is refused; expected \(grammar.expectation(before, refused: byte))")
            }
        }
        state = next
        bytes += newBytes
    }
}
