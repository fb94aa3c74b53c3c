/// A deterministic automaton over bytes that a `GrammarDecoder` can drive: the quest
/// grammar and the NFT lore grammar both conform, so they share the token masks, the
/// decoder and the batched runtime.
///
/// The contract every conforming grammar keeps: a step either refuses the byte and
/// leaves the state untouched, or accepts it into a state from which the text can still
/// be finished. A sampler that only takes accepted tokens therefore always finishes.
public protocol ByteGrammar: Sendable {
    associatedtype State: ByteGrammarState

    /// The state before the first byte.
    var start: State { get }

    /// Feeds one byte.
    /// - Returns: whether the byte was accepted; on false the state is unchanged.
    func advance(_ state: inout State, _ byte: UInt8) -> Bool

    /// The tokens whose bytes this grammar accepts from `state`. Grammars with a faster
    /// path than walking the vocabulary's trie provide their own.
    func allowedTokens(_ state: State, vocabulary: TokenVocabulary) -> GrammarMask

    /// What the state expects next, for error messages.
    func expectation(_ state: State, refused: UInt8?) -> String
}

/// What a decoder needs to know about a grammar's state.
public protocol ByteGrammarState: Sendable {
    /// Whether the text is finished; no byte is accepted after.
    var isComplete: Bool { get }
}

extension QuestGrammar.State: ByteGrammarState {}
extension QuestGrammar: ByteGrammar {}

extension ByteGrammar {
    public func allowedTokens(_ state: State, vocabulary: TokenVocabulary) -> GrammarMask {
        vocabulary.allowedTokensByTrie(grammar: self, state: state)
    }

    /// Feeds bytes until one is refused.
    /// - Returns: how many were accepted.
    public func advance(_ state: inout State, bytes: some Sequence<UInt8>) -> Int {
        var accepted = 0
        for byte in bytes {
            guard advance(&state, byte) else { break }
            accepted += 1
        }
        return accepted
    }

    /// The bytes the state accepts next, in increasing order; 256 trial steps, so meant
    /// for prompts, tests and error messages, not for the per-token mask.
    public func acceptedBytes(_ state: State) -> [UInt8] {
        (0...255).compactMap { value in
            var copy = state
            return advance(&copy, UInt8(value)) ? UInt8(value) : nil
        }
    }
}
