import Foundation
import Quests
import World

/// What one generation produced, with the bookkeeping a server or benchmark wants.
public struct QuestModelOutput: Sendable {
    public var spec: QuestSpec
    public var document: QuestDocument
    /// The quest as the model wrote it, prompt included.
    public var text: String
    /// 1 when the first attempt was valid.
    public var attempts: Int
    /// Why each earlier attempt was refused.
    public var failures: [String]
    /// Tokens sampled in the successful attempt (prompt excluded).
    public var sampledTokens: Int
    /// Times the sampler picked a masked token and the best allowed one was taken instead.
    public var samplerOverrides: Int
}

/// Generates quests with a language model under the quest grammar.
///
/// For each request: the grammar is narrowed to the requested scope, region and
/// difficulty; the bytes it forces (`<quest> personal purrington d2`) are the prompt;
/// then every token is sampled from logits masked to what the grammar accepts. The text
/// is parsed, resolved against the world (time limit from the route) and checked by
/// `QuestValidator`. On the rare refusal (a weather wait longer than the horizon, say)
/// it retries with the next seed, up to `maxAttempts`. Deterministic for a seed, given a
/// deterministic logits source.
public struct QuestModelGenerator: QuestGenerator {
    public let lexicon: QuestLexicon
    public let vocabulary: TokenVocabulary
    public var maxAttempts: Int = 8
    public var bufferSeconds: Double = 300
    /// How long the reference walk may wait for the quest's conditions.
    public var horizon: TimeInterval = 24 * 3_600
    private let makeSource: @Sendable (_ seed: UInt64) throws -> any LogitsSource
    private let encode: @Sendable (_ prompt: [UInt8]) -> [Int]
    private let sampler: TokenSampler

    /// - Parameters:
    ///   - encode: the tokenizer's encoder for the prompt (it may prepend a start token);
    ///     nil uses longest-match over the vocabulary.
    ///   - sampler: picks a token from masked logits.
    ///   - makeSource: a fresh model session for one attempt, given that attempt's seed.
    /// - Throws: `QuestModelError.vocabularyGap` when some byte the prose may use has no
    ///   single-byte token, which could leave the sampler with nothing to pick.
    public init(
        lexicon: QuestLexicon, vocabulary: TokenVocabulary, encode: (@Sendable (_ prompt: [UInt8]) -> [Int])? = nil,
        sampler: @escaping TokenSampler = TokenSampling.temperature(1),
        makeSource: @escaping @Sendable (_ seed: UInt64) throws -> any LogitsSource
    ) throws(QuestModelError) {
        let missing = vocabulary.missingGrammarBytes
        guard missing.isEmpty else {
            throw QuestModelError(
                code: .vocabularyGap,
                reason: "the vocabulary has no single-byte token for \(missing.map { "0x\(String($0, radix: 16))" }.joined(separator: ", "))")
        }
        self.lexicon = lexicon
        self.vocabulary = vocabulary
        self.makeSource = makeSource
        self.sampler = sampler
        self.encode = encode ?? { [vocabulary] in vocabulary.greedyEncode($0) }
    }

    public func generate(_ request: QuestRequestContext) throws -> QuestSpec {
        try generateWithReport(request).spec
    }

    /// Generates one quest and says how it went.
    /// - Throws: `QuestModelError` when the request is impossible or every attempt failed;
    ///   errors thrown by the logits source pass through.
    public func generateWithReport(_ request: QuestRequestContext) throws -> QuestModelOutput {
        let lexicon = try Self.lexicon(lexicon, for: request.world)
        let grammar = try Self.grammar(lexicon: lexicon, request: request)
        let prompt = Self.prompt(grammar)
        var failures: [String] = []
        var seeds = Self.attemptSeeds(request)
        for attempt in 1...max(1, maxAttempts) {
            let seed = seeds.next()
            let sample: (text: String, tokens: Int, overrides: Int)
            do {
                sample = try sampleText(grammar: grammar, prompt: prompt, seed: seed)
            } catch let error as ConstrainedDecodingError {
                failures.append("attempt \(attempt): \(error)")
                continue
            }
            do {
                let (document, spec) = try Self.accept(
                    sample.text, grammar: grammar, request: request, bufferSeconds: bufferSeconds, horizon: horizon)
                return QuestModelOutput(
                    spec: spec, document: document, text: sample.text, attempts: attempt, failures: failures,
                    sampledTokens: sample.tokens, samplerOverrides: sample.overrides)
            } catch {
                failures.append("attempt \(attempt): \(error)")
            }
        }
        throw QuestModelError(
            code: .attemptsExhausted,
            reason: "no valid quest in \(maxAttempts) attempts; last: \(failures.last ?? "none")")
    }

    /// Samples one quest text under the grammar.
    private func sampleText(grammar: QuestGrammar, prompt: [UInt8], seed: UInt64) throws -> (text: String, tokens: Int, overrides: Int) {
        var decoder = ConstrainedDecoder(grammar: grammar, vocabulary: vocabulary)
        try decoder.advance(bytes: prompt)
        var random = SplitMix64(seed: seed)
        var source = try makeSource(seed)
        var logits = try source.logits(appending: encode(prompt))
        var tokens = 0
        var overrides = 0
        while !decoder.isComplete {
            guard logits.count == vocabulary.count else {
                throw QuestModelError(
                    code: .logitsSizeMismatch, reason: "the model gave \(logits.count) logits for a vocabulary of \(vocabulary.count)")
            }
            let mask = decoder.allowedTokens()
            mask.apply(to: &logits)
            var token = sampler(logits, &random)
            if !mask.contains(token) {
                // A sampler that ignores -infinity must not break the grammar's promise.
                overrides += 1
                token = mask.allowedTokens.max { logits[$0] != logits[$1] ? logits[$0] < logits[$1] : $0 > $1 } ?? token
            }
            try decoder.advance(token: token)
            tokens += 1
            if decoder.isComplete { break }
            logits = try source.logits(appending: [token])
        }
        return (decoder.text, tokens, overrides)
    }
}

/// The steps every model generator shares, whatever produces its logits.
extension QuestModelGenerator {
    /// The lexicon for the request's world: the given one when it describes that world.
    static func lexicon(_ lexicon: QuestLexicon, for world: World) throws(QuestModelError) -> QuestLexicon {
        if lexicon.describes(world) { return lexicon }
        do {
            return try QuestLexicon(world: world, profiles: lexicon.profiles, rules: lexicon.rules, limits: lexicon.limits)
        } catch {
            throw QuestModelError(code: .badRequest, reason: error.description)
        }
    }

    static func grammar(lexicon: QuestLexicon, request: QuestRequestContext) throws(QuestModelError) -> QuestGrammar {
        do {
            return try QuestGrammar(lexicon: lexicon, request: request)
        } catch {
            throw QuestModelError(code: .badRequest, reason: error.description)
        }
    }

    /// The bytes the grammar forces, ended at a word boundary: the corpus never has a token
    /// that ends in a bare space, so the model should pick " comfort", not "comfort" after "d2 ".
    static func prompt(_ grammar: QuestGrammar) -> [UInt8] {
        var prompt = grammar.forcedBytes(grammar.start)
        while prompt.last == QuestGrammar.space { prompt.removeLast() }
        return prompt
    }

    /// One seed per attempt, fixed by the request.
    static func attemptSeeds(_ request: QuestRequestContext) -> SplitMix64 {
        SplitMix64(mixing: request.seed, request.world.seed, 0x5155_4553_544d_444c)
    }

    /// Parses a finished text, resolves it from the request's origin and validates it.
    static func accept(
        _ text: String, grammar: QuestGrammar, request: QuestRequestContext, bufferSeconds: Double, horizon: TimeInterval
    ) throws -> (QuestDocument, QuestSpec) {
        let lexicon = grammar.lexicon
        let document = try QuestDocument.parse(text, lexicon: lexicon, grammar: grammar)
        guard let origin = request.origin(regionID: document.region) else {
            throw QuestResolutionError(code: .noStartPoint, field: "region", reason: "no start point in \(document.region)")
        }
        let spec = try document.spec(lexicon: lexicon, origin: origin, now: request.now, bufferSeconds: bufferSeconds, horizon: horizon)
        try QuestValidator.validate(spec, world: request.world, origin: origin, now: request.now, rules: lexicon.rules)
        return (document, spec)
    }
}
