import Foundation
import Testing
import Quests
import QuestModel
import World

/// The grammar's proof: whatever the logits, every generated quest parses, passes the
/// validator, and can be walked to the end before its deadline.
@Suite struct QuestModelGeneratorTests {
    static let vocabulary: TokenVocabulary? = {
        guard let corpus = try? QuestCorpus.load(directory: repositoryRoot.appendingPathComponent("quests")) else { return nil }
        return syntheticVocabulary(texts: Array(corpus.train.prefix(1_500)))
    }()

    func vocabulary() throws -> TokenVocabulary { try #require(Self.vocabulary) }

    /// The shipped world with short prose limits. Random logits fill prose to its limit,
    /// so the thousand-quest runs use these to stay quick in a debug build; tight budgets
    /// also hit the mention-gating edge cases far more often. The defaults get their own run.
    static let shortProse: QuestLexicon? = {
        guard let world = try? shippedWorld() else { return nil }
        return try? QuestLexicon(world: world, limits: QuestGrammarLimits(maxTitleLength: 60, maxTextLength: 640, maxObjectives: 5))
    }()

    /// Every region × difficulty × scope, then open requests, with positions across the map.
    func requests(_ count: Int, world: World, seed: UInt64) -> [QuestRequestContext] {
        var random = SplitMix64(seed: seed)
        var result: [QuestRequestContext] = []
        var n: UInt64 = 0
        while result.count < count {
            for region in world.regions {
                for difficulty in 1...5 {
                    for scope in QuestScope.allCases where result.count < count {
                        n += 1
                        let open = n % 7 == 0
                        let position = Point(x: (random.nextUnit() * 20_000).rounded(), y: (random.nextUnit() * 20_000).rounded())
                        result.append(QuestRequestContext(
                            world: world, scope: scope, region: open ? nil : region.id, difficulty: open ? nil : difficulty,
                            requesterPosition: scope == .personal ? position : nil, seed: seed &+ n,
                            now: testNow.addingTimeInterval(Double(n % 97) * 611)))
                    }
                }
            }
        }
        return result
    }

    /// Generates for every request and checks each quest independently of the generator.
    func generateAndCheck(
        _ requests: [QuestRequestContext], lexicon: QuestLexicon? = nil, makeSource: @escaping @Sendable (UInt64) -> any LogitsSource,
        sampler: @escaping TokenSampler = TokenSampling.temperature(1)
    ) throws -> (attempts: Int, overrides: Int, failures: [String]) {
        let world = try shippedWorld()
        let generator = try QuestModelGenerator(
            lexicon: try lexicon ?? #require(Self.shortProse), vocabulary: try vocabulary(), sampler: sampler, makeSource: makeSource)
        var attempts = 0
        var overrides = 0
        var failures: [String] = []
        for request in requests {
            let output = try generator.generateWithReport(request)
            attempts += output.attempts
            overrides += output.samplerOverrides
            failures += output.failures
            let spec = output.spec
            if let region = request.region { #expect(spec.region == region) }
            if let difficulty = request.difficulty { #expect(spec.difficulty == difficulty) }
            let origin = try #require(request.origin(regionID: spec.region))
            let assessment = try QuestValidator.validate(spec, world: world, origin: origin, now: request.now)
            #expect(assessment.walk.finish <= request.now.addingTimeInterval(Double(spec.timeLimit)))
            #expect(output.text.hasPrefix("<quest> \(request.scope.rawValue)"))
        }
        return (attempts, overrides, failures)
    }

    /// With the next test, 250 quests from fake logits on every run (the grammar's proof; a
    /// debug build makes more too slow for CI, and `purr generate --stats` checks 1,000 from the
    /// real model).
    @Test func questsFromUniformRandomLogitsAreAllValidAndSolvable() throws {
        let size = try vocabulary().count
        let requests = requests(150, world: try shippedWorld(), seed: 1)
        let result = try generateAndCheck(requests) { UniformLogits(size: size, seed: $0) }
        print("uniform logits: 150 quests in \(result.attempts) attempts; retried because: \(result.failures)")
        #expect(result.attempts < 170)
    }

    @Test("Held to the corpus's words, uniform and adversarial logits still give valid, solvable quests whose words are all the corpus's")
    func questsHeldToTheCorpusWords() throws {
        let withWords = try shippedLexicon(words: true)
        let words = try #require(withWords.proseWords), personal = try #require(withWords.personalProseWords)
        let short = try #require(Self.shortProse)
        let world = try shippedWorld()
        let lexicon = try QuestLexicon(world: world, limits: short.limits, proseWords: words, personalProseWords: personal)
        let vocabulary = TokenVocabulary(tokenBytes: try vocabulary().tokenBytes, words: [words, personal])
        let lines = try String(contentsOf: repositoryRoot.appendingPathComponent("quests/words.txt"), encoding: .utf8).split(separator: "\n")
        let allowed = Set(lines.compactMap { $0.split(separator: " ").first.map(String.init) })
        let personalOnly = Set(lines.map { $0.split(separator: " ") }.filter { !$0.contains("global") }.compactMap { $0.first.map(String.init) })
        let flavours: [AdversarialLogits.Flavour?] = [nil] + AdversarialLogits.Flavour.allCases.map(Optional.some)
        var attempts = 0
        for (index, flavour) in flavours.enumerated() {
            let generator = try QuestModelGenerator(lexicon: lexicon, vocabulary: vocabulary, makeSource: { seed -> any LogitsSource in
                flavour.map { AdversarialLogits(flavour: $0, vocabulary: vocabulary, seed: seed) } ?? UniformLogits(size: vocabulary.count, seed: seed)
            })
            for request in requests(12, world: world, seed: 9_000 + UInt64(index) * 100) {
                let output = try generator.generateWithReport(request)
                attempts += output.attempts
                let spec = output.spec
                try QuestValidator.validate(spec, world: world, origin: try #require(request.origin(regionID: spec.region)), now: request.now)
                let document = try QuestDocument.parse(output.text, lexicon: lexicon)
                let may = request.scope == .personal ? personalOnly : allowed
                for word in ProseWords.words(inProse: [document.title, document.body]) where !may.contains(word) {
                    Issue.record("\(flavour.map { "\($0)" } ?? "uniform"): \"\(word)\" is not a corpus word of a \(request.scope) quest")
                }
            }
        }
        #expect(attempts < flavours.count * 12 * 11 / 10 + 2)
    }

    @Test func questsWithTheDefaultProseLimitsAreValidToo() throws {
        let size = try vocabulary().count
        let requests = requests(60, world: try shippedWorld(), seed: 5_000)
        let result = try generateAndCheck(requests, lexicon: try shippedLexicon()) { UniformLogits(size: size, seed: $0) }
        #expect(result.attempts < 70)
    }

    @Test func questsFromAdversarialLogitsAreAllValidAndSolvable() throws {
        let vocabulary = try vocabulary()
        let world = try shippedWorld()
        var total = 0
        for (index, flavour) in AdversarialLogits.Flavour.allCases.enumerated() {
            let requests = requests(25, world: world, seed: 1_000 * UInt64(index + 2))
            let result = try generateAndCheck(requests, makeSource: { AdversarialLogits(flavour: flavour, vocabulary: vocabulary, seed: $0) })
            print("adversarial \(flavour): 25 quests in \(result.attempts) attempts; retried because: \(result.failures)")
            total += result.attempts
        }
        #expect(total < 115)
    }

    @Test func aSamplerThatIgnoresTheMaskIsOverruledAndCounted() throws {
        let size = try vocabulary().count
        let requests = requests(20, world: try shippedWorld(), seed: 77)
        // Always the token with the highest id: almost never allowed.
        let result = try generateAndCheck(requests, makeSource: { UniformLogits(size: size, seed: $0) }, sampler: { logits, _ in logits.count - 1 })
        #expect(result.overrides > 0)
    }

    @Test func theSameSeedGivesTheSameQuestAndOtherSeedsOtherQuests() throws {
        let size = try vocabulary().count
        let generator = try QuestModelGenerator(
            lexicon: try shippedLexicon(), vocabulary: try vocabulary(), makeSource: { UniformLogits(size: size, seed: $0) })
        let world = try shippedWorld()
        let request = QuestRequestContext(world: world, scope: .personal, region: "purrington", difficulty: 3, seed: 42, now: testNow)
        #expect(try generator.generate(request) == generator.generate(request))
        var other = request
        other.seed = 43
        #expect(try generator.generate(request) != generator.generate(other))
    }

    @Test func theRequestedHeaderIsThePrompt() throws {
        let lexicon = try shippedLexicon()
        let grammar = try QuestGrammar(lexicon: lexicon, scope: .global, region: "purrington", difficulty: 4)
        #expect(String(decoding: grammar.forcedBytes(grammar.start), as: UTF8.self) == "<quest> global purrington d4 ")
        let open = try QuestGrammar(lexicon: lexicon, scope: .personal, region: nil, difficulty: nil)
        #expect(String(decoding: open.forcedBytes(open.start), as: UTF8.self) == "<quest> personal ")
    }

    @Test func aVocabularyWithoutSingleBytesIsRefused() throws {
        let vocabulary = TokenVocabulary(tokenBytes: [Array("<quest>".utf8), Array(" personal".utf8)])
        #expect(throws: QuestModelError.self) {
            try QuestModelGenerator(lexicon: try shippedLexicon(), vocabulary: vocabulary, makeSource: { _ in UniformLogits(size: 2, seed: 0) })
        }
    }
}
