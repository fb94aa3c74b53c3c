import Foundation
import NeuralCore
import Quests
import Tokenizer
import World

/// Generates quests, and NFT names and lore, with the trained model: one `InferenceSession`
/// serves many requests at once. Each step is one batched forward pass over every unfinished quest; each row's
/// logits are masked by that quest's grammar state and sampled with its own seeded
/// `Sampler`; a finished text is parsed, resolved and validated, and a refused one is
/// retried with the next seed in the same stream while the others go on.
///
/// Ownership: like the session it drives, the runtime is not `Sendable`; one thread at a
/// time calls it. `QuestModelService` puts it behind a mutex for the server.
///
/// ```swift
/// let runtime = try QuestModelRuntime(session: session, tokenizer: tokenizer, lexicon: lexicon)
/// let results = runtime.generate(requests)   // one Result per request, in order
/// ```
public final class QuestModelRuntime {
    public let session: InferenceSession
    public let tokenizer: BPETokenizer
    public let vocabulary: TokenVocabulary
    public let lexicon: QuestLexicon
    public var sampling: SamplingParameters
    public var maxAttempts = 8
    public var bufferSeconds: Double = 300
    /// How long the reference walk may wait for a quest's conditions.
    public var horizon: TimeInterval = 24 * 3_600
    /// Tokens before every prompt: the start token the model was trained with.
    public var promptPrefix: [Int32]

    /// - Parameters:
    ///   - promptPrefix: nil means the tokenizer's `<|bos|>` if it has one, else nothing.
    /// - Throws: `QuestModelError` when the tokenizer and the model disagree on the
    ///   vocabulary, or the vocabulary cannot spell every byte the grammar may need.
    public init(
        session: InferenceSession, tokenizer: BPETokenizer, lexicon: QuestLexicon,
        sampling: SamplingParameters = SamplingParameters(temperature: 0.8, topP: 0.95), promptPrefix: [Int32]? = nil
    ) throws(QuestModelError) {
        guard tokenizer.vocabSize == session.config.vocab else {
            throw QuestModelError(
                code: .vocabularyGap,
                reason: "the tokenizer has \(tokenizer.vocabSize) tokens but the model \(session.config.vocab)")
        }
        let vocabulary = TokenVocabulary(tokenizer: tokenizer, words: [lexicon.proseWords, lexicon.personalProseWords].compactMap { $0 })
        let missing = vocabulary.missingGrammarBytes
        guard missing.isEmpty else {
            throw QuestModelError(
                code: .vocabularyGap,
                reason: "the tokenizer has no single-byte token for \(missing.map { "0x\(String($0, radix: 16))" }.joined(separator: ", "))")
        }
        self.session = session
        self.tokenizer = tokenizer
        self.vocabulary = vocabulary
        self.lexicon = lexicon
        self.sampling = sampling
        self.promptPrefix = promptPrefix ?? tokenizer.id(of: BPETokenizer.bosToken).map { [$0] } ?? []
    }

    /// One text to write: its grammar, its prompt, the seeds of its attempts, and what turns
    /// a finished text into the caller's output (throwing to ask for another attempt).
    private struct DecodingJob<Grammar: ByteGrammar, Output> {
        let grammar: Grammar
        let prompt: [UInt8]
        let seeds: SplitMix64
        let accept: (_ text: String, _ attempts: Int, _ failures: [String], _ sampledTokens: Int) throws -> Output
    }

    /// One text being written in one stream of the session.
    private struct Stream<Grammar: ByteGrammar, Output> {
        let request: Int
        let job: DecodingJob<Grammar, Output>
        var seeds: SplitMix64
        var attempt = 0
        var failures: [String] = []
        var decoder: GrammarDecoder<Grammar>
        var sampler: Sampler
        var tokens = 0
        /// The token to feed at the next batched step.
        var pending: Int32 = 0
    }

    /// What a stream needs after a token.
    private enum Next {
        case feed(Int32)
        case finished
        case failed(String)
    }

    /// Generates one quest per request, `session.maxStreams` at a time; a stream that
    /// finishes takes the next waiting request.
    /// - Returns: one result per request, in order.
    public func generate(_ requests: [QuestRequestContext]) -> [Result<QuestModelOutput, QuestModelError>] {
        decode(count: requests.count, noun: "quest") { (index: Int) throws(QuestModelError) -> DecodingJob<QuestGrammar, QuestModelOutput> in
            let request = requests[index]
            let lexicon = try QuestModelGenerator.lexicon(self.lexicon, for: request.world)
            let grammar = try QuestModelGenerator.grammar(lexicon: lexicon, request: request)
            let bufferSeconds = self.bufferSeconds
            let horizon = self.horizon
            return DecodingJob(
                grammar: grammar, prompt: QuestModelGenerator.prompt(grammar), seeds: QuestModelGenerator.attemptSeeds(request)
            ) { text, attempts, failures, tokens in
                let (document, spec) = try QuestModelGenerator.accept(
                    text, grammar: grammar, request: request, bufferSeconds: bufferSeconds, horizon: horizon)
                return QuestModelOutput(
                    spec: spec, document: document, text: text, attempts: attempts, failures: failures,
                    sampledTokens: tokens, samplerOverrides: 0)
            }
        }
    }

    /// Writes a name and lore for each NFT, batched and retried exactly as quests are: the
    /// request's header is the prompt, every token is masked by its `NFTLoreGrammar` (so the
    /// lore refers to the place and the coat, as `{id}`), the references are rendered, and the
    /// result passes `NFTMetadata.validate(name:description:)`. Requests name places of
    /// `lexicon.world`.
    ///
    /// ```swift
    /// let request = NFTLoreRequest(region: "whiskerwood", pointOfInterest: "owlbane-tower", parts: parts, seed: seed)
    /// let lore = try runtime.generateLore([request])[0].get().lore   // NFTLore(name:description:)
    /// ```
    /// - Returns: one result per request, in order; `QuestModelError.badRequest` for an unknown
    ///   region or place or a malformed part id, `.attemptsExhausted` when no attempt gave valid text.
    public func generateLore(_ requests: [NFTLoreRequest]) -> [Result<NFTLoreOutput, QuestModelError>] {
        let world = lexicon.world
        return decode(count: requests.count, noun: "NFT lore") { (index: Int) throws(QuestModelError) -> DecodingJob<NFTLoreGrammar, NFTLoreOutput> in
            let request = requests[index]
            let grammar: NFTLoreGrammar
            do {
                grammar = try NFTLoreGrammar(request: request, world: world)
            } catch {
                throw QuestModelError(code: .badRequest, reason: "\(error)")
            }
            return DecodingJob(grammar: grammar, prompt: grammar.prompt, seeds: request.attemptSeeds) { text, attempts, failures, tokens in
                let (document, lore) = try NFTLoreDocument.parse(text, grammar: grammar)
                return NFTLoreOutput(
                    lore: lore, document: document, text: text, attempts: attempts, failures: failures, sampledTokens: tokens)
            }
        }
    }

    /// The batched loop every kind of text shares: fills the session's streams with jobs,
    /// steps them together, masks and samples each row, and settles or retries each text.
    private func decode<Grammar: ByteGrammar, Output>(
        count: Int, noun: String, job makeJob: (Int) throws(QuestModelError) -> DecodingJob<Grammar, Output>
    ) -> [Result<Output, QuestModelError>] {
        var results = [Result<Output, QuestModelError>?](repeating: nil, count: count)
        var waiting = (0..<count).makeIterator()
        var streams = [Stream<Grammar, Output>?](repeating: nil, count: session.maxStreams)
        let vocab = session.config.vocab

        /// Starts attempts in `slot` until one is under way (or the request is settled).
        func startAttempt(_ slot: Int) {
            while var stream = streams[slot] {
                guard stream.attempt < max(1, maxAttempts) else {
                    results[stream.request] = .failure(QuestModelError(
                        code: .attemptsExhausted,
                        reason: "no valid \(noun) in \(maxAttempts) attempts; last: \(stream.failures.last ?? "none")"))
                    streams[slot] = nil
                    return
                }
                stream.attempt += 1
                let seed = stream.seeds.next()
                stream.decoder = GrammarDecoder(grammar: stream.job.grammar, vocabulary: vocabulary)
                stream.sampler = Sampler(vocab: vocab, parameters: sampling, seed: seed)
                stream.tokens = 0
                let next: Next
                do {
                    try stream.decoder.advance(bytes: stream.job.prompt)
                    try session.reset(stream: slot)
                    let prompt = promptPrefix + tokenizer.encode(String(decoding: stream.job.prompt, as: UTF8.self))
                    let logits = try session.prefill(stream: slot, tokens: prompt)
                    next = advance(&stream.decoder, tokens: &stream.tokens, sampler: &stream.sampler, slot: slot, logits: logits)
                } catch {
                    next = .failed("\(error)")
                }
                streams[slot] = stream
                switch next {
                case .feed(let token):
                    streams[slot]?.pending = token
                    return
                case .finished:
                    finish(slot)
                    if streams[slot] == nil { return }
                case .failed(let reason):
                    streams[slot]?.failures.append("attempt \(stream.attempt): \(reason)")
                }
            }
        }

        /// Checks a finished text; frees the slot on success, retries on refusal.
        func finish(_ slot: Int) {
            guard let stream = streams[slot] else { return }
            do {
                let output = try stream.job.accept(stream.decoder.text, stream.attempt, stream.failures, stream.tokens)
                results[stream.request] = .success(output)
                streams[slot] = nil
            } catch {
                streams[slot]?.failures.append("attempt \(stream.attempt): \(error)")
            }
        }

        /// Fills free slots with waiting requests.
        func refill() {
            for slot in streams.indices where streams[slot] == nil {
                guard let index = waiting.next() else { return }
                do {
                    let job = try makeJob(index)
                    streams[slot] = Stream(
                        request: index, job: job, seeds: job.seeds,
                        decoder: GrammarDecoder(grammar: job.grammar, vocabulary: vocabulary),
                        sampler: Sampler(vocab: vocab, parameters: sampling, seed: 0))
                    startAttempt(slot)
                } catch {
                    results[index] = .failure(error)
                }
            }
        }

        refill()
        while true {
            let active = streams.indices.filter { streams[$0] != nil }
            if active.isEmpty {
                refill()
                if streams.allSatisfy({ $0 == nil }) { break }
                continue
            }
            let tokens = active.compactMap { streams[$0]?.pending }
            // Copied: a retry's prefill reuses the session's logit buffer.
            let logits: [Float]
            do {
                logits = Array(try session.step(tokens: tokens, streams: active))
            } catch {
                for slot in active {
                    streams[slot]?.failures.append("step: \(error)")
                    streams[slot]?.attempt = max(1, maxAttempts)
                    startAttempt(slot)
                }
                continue
            }
            var restart: [Int] = []
            logits.withUnsafeBufferPointer { all in
                for (row, slot) in active.enumerated() {
                    guard var stream = streams[slot], let base = all.baseAddress else { continue }
                    let next = advance(
                        &stream.decoder, tokens: &stream.tokens, sampler: &stream.sampler, slot: slot,
                        logits: UnsafeBufferPointer(start: base + row * vocab, count: vocab))
                    streams[slot] = stream
                    switch next {
                    case .feed(let token): streams[slot]?.pending = token
                    case .finished:
                        finish(slot)
                        if streams[slot] != nil { restart.append(slot) }
                    case .failed(let reason):
                        streams[slot]?.failures.append("attempt \(stream.attempt): \(reason)")
                        restart.append(slot)
                    }
                }
            }
            for slot in restart { startAttempt(slot) }
            refill()
        }
        return results.map { $0 ?? .failure(QuestModelError(code: .attemptsExhausted, reason: "never generated")) }
    }

    /// Masks one row of logits with the stream's grammar, samples, and takes the token.
    private func advance<Grammar: ByteGrammar>(
        _ decoder: inout GrammarDecoder<Grammar>, tokens: inout Int, sampler: inout Sampler, slot: Int, logits: UnsafeBufferPointer<Float>
    ) -> Next {
        let allowed = decoder.allowedTokens()
        guard allowed.allowedCount > 0 else { return .failed("the grammar allows no token of this vocabulary here") }
        var mask = NeuralCore.TokenMask(vocab: logits.count)
        for token in allowed.allowedTokens { mask.allow(Int32(token)) }
        do {
            let token = try sampler.sample(logits, mask: mask)
            try decoder.advance(token: Int(token))
            tokens += 1
            if decoder.isComplete { return .finished }
            guard session.position(of: slot) < session.maxSeq else {
                return .failed("the text outgrew the model's context of \(session.maxSeq) tokens")
            }
            return .feed(token)
        } catch {
            return .failed("\(error)")
        }
    }
}
