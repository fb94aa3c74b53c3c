import Foundation
import NFTArt
import Testing
import QuestModel
import World

/// The NFT lore sample's grammar: the header is fixed, the name and lore render to what
/// `NFTMetadata` accepts, and the lore must refer to the place and the coat.
@Suite struct NFTLoreGrammarTests {
    /// A request near The Purring Mill with a ginger coat.
    func millRequest() throws -> NFTLoreRequest {
        let catalog = try shippedCatalog()
        for value in UInt64(1)...500 {
            let seed = NFTSeed(value)
            let parts = catalog.parts(for: seed)
            if parts.coat.id == "ginger", parts.markings.id != "none", parts.accessory.id != "none" {
                return NFTLoreRequest(region: "catnip-meadows", pointOfInterest: "purring-mill", parts: parts, seed: seed)
            }
        }
        throw MissingWorld()
    }

    func grammar() throws -> NFTLoreGrammar {
        try NFTLoreGrammar(request: try millRequest(), world: try shippedWorld())
    }

    /// The state after the prompt, the cat's name and `name `.
    func atName(_ grammar: NFTLoreGrammar) -> NFTLoreGrammar.State {
        var state = grammar.start
        let bytes = grammar.prompt + Array(" Saffron\nname ".utf8)
        #expect(grammar.advance(&state, bytes: bytes) == bytes.count)
        return state
    }

    /// The state at the start of the lore.
    func atLore(_ grammar: NFTLoreGrammar) -> NFTLoreGrammar.State {
        var state = atName(grammar)
        #expect(grammar.advance(&state, bytes: Array("{cat}\nlore ".utf8)) == 11)
        return state
    }

    func accepts(_ grammar: NFTLoreGrammar, _ state: NFTLoreGrammar.State, _ text: String) -> Bool {
        var copy = state
        let bytes = Array(text.utf8)
        return grammar.advance(&copy, bytes: bytes) == bytes.count
    }

    @Test func thePromptIsTheRequestsHeaderAndTheCatKeyword() throws {
        let request = try millRequest()
        let grammar = try grammar()
        #expect(String(decoding: grammar.prompt, as: UTF8.self) == request.header + "\ncat")
        #expect(request.header.hasPrefix("<nft> catnip-meadows purring-mill ginger "))
        #expect(grammar.requiredEntities.map(\.id) == ["purring-mill", "ginger"])
        #expect(grammar.entities.map(\.role) == [.cat, .region, .place, .coat, .markings, .accessory, .pose])
        var state = grammar.start
        #expect(grammar.advance(&state, bytes: Array("<nft> whiskerwood".utf8)) == 6)
    }

    @Test func theHandWrittenSampleParsesAndRenders() throws {
        let (document, lore) = try QuestCorpus.checkNFT(sampleNFTLore, world: try shippedWorld(), catalog: try shippedCatalog())
        #expect(document.cat == "Saffron")
        #expect(document.text == sampleNFTLore)
        #expect(lore.name == "Saffron the Lamplighter of the Purring Mill")
        #expect(lore.description == "Saffron is a ginger cat with tabby stripes who folds into a perfect loaf by the Purring Mill. A tiny ever-burning lantern lights the way home.")
    }

    @Test func theCatsNameIsOneCapitalisedWord() throws {
        let grammar = try grammar()
        var state = grammar.start
        #expect(grammar.advance(&state, bytes: grammar.prompt + [0x20]) == grammar.prompt.count + 1)
        #expect(!accepts(grammar, state, "\n"))
        #expect(!accepts(grammar, state, "saffron"))
        #expect(!accepts(grammar, state, "Saf fron"))
        #expect(!accepts(grammar, state, "Saf{cat}"))
        #expect(accepts(grammar, state, "O'Malley-Smith\nname "))
        #expect(!accepts(grammar, state, "A" + String(repeating: "b", count: NFTLoreGrammar.catLimit)))
    }

    @Test func theNameRefusesBytesNFTMetadataWouldRefuse() throws {
        let grammar = try grammar()
        let state = atName(grammar)
        #expect(!accepts(grammar, state, "\n"))          // empty name
        #expect(!accepts(grammar, state, " "))           // leading space
        #expect(!accepts(grammar, state, "Pip  Moss"))   // double space
        #expect(!accepts(grammar, state, "Pip \n"))      // trailing space
        #expect(!accepts(grammar, state, "P}ip"))        // a stray brace
        #expect(!accepts(grammar, state, "{tabby}"))     // markings are for the lore
        #expect(!accepts(grammar, state, "{whiskerwood}")) // not this request's place
        #expect(!accepts(grammar, state, "Pip\tMoss"))   // control characters
        #expect(!accepts(grammar, state, "Pip\u{7F}"))
        #expect(!accepts(grammar, state, "Café"))        // beyond ASCII
        #expect(accepts(grammar, state, "Old {cat} the {ginger} of {purring-mill}\nlore "))
        let sixtyFour = String(repeating: "ab", count: 32)
        #expect(accepts(grammar, state, sixtyFour + "\n"))
        #expect(!accepts(grammar, state, sixtyFour + "c"))
        // A space at the 64th character would have to end the name.
        #expect(!accepts(grammar, state, String(sixtyFour.dropLast()) + " "))
        // References count as what they render: "The Purring Mill" is 16 characters.
        #expect(accepts(grammar, state, String(repeating: "a", count: 48) + "{purring-mill}\n"))
        #expect(!accepts(grammar, state, String(repeating: "a", count: 49) + "{purring-mill}"))
        #expect(!accepts(grammar, state, String(repeating: "a", count: 49) + "{p"))
    }

    @Test func theLoreIsOneToThreeSentencesThatReferToThePlaceAndTheCoat() throws {
        let grammar = try grammar()
        let state = atLore(grammar)
        #expect(!accepts(grammar, state, " "))                                        // leading space
        #expect(!accepts(grammar, state, "."))                                        // a sentence starts with a word
        #expect(!accepts(grammar, state, "{cat} naps by {purring-mill}\n"))           // no end mark
        #expect(!accepts(grammar, state, "{cat} naps by {purring-mill}.\n"))          // the coat is owed
        #expect(!accepts(grammar, state, "A Purring Mill cat, ginger.\n"))           // only references count
        #expect(!accepts(grammar, state, "{cat} naps .\n"))                           // space before an end mark
        #expect(!accepts(grammar, state, "{cat} naps.  Twice."))                      // double space
        #expect(!accepts(grammar, state, "A {saucer-well} cat."))                     // another place
        #expect(accepts(grammar, state, "{cat} is a {ginger} cat by {purring-mill}.\n</nft>"))
        #expect(accepts(grammar, state, "A {ginger} cat. At {purring-mill}! Really?\n</nft>"))
        #expect(!accepts(grammar, state, "A {ginger} cat. At {purring-mill}! Really? No."))
        // The third sentence cannot end while the place is owed; the first two can.
        #expect(accepts(grammar, state, "A {ginger} cat. It naps. It"))
        #expect(!accepts(grammar, state, "A {ginger} cat. It naps. It purrs."))
        #expect(accepts(grammar, state, "\"{ginger},\" says {purring-mill}... Yes.\n</nft>"))
        var done = state
        let ending = Array("{ginger} at {purring-mill}.\n</nft>".utf8)
        #expect(grammar.advance(&done, bytes: ending) == ending.count)
        #expect(done.isComplete)
        #expect(grammar.acceptedBytes(done).isEmpty)
    }

    @Test func theLoreNeverOutgrowsNFTMetadatasLimitAndStillEndsWithItsMentions() throws {
        let grammar = try grammar()
        var state = atLore(grammar)
        // Write words until the grammar refuses them; what it still allows must finish the lore.
        var lore = ""
        while true {
            var copy = state
            guard grammar.advance(&copy, bytes: Array("meow ".utf8)) == 5 else { break }
            state = copy
            lore += "meow "
        }
        #expect(lore.count < NFTLoreGrammar.loreLimit)
        var bytes: [UInt8] = []
        while !state.isComplete {
            let accepted = grammar.acceptedBytes(state)
            guard let byte = accepted.first(where: { $0 == 0x0A }) ?? accepted.first(where: { $0 == 0x2E }) ?? accepted.first else {
                Issue.record("dead end after \(lore.count) + \(bytes.count) lore bytes")
                return
            }
            #expect(grammar.advance(&state, byte))
            bytes.append(byte)
        }
        let text = String(decoding: grammar.prompt + Array(" Saffron\nname {cat}\nlore \(lore)".utf8) + bytes, as: UTF8.self)
        let (_, rendered) = try NFTLoreDocument.parse(text, grammar: grammar)
        #expect(rendered.description.count <= NFTLoreGrammar.loreLimit)
        #expect(rendered.description.count > NFTLoreGrammar.loreLimit - 30)
        #expect(rendered.description.lowercased().contains("the purring mill"))
        #expect(rendered.description.lowercased().contains("ginger"))
    }

    @Test func randomByteWalksNeverReachADeadEndAndGiveValidMetadata() throws {
        let world = try shippedWorld()
        let catalog = try shippedCatalog()
        var random = SplitMix64(seed: 17)
        for walk in 0..<40 {
            var request = try #require(NFTLoreRequest(seed: NFTSeed(UInt64(1_000 + walk)), world: world, catalog: catalog))
            if walk % 4 == 0 { request.pointOfInterest = nil }
            let grammar = try NFTLoreGrammar(request: request, world: world)
            var state = grammar.start
            var bytes: [UInt8] = []
            while !state.isComplete {
                let accepted = grammar.acceptedBytes(state)
                guard !accepted.isEmpty else {
                    Issue.record("dead end after \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                    break
                }
                // Now and then favour line ends, end marks and references, so some fields end early.
                let favoured = accepted.filter { $0 == 0x0A || $0 == 0x2E || $0 == 0x20 || $0 == 0x7B || $0 == 0x7D }
                let pool = !favoured.isEmpty && random.nextUnit() < 0.25 ? favoured : accepted
                let byte = pool[random.nextInt(in: 0...(pool.count - 1))]
                #expect(grammar.advance(&state, byte))
                bytes.append(byte)
            }
            let (document, rendered) = try NFTLoreDocument.parse(String(decoding: bytes, as: UTF8.self), grammar: grammar)
            #expect(document.header == request.header)
            try NFTMetadata.validate(name: rendered.name, description: rendered.description)
        }
    }

    @Test func theTokenMaskMatchesTryingEveryTokenByteByByte() throws {
        let world = try shippedWorld()
        let catalog = try shippedCatalog()
        let corpus = try QuestCorpus.load(directory: repositoryRoot.appendingPathComponent("quests"))
        let samples = Array(corpus.train.filter(QuestCorpus.isNFTSample).prefix(300))
        let vocabulary = syntheticVocabulary(texts: samples)
        for text in samples.prefix(3) {
            let grammar = try NFTLoreGrammar(document: try NFTLoreDocument.parse(text), world: world, catalog: catalog)
            var state = grammar.start
            for (step, token) in vocabulary.greedyEncode(Array(text.utf8)).enumerated() {
                if step % 2 == 0 {
                    let mask = grammar.allowedTokens(state, vocabulary: vocabulary)
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

    @Test func requestsForPlacesTheWorldLacksAreRefusedNamingTheField() throws {
        let world = try shippedWorld()
        let parts = try shippedCatalog().parts(for: NFTSeed(3))
        #expect {
            try NFTLoreGrammar(request: NFTLoreRequest(region: "atlantis", pointOfInterest: nil, parts: parts, seed: NFTSeed(3)), world: world)
        } throws: { ($0 as? NFTLoreGrammarError)?.field == "region" }
        // The Purring Mill lies in Catnip Meadows, not in Whiskerwood.
        #expect {
            try NFTLoreGrammar(request: NFTLoreRequest(region: "whiskerwood", pointOfInterest: "purring-mill", parts: parts, seed: NFTSeed(3)), world: world)
        } throws: { ($0 as? NFTLoreGrammarError)?.field == "pointOfInterest" }
        let document = try NFTLoreDocument.parse(sampleNFTLore.replacingOccurrences(of: " ginger ", with: " plaid "))
        #expect {
            try NFTLoreGrammar(document: document, world: world, catalog: try shippedCatalog())
        } throws: { ($0 as? NFTLoreGrammarError)?.code == .unknownPart }
        #expect(!NFTLoreGrammar.canRender("St. Purr"))
        #expect(!NFTLoreGrammar.canRender(" Purr"))
        #expect(NFTLoreGrammar.canRender("Crookedtail's Hut"))
    }

    @Test func aCatWithoutMarkingsOrAccessoryHasStandInsTheLoreCanStillName() throws {
        let world = try shippedWorld()
        let catalog = try shippedCatalog()
        let seed = try #require((UInt64(1)...3_000).map(NFTSeed.init).first { seed in
            let parts = catalog.parts(for: seed)
            return parts.markings.lore == nil && parts.accessory.lore == nil
        })
        let request = NFTLoreRequest(region: "catnip-meadows", pointOfInterest: nil, parts: catalog.parts(for: seed), seed: seed)
        #expect(request.header.contains(" no-markings no-accessory "))
        let grammar = try NFTLoreGrammar(request: request, world: world)
        #expect(grammar.requiredEntities.map(\.id) == ["catnip-meadows", request.parts.coat.id])
        let text = String(decoding: grammar.prompt, as: UTF8.self)
            + " Pip\nname {cat}\nlore {cat} is a {\(request.parts.coat.id)} cat with {no-markings} in {catnip-meadows}. {cat} wears {no-accessory}.\n</nft>"
        let (document, lore) = try NFTLoreDocument.parse(text, grammar: grammar)
        #expect(document.markings == NFTLoreVocabulary.noMarkings)
        #expect(lore.description.hasSuffix("cat with not a single stripe in Catnip Meadows. Pip wears an invisible collar."))
        // The corpus's header for the same parts resolves back to the catalogue's "none" parts.
        #expect(try NFTLoreGrammar(document: document, world: world, catalog: catalog).entities == grammar.entities)
    }

    @Test func referencesRenderWithCapitalsWhereASentenceStarts() throws {
        let grammar = try NFTLoreGrammar(
            request: NFTLoreRequest(region: "hissing-mire", pointOfInterest: nil, parts: try millRequest().parts, seed: NFTSeed(1)),
            world: try shippedWorld())
        #expect(grammar.render("{hissing-mire} is wet. Near {hissing-mire}, {ginger} fur.", cat: "Pip", isName: false)
            == "The Hissing Mire is wet. Near the Hissing Mire, ginger fur.")
        #expect(grammar.render("{ginger} cats! {cat} of {hissing-mire}", cat: "Pip", isName: false)
            == "Ginger cats! Pip of the Hissing Mire")
        #expect(grammar.render("{cat} the {ginger} of {hissing-mire}", cat: "Pip", isName: true) == "Pip the Ginger of the Hissing Mire")
    }
}
