import Foundation
import Testing
import Quests
import QuestModel
import World

@Suite struct QuestGrammarTests {
    func corpusSamples(_ count: Int) throws -> [String] {
        let corpus = try QuestCorpus.load(directory: repositoryRoot.appendingPathComponent("quests"))
        return Array(corpus.train.filter { !QuestCorpus.isNFTSample($0) }.prefix(count))
    }

    @Test func theGrammarOfARequestOnlyAcceptsThatRequest() throws {
        let lexicon = try shippedLexicon()
        let grammar = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "purrington", difficulty: 2)
        var state = grammar.start
        #expect(grammar.advance(&state, bytes: Array("<quest> personal purrington d2 wealth\n".utf8)) == 38)
        var global = grammar.start
        #expect(grammar.advance(&global, bytes: Array("<quest> global".utf8)) == 8)
        var elsewhere = grammar.start
        #expect(grammar.advance(&elsewhere, bytes: Array("<quest> personal kittenford".utf8)) == 17)
    }

    @Test func difficultyOneAllowsOneObjectiveAndNoConditions() throws {
        let lexicon = try shippedLexicon()
        let grammar = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "catnip-meadows", difficulty: 1)
        var state = grammar.start
        let header = Array("<quest> personal catnip-meadows d1 comfort\nreach kittenford\n".utf8)
        #expect(grammar.advance(&state, bytes: header) == header.count)
        // Only "title" may start the next line.
        #expect(grammar.acceptedBytes(state) == [UInt8(ascii: "t")])
    }

    @Test func collectSourcesMustBeDistinctPlacesWhereTheItemIsFound() throws {
        let lexicon = try shippedLexicon()
        let grammar = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "catnip-meadows", difficulty: 2)
        var state = grammar.start
        let prefix = Array("<quest> personal catnip-meadows d2 comfort\ncollect dandelion-puff 2 from kittenford ".utf8)
        #expect(grammar.advance(&state, bytes: prefix) == prefix.count)
        var again = state
        #expect(grammar.advance(&again, bytes: Array("kittenford ".utf8)) < 11)
        var elsewhere = state
        #expect(grammar.advance(&elsewhere, bytes: Array("port-mackerel".utf8)) < 13)
        var fine = state
        #expect(grammar.advance(&fine, bytes: Array("saucer-well\n".utf8)) == 12)
    }

    @Test func weatherIsLimitedToWhatTheTerrainCanHave() throws {
        let lexicon = try shippedLexicon()
        let grammar = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "sunnap-dunes", difficulty: 3)
        var state = grammar.start
        let prefix = Array("<quest> personal sunnap-dunes d3 wealth\nreach mirage-spire\nwhen weather ".utf8)
        #expect(grammar.advance(&state, bytes: prefix) == prefix.count)
        var snow = state
        #expect(grammar.advance(&snow, bytes: Array("snow".utf8)) < 4)
        var storm = state
        #expect(grammar.advance(&storm, bytes: Array("storm\n".utf8)) == 6)
    }

    @Test(arguments: [false, true])
    func theTokenMaskMatchesTryingEveryTokenByteByByte(words: Bool) throws {
        let lexicon = try shippedLexicon(words: words)
        let samples = try corpusSamples(400)
        let plain = syntheticVocabulary(texts: samples)
        let vocabulary = TokenVocabulary(tokenBytes: plain.tokenBytes, words: [lexicon.proseWords, lexicon.personalProseWords].compactMap { $0 })
        for text in samples.prefix(words ? 6 : 3) {
            let document = try QuestDocument.parse(text, lexicon: lexicon)
            let grammar = try QuestGrammar(lexicon: lexicon, scope: document.scope, region: document.region, difficulty: document.difficulty)
            var state = grammar.start
            for (step, token) in vocabulary.greedyEncode(Array(text.utf8)).enumerated() {
                if step % 3 == 0 {
                    let mask = vocabulary.allowedTokens(grammar: grammar, state: state)
                    #expect(mask == vocabulary.allowedTokensByTrie(grammar: grammar, state: state))
                    for (id, bytes) in vocabulary.tokenBytes.enumerated() {
                        var copy = state
                        let whole = !bytes.isEmpty && grammar.advance(&copy, bytes: bytes) == bytes.count
                        if whole != mask.contains(id) {
                            Issue.record("token \(id) \(String(decoding: bytes, as: UTF8.self).debugDescription): mask \(mask.contains(id)), bytes \(whole)")
                        }
                    }
                }
                let bytes = vocabulary.tokenBytes[token]
                #expect(grammar.advance(&state, bytes: bytes) == bytes.count)
            }
            #expect(state.isComplete)
        }
    }

    @Test(arguments: [false, true])
    func randomByteWalksNeverReachADeadEnd(words: Bool) throws {
        let lexicon = try shippedLexicon(words: words)
        let world = try shippedWorld()
        var random = SplitMix64(seed: words ? 19 : 9)
        for walk in 0..<40 {
            let region = world.regions[walk % world.regions.count].id
            let grammar = try QuestGrammar(lexicon: lexicon, scope: walk % 2 == 0 ? .personal : .global, region: walk % 5 == 0 ? nil : region, difficulty: walk % 3 == 0 ? nil : 1 + walk % 5)
            var state = grammar.start
            var bytes: [UInt8] = []
            while !state.isComplete {
                let accepted = grammar.acceptedBytes(state)
                guard !accepted.isEmpty else {
                    Issue.record("dead end after \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                    break
                }
                // Now and then favour a line end or a reference, so prose does not always run to its limit.
                let favoured = accepted.filter { $0 == 0x0A || $0 == 0x7B }
                let pool = !favoured.isEmpty && random.nextUnit() < (state.isInProse ? 0.02 : 0.3) ? favoured : accepted
                let byte = pool[random.nextInt(in: 0...(pool.count - 1))]
                #expect(grammar.advance(&state, byte))
                bytes.append(byte)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let document = try QuestDocument.parse(text, lexicon: lexicon, grammar: grammar)
            let spec = try document.spec(lexicon: lexicon, now: testNow, horizon: 7 * 86_400)
            try QuestValidator.validate(spec, world: world, now: testNow)
        }
    }

    @Test("With the corpus's words, prose holds only those words, whole, and no doubled space, space before a comma or \"..\"")
    func proseWords() throws {
        let lexicon = try shippedLexicon(words: true)
        let words = try #require(lexicon.proseWords)
        #expect(words.count > 500)
        let grammar = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "catnip-meadows", difficulty: 2)
        let base = sampleQuest.components(separatedBy: "\ntitle ")[0] + "\ntitle The Cat of {purring-mill}\ntext "
        func accepts(_ prose: String) -> Bool {
            var state = grammar.start
            let bytes = Array((base + prose).utf8)
            return grammar.advance(&state, bytes: bytes) == bytes.count
        }
        #expect(accepts("The cat was lost near {@1}. Gather"))
        #expect(accepts("The Cat"))                                   // a capital starts a word
        #expect(!accepts("The caT"))                                  // and only starts it
        #expect(!accepts("The cat was lost {@1}"))                    // "lost" never stands before a place
        #expect(!accepts("The cat was lost near {@1}. Then go to {@2}"))  // nor "to" before a count of an item
        #expect(!accepts("Theffort"))                                 // not a word
        #expect(!accepts("The catz"))
        #expect(!accepts("Come Wreck"))                                // "wreck" is no corpus word of prose
        #expect(!accepts("The  cat"))
        #expect(!accepts("The cat , then"))
        #expect(!accepts("The cat.."))
        #expect(accepts("The cat?!"))
        #expect(!accepts("The cat cat."))                             // no word twice in a row
        #expect(!accepts("The the cat"))
        #expect(accepts("The cat, cat"))                              // apart, it may come again
        // A word cut off cannot end the title either.
        var state = grammar.start
        let title = Array("<quest> personal catnip-meadows d2 comfort\nreach purring-mill\ntitle The Ca".utf8)
        #expect(grammar.advance(&state, bytes: title) == title.count)
        var cut = state
        #expect(!grammar.advance(&cut, 0x0A))
        #expect(grammar.advance(&state, bytes: Array("t\n".utf8)) == 2)
        // A personal quest cannot say a word only global quests use; a global one can.
        #expect(!accepts("The fastest cats"))
        #expect(!accepts("Claim a share"))
        let global = try QuestGrammar(lexicon: lexicon, scope: .global, region: "catnip-meadows", difficulty: 2)
        var race = global.start
        let raceBytes = Array((base.replacingOccurrences(of: "personal", with: "global") + "The fastest cats").utf8)
        #expect(global.advance(&race, bytes: raceBytes) == raceBytes.count)
        // Without words any letters pass.
        let free = try QuestGrammar(lexicon: try shippedLexicon(), scope: .personal, region: "catnip-meadows", difficulty: 2)
        var anything = free.start
        let bytes = Array((base + "Theffort").utf8)
        #expect(free.advance(&anything, bytes: bytes) == bytes.count)
    }

    /// The per-step cost of the mask for a 2,048-token vocabulary, measured by replaying
    /// corpus samples token by token (a debug build; release numbers are in the report of
    /// `MaskBenchmark` run by `purr bench model`).
    @Test func theMaskForTwoThousandTokensIsQuick() throws {
        let samples = try corpusSamples(1_500)
        let vocabulary = syntheticVocabulary(size: 2_048, texts: samples)
        #expect(vocabulary.count == 2_048)
        let report = try MaskBenchmark.run(lexicon: try shippedLexicon(), vocabulary: vocabulary, samples: Array(samples.suffix(20))) {
            vocabulary.greedyEncode(Array($0.utf8))
        }
        print(report)
        #expect(report.all.reduce(0, +) / Double(report.all.count) < 20_000)
    }
}
