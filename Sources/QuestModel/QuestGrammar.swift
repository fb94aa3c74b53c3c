import Quests
import World

/// The quest spec language as a deterministic automaton over bytes, narrowed to one
/// request: after `<quest>` only the requested scope, region and difficulty (or any,
/// where the request leaves them open); objective lines only with places and items that
/// exist and fit the difficulty; sources only where the item is found; weather only of
/// kinds the terrain can have; prose whose `{references}` name declared entities and
/// which can only end once every place and item has been mentioned.
///
/// Every byte it accepts keeps the quest completable, so a sampler that only ever picks
/// accepted bytes (or tokens made of them) always finishes with a quest that parses.
/// The format is documented byte for byte in `quests/README.md`.
///
/// ```swift
/// let grammar = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "purrington", difficulty: 2)
/// var state = grammar.start
/// for byte in Array("<quest> personal".utf8) { precondition(grammar.advance(&state, byte)) }
/// ```
public struct QuestGrammar: Sendable {
    public let lexicon: QuestLexicon
    /// The scope every quest of this grammar has, or nil for either.
    public let scope: QuestScope?
    /// Rank of the requested region, or nil for any viable one.
    let regionRank: Int?
    public let difficulty: Int?
    /// Hashes of rendered titles the quest may not have (``titleHash(_:)``).
    let avoidedTitles: Set<UInt64>

    /// A grammar for one request.
    /// - Parameter avoidTitles: titles, as rendered, that this quest's may not be (handed out
    ///   lately in the region); a title at the length limit is taken whatever it is.
    /// - Throws: `QuestGrammarError` for an unknown region or a difficulty outside 1...5.
    public init(lexicon: QuestLexicon, scope: QuestScope?, region: String?, difficulty: Int?, avoidTitles: [String] = []) throws(QuestGrammarError) {
        self.lexicon = lexicon
        self.scope = scope
        avoidedTitles = Set(avoidTitles.map(Self.titleHash))
        if let region {
            guard let rank = lexicon.regionRank(region), lexicon.viableRegions.contains(rank) else {
                throw QuestGrammarError(code: .unknownRegion, reason: "no region \"\(region)\" with a reachable place exists")
            }
            regionRank = rank
        } else {
            regionRank = nil
        }
        if let difficulty, !(1...5).contains(difficulty) {
            throw QuestGrammarError(code: .badDifficulty, reason: "difficulty \(difficulty) must be in 1...5")
        }
        self.difficulty = difficulty
    }

    /// The grammar for a generator's request.
    public init(lexicon: QuestLexicon, request: QuestRequestContext) throws(QuestGrammarError) {
        try self.init(lexicon: lexicon, scope: request.scope, region: request.region, difficulty: request.difficulty,
                      avoidTitles: request.avoidTitles)
    }

    /// A grammar that accepts any well-formed quest of the world: the parser's.
    public init(lexicon: QuestLexicon) {
        self.lexicon = lexicon
        scope = nil
        regionRank = nil
        difficulty = nil
        avoidedTitles = []
    }

    /// The hash the grammar keeps of a title as rendered (references as display names).
    static func titleHash(_ rendered: String) -> UInt64 { sentenceHash(Array(rendered.utf8)) }

    /// The state before the first byte.
    public var start: State { State() }

    /// The bytes the state accepts next, in increasing order; 256 trial steps, so meant
    /// for prompts and error messages, not for the per-token mask.
    public func acceptedBytes(_ state: State) -> [UInt8] {
        (0...255).compactMap { value in
            var copy = state
            return advance(&copy, UInt8(value)) ? UInt8(value) : nil
        }
    }

    /// The bytes every continuation of `state` must start with: the longest prefix that
    /// leaves no choice. A generator feeds these to the model as its prompt.
    public func forcedBytes(_ state: State, limit: Int = 256) -> [UInt8] {
        var state = state
        var bytes: [UInt8] = []
        while bytes.count < limit {
            let next = acceptedBytes(state)
            guard next.count == 1, let byte = next.first else { break }
            _ = advance(&state, byte)
            bytes.append(byte)
        }
        return bytes
    }
}

extension QuestGrammar {
    /// The tokens whose bytes this grammar accepts from `state`.
    public func allowedTokens(_ state: State, vocabulary: TokenVocabulary) -> GrammarMask {
        vocabulary.allowedTokens(grammar: self, state: state)
    }

    /// Takes a token's bytes, all or none.
    /// - Returns: whether the token was accepted; on false the state is unchanged.
    public func advance(_ state: inout State, token: Int, vocabulary: TokenVocabulary) -> Bool {
        guard vocabulary.tokenBytes.indices.contains(token) else { return false }
        let bytes = vocabulary.tokenBytes[token]
        var next = state
        guard !bytes.isEmpty, advance(&next, bytes: bytes) == bytes.count else { return false }
        state = next
        return true
    }
}
