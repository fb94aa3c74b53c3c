import Foundation
import NFTArt
import NeuralCore
import Testing
import Tokenizer
import QuestModel
import Quests
import World

/// The NFT lore grammar's proof: whatever the logits, every text decoded under it gives a
/// name and lore that `NFTMetadata` accepts and that name the place and the coat.
@Suite struct NFTLoreGenerationTests {
    static let vocabulary: TokenVocabulary? = {
        guard let corpus = try? QuestCorpus.load(directory: repositoryRoot.appendingPathComponent("quests")) else { return nil }
        return syntheticVocabulary(texts: Array(corpus.train.prefix(1_500)))
    }()

    func vocabulary() throws -> TokenVocabulary { try #require(Self.vocabulary) }

    /// Drops placed as the server places them, and some away from any point of interest.
    func requests(_ count: Int, seed: UInt64) throws -> [NFTLoreRequest] {
        let world = try shippedWorld()
        let catalog = try shippedCatalog()
        return try (0..<UInt64(count)).map { index in
            var request = try #require(NFTLoreRequest(seed: NFTSeed(seed &+ index), world: world, catalog: catalog))
            if index % 5 == 0 { request.pointOfInterest = nil }
            return request
        }
    }

    /// Decodes one sample under the request's grammar from `source`, as the runtime does.
    func write(_ request: NFTLoreRequest, source: some LogitsSource, sampler: TokenSampler = TokenSampling.temperature(1)) throws -> String {
        let vocabulary = try vocabulary()
        let grammar = try NFTLoreGrammar(request: request, world: try shippedWorld())
        var source = source
        var decoder = GrammarDecoder(grammar: grammar, vocabulary: vocabulary)
        try decoder.advance(bytes: grammar.prompt)
        var random = SplitMix64(seed: 5)
        var logits = try source.logits(appending: vocabulary.greedyEncode(grammar.prompt))
        while !decoder.isComplete {
            let mask = decoder.allowedTokens()
            try #require(mask.allowedCount > 0, "no token allowed after \(decoder.text.debugDescription)")
            mask.apply(to: &logits)
            let token = sampler(logits, &random)
            try decoder.advance(token: token)
            if decoder.isComplete { break }
            logits = try source.logits(appending: [token])
        }
        return decoder.text
    }

    /// Checks a finished sample: its header, its rendered name and lore as NFT metadata, and
    /// that the lore names the place and the coat.
    func check(_ text: String, _ request: NFTLoreRequest) throws {
        let world = try shippedWorld()
        let grammar = try NFTLoreGrammar(request: request, world: world)
        let (document, lore) = try NFTLoreDocument.parse(text, grammar: grammar)
        #expect(document.header == request.header)
        try NFTMetadata.validate(name: lore.name, description: lore.description)
        let place = request.pointOfInterest.flatMap { world.pointOfInterest(id: $0)?.name } ?? world.region(id: request.region)?.name
        #expect(lore.description.lowercased().contains(try #require(place).lowercased()))
        #expect(lore.description.lowercased().contains(NFTLoreVocabulary.coatWord(request.parts.coat).lowercased()))
        #expect(lore.description.last.map { ".!?".contains($0) } == true)
    }

    @Test func loreFromUniformRandomLogitsIsAlwaysValid() throws {
        let size = try vocabulary().count
        for (index, request) in try requests(60, seed: 1).enumerated() {
            try check(try write(request, source: UniformLogits(size: size, seed: UInt64(index))), request)
        }
    }

    @Test func loreFromAdversarialLogitsIsAlwaysValid() throws {
        let vocabulary = try vocabulary()
        for (flavourIndex, flavour) in AdversarialLogits.Flavour.allCases.enumerated() {
            for (index, request) in try requests(15, seed: 500 * UInt64(flavourIndex + 1)).enumerated() {
                let source = AdversarialLogits(flavour: flavour, vocabulary: vocabulary, seed: UInt64(index))
                try check(try write(request, source: source), request)
            }
        }
    }

    @Test func aSamplerThatEndsAsSoonAsItMayStillWritesValidLore() throws {
        // Greedy over logits that rank line ends, end marks and short tokens first.
        let vocabulary = try vocabulary()
        let preference = vocabulary.tokenBytes.map { bytes -> Float in
            Float(bytes.filter { $0 == 0x0A || $0 == 0x2E }.count * 10 - bytes.count)
        }
        struct Fixed: LogitsSource {
            let values: [Float]
            mutating func logits(appending tokens: [Int]) throws -> [Float] { values }
        }
        for request in try requests(10, seed: 900) {
            let text = try write(request, source: Fixed(values: preference), sampler: TokenSampling.greedy)
            try check(text, request)
        }
    }
}

/// The runtime's NFT path with the real inference session and tokenizer, driven by a tiny
/// model with random weights: the grammar, not the weights, makes the lore valid.
@Suite struct NFTLoreRuntimeTests {
    func runtime(maxStreams: Int = 4) throws -> QuestModelRuntime {
        let tokenizer = try #require(QuestModelRuntimeTests.tokenizer)
        let config = LlamaConfig(dim: 32, hidden: 64, layers: 1, heads: 2, kvHeads: 2, vocab: tokenizer.vocabSize, seqLen: 1_400)
        let store = ParameterStore(layout: ParameterLayout(config: config))
        var random = SplitMix64(seed: 13)
        for index in 0..<store.count { store.pointer[index] = Float(random.nextUnit() - 0.5) * 0.2 }
        for name in store.layout.entries.map(\.name) where name.hasSuffix("norm.weight") {
            if let view = store.view(name) { for i in view.indices { view[i] = 1 } }
        }
        let session = try InferenceSession(parameters: store, options: .init(maxStreams: maxStreams, threads: 1))
        return try QuestModelRuntime(session: session, tokenizer: tokenizer, lexicon: try shippedLexicon())
    }

    func requests(_ count: Int) throws -> [NFTLoreRequest] {
        let world = try shippedWorld()
        let catalog = try shippedCatalog()
        return try (0..<UInt64(count)).map { try #require(NFTLoreRequest(seed: NFTSeed(40 + $0), world: world, catalog: catalog)) }
    }

    @Test func batchedLoreWithTheRealSessionIsValidAndInRequestOrder() throws {
        let runtime = try runtime()
        let requests = try requests(6)
        let results = runtime.generateLore(requests)
        #expect(results.count == requests.count)
        for (request, result) in zip(requests, results) {
            let output = try result.get()
            #expect(output.text.hasPrefix(request.header + "\ncat "))
            try NFTMetadata.validate(name: output.name, description: output.description)
            #expect(!output.text.contains("<|"))
        }
    }

    @Test func theServiceWritesTheSameLoreForTheSameSeed() throws {
        let service = QuestModelService(try runtime(maxStreams: 1))
        let request = try requests(1)[0]
        #expect(try service.generateLore(request) == service.generateLore(request))
        #expect(service.generateLore(batch: [request]).count == 1)
    }

    @Test func aRequestForAnUnknownPlaceFailsWithATypedErrorWhileTheOthersSucceed() throws {
        let runtime = try runtime(maxStreams: 2)
        var requests = try requests(3)
        requests[1].pointOfInterest = "no-such-place"
        let results = runtime.generateLore(requests)
        #expect(throws: Never.self) { try results[0].get() }
        #expect(throws: Never.self) { try results[2].get() }
        #expect {
            try results[1].get()
        } throws: { ($0 as? QuestModelError)?.code == .badRequest }
    }
}

/// The shipped model (assets/models/quest) writes NFT names and lore, as it writes quests.
@Suite struct ShippedModelLoreTests {
    /// Loaded once for the suite; the service serialises the tests' calls.
    static let service: QuestModelService? = {
        guard let world = try? shippedWorld() else { return nil }
        let directory = repositoryRoot.appendingPathComponent(QuestModelRuntime.defaultDirectory).path
        guard let runtime = try? QuestModelRuntime.load(directory: directory, world: world, streams: 4) else { return nil }
        return QuestModelService(runtime)
    }()

    @Test func theShippedModelWritesValidLoreForSeveralSeeds() throws {
        let service = try #require(Self.service)
        let world = try shippedWorld()
        let catalog = try shippedCatalog()
        let requests = try (UInt64(1)...8).map { try #require(NFTLoreRequest(seed: NFTSeed($0 &* 7_919), world: world, catalog: catalog)) }
        for (request, result) in zip(requests, service.generateLore(batch: requests)) {
            let output = try result.get()
            try NFTMetadata.validate(name: output.name, description: output.description)
            let place = request.pointOfInterest.flatMap { world.pointOfInterest(id: $0)?.name } ?? world.region(id: request.region)?.name
            #expect(output.description.lowercased().contains(try #require(place).lowercased()))
            #expect(output.description.lowercased().contains(NFTLoreVocabulary.coatWord(request.parts.coat)))
            // A trained model ends well before the limits, on its first attempt, with its own cat.
            #expect(output.description.count < 600)
            #expect(output.attempts == 1)
            #expect(output.document.lore.contains("{cat}"))
            print("\(request.header)\n  \(output.name)\n  \(output.description)")
        }
    }

    @Test func theShippedModelStillWritesValidQuests() throws {
        let service = try #require(Self.service)
        let world = try shippedWorld()
        let requests = ["catnip-meadows", "hissing-mire", "nine-lives-peaks"].enumerated().map { i, region in
            QuestRequestContext(world: world, scope: .personal, region: region, difficulty: i + 2, seed: UInt64(300 + i), now: testNow)
        }
        for result in service.generate(batch: requests) {
            let output = try result.get()
            let origin = try #require(requests.first { $0.region == output.spec.region }?.origin(regionID: output.spec.region))
            try QuestValidator.validate(output.spec, world: world, origin: origin, now: testNow)
        }
    }
}
