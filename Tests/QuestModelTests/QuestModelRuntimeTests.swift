import Foundation
import NeuralCore
import Testing
import Tokenizer
import Quests
import QuestModel
import World

/// The adapter to the real inference session and tokenizer, driven by a tiny model with
/// random weights: the grammar, not the weights, is what makes its quests valid.
@Suite struct QuestModelRuntimeTests {
    static let tokenizer: BPETokenizer? = {
        guard let corpus = try? QuestCorpus.load(directory: repositoryRoot.appendingPathComponent("quests")) else { return nil }
        return try? BPETrainer(vocabSize: 512).train(texts: Array(corpus.train.prefix(300)))
    }()

    func runtime(maxStreams: Int = 4) throws -> QuestModelRuntime {
        let tokenizer = try #require(Self.tokenizer)
        let config = LlamaConfig(dim: 32, hidden: 64, layers: 1, heads: 2, kvHeads: 2, vocab: tokenizer.vocabSize, seqLen: 1_024)
        let store = ParameterStore(layout: ParameterLayout(config: config))
        var random = SplitMix64(seed: 11)
        for index in 0..<store.count { store.pointer[index] = Float(random.nextUnit() - 0.5) * 0.2 }
        for name in store.layout.entries.map(\.name) where name.hasSuffix("norm.weight") {
            if let view = store.view(name) { for i in view.indices { view[i] = 1 } }
        }
        let session = try InferenceSession(parameters: store, options: .init(maxStreams: maxStreams, threads: 1))
        let world = try shippedWorld()
        let lexicon = try QuestLexicon(world: world, limits: QuestGrammarLimits(maxTitleLength: 60, maxTextLength: 640, maxObjectives: 5))
        return try QuestModelRuntime(session: session, tokenizer: tokenizer, lexicon: lexicon)
    }

    func requests(_ count: Int) throws -> [QuestRequestContext] {
        let world = try shippedWorld()
        var result: [QuestRequestContext] = []
        for n in 0..<count {
            let scope: QuestScope = n % 3 == 0 ? .global : .personal
            let region = world.regions[n % world.regions.count].id
            let now = testNow.addingTimeInterval(Double(n) * 977)
            result.append(QuestRequestContext(world: world, scope: scope, region: region, difficulty: 1 + n % 5, seed: UInt64(100 + n), now: now))
        }
        return result
    }

    @Test func batchedGenerationWithTheRealSessionGivesValidQuests() throws {
        let runtime = try runtime()
        let world = try shippedWorld()
        let requests = try requests(10)
        let results = runtime.generate(requests)
        #expect(results.count == requests.count)
        for (request, result) in zip(requests, results) {
            let output = try result.get()
            #expect(output.spec.region == request.region)
            #expect(output.spec.difficulty == request.difficulty)
            let origin = try #require(request.origin(regionID: output.spec.region))
            try QuestValidator.validate(output.spec, world: world, origin: origin, now: request.now)
            #expect(!output.text.contains("<|"))
        }
    }

    @Test func theServiceIsAQuestGeneratorAndRepeatsItselfForASeed() throws {
        let service = QuestModelService(try runtime(maxStreams: 1))
        let generator: any QuestGenerator = service
        let request = try requests(1)[0]
        #expect(try generator.generate(request) == generator.generate(request))
    }

    @Test func aTokenizerForAnotherModelIsRefused() throws {
        let tokenizer = try #require(Self.tokenizer)
        let config = LlamaConfig(dim: 32, hidden: 64, layers: 1, heads: 2, kvHeads: 2, vocab: tokenizer.vocabSize + 1, seqLen: 64)
        let session = try InferenceSession(parameters: ParameterStore(layout: ParameterLayout(config: config)), options: .init(maxStreams: 1, threads: 1))
        #expect(throws: QuestModelError.self) { try QuestModelRuntime(session: session, tokenizer: tokenizer, lexicon: try shippedLexicon()) }
    }

    @Test func specialTokensAreNeverAllowedInsideAQuest() throws {
        let tokenizer = try #require(Self.tokenizer)
        let vocabulary = TokenVocabulary(tokenizer: tokenizer)
        let bos = try #require(tokenizer.id(of: BPETokenizer.bosToken))
        #expect(vocabulary.tokenBytes[Int(bos)].isEmpty)
        #expect(vocabulary.missingGrammarBytes.isEmpty)
    }
}
