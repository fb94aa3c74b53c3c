import Testing
@testable import Tokenizer

@Suite struct RoundTripTests {
    @Test(arguments: TestCorpus.edgeCases)
    func edgeCaseStringsDecodeToThemselves(_ text: String) throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let ids = tokenizer.encode(text)
        #expect(tokenizer.decode(ids) == text)
        #expect(tokenizer.decodeBytes(ids) == Array(text.utf8))
    }

    @Test func randomUnicodeStringsDecodeToThemselves() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let text = TestCorpus.randomString(length: Int.random(in: 0..<80, using: &rng), using: &rng)
            #expect(tokenizer.decode(tokenizer.encode(text)) == text, "\(Array(text.unicodeScalars))")
        }
    }

    @Test func everyByteSequenceOfAValidStringRoundTripsWithoutMerges() throws {
        // A tokenizer with no merges still covers every byte.
        let bare = try BPETokenizer.train(texts: [], vocabSize: 300)
        #expect(bare.merges.isEmpty)
        let text = "any text \u{0} \u{10FFFF} 🐈"
        #expect(bare.encode(text).count == text.utf8.count)
        #expect(bare.decode(bare.encode(text)) == text)
    }

    @Test func encodingUsesMergesSoCommonTextIsShorterThanItsBytes() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let text = TestCorpus.samples(1, seed: 99)[0]
        #expect(tokenizer.encode(text).count * 3 < text.utf8.count)
    }

    @Test func aCharacterCutBetweenTokensDecodesToReplacementCharacters() throws {
        let bare = try BPETokenizer.train(texts: [], vocabSize: 300)
        let ids = bare.encode("🐈")                       // four byte tokens
        #expect(ids.count == 4)
        #expect(bare.decode(Array(ids.prefix(2))) == "\u{FFFD}")
        #expect(bare.decodeBytes(Array(ids.prefix(2))) == [0xF0, 0x9F])
        #expect(bare.decode(Array(ids.suffix(2)) + bare.encode("a")).hasSuffix("a"))
    }

    @Test func arbitraryIDSequencesDecodeWithoutTrapping() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        var rng = SplitMix64(seed: 5)
        for _ in 0..<500 {
            let ids = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in
                Int32.random(in: -3...Int32(tokenizer.vocabSize + 3), using: &rng)
            }
            let text = tokenizer.decode(ids)
            #expect(text.utf8.count <= tokenizer.decodeBytes(ids).count + 3 * ids.count)
        }
        #expect(tokenizer.decode([-1, Int32(tokenizer.vocabSize)]) == "\u{FFFD}\u{FFFD}")
    }

    @Test func tokenBytesConcatenateToTheEncodedText() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let text = "Find the lost mitten in Whiskerwood 🧶<|eos|>"
        let ids = tokenizer.encode(text)
        #expect(ids.flatMap { tokenizer.tokenBytes($0) } == Array(text.utf8))
        #expect(tokenizer.tokenBytes(-1) == [])
        #expect(tokenizer.tokenBytes(Int32(tokenizer.vocabSize)) == [])
        #expect(tokenizer.allTokenBytes.count == tokenizer.vocabSize)
    }

    @Test func tokenStringsUseTheByteLevelAlphabet() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        #expect(tokenizer.tokenString(32) == "Ġ")
        #expect(tokenizer.tokenString(10) == "Ċ")
        #expect(tokenizer.tokenString(256) == "<|bos|>")
        #expect(tokenizer.tokenString(-5) == "")
        let ids = tokenizer.encode(" Whiskerwood")
        #expect(ids.map(tokenizer.tokenString).joined() == "ĠWhiskerwood")
    }

    @Test func threadsEncodingAtOnceGetTheSameIDs() async throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let texts = TestCorpus.samples(200, seed: 77)
        let expected = try BPETokenizer(tokenizerJSON: tokenizer.tokenizerJSON()).encodeAll(texts)
        let results = await withTaskGroup(of: [[Int32]].self) { group in
            for _ in 0..<4 { group.addTask { tokenizer.encodeAll(texts) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result == expected) }
    }

    @Test func ignoreMergesTakesAWholePieceThatIsInTheVocabulary() throws {
        // "bc" merges before "ab", so by merges "abc" is a + bc; the vocabulary also has "abc".
        let tokenBytes = (0..<256).map { [UInt8($0)] } + [Array("bc".utf8), Array("ab".utf8), Array("abc".utf8)]
        let merges: [(left: Int32, right: Int32)] = [(98, 99), (97, 98), (257, 99)]
        let byMerges = try BPETokenizer(tokenBytes: tokenBytes, addedTokens: [], merges: merges)
        let whole = try BPETokenizer(tokenBytes: tokenBytes, addedTokens: [], merges: merges, ignoreMerges: true)
        #expect(byMerges.encode("abc") == [97, 256])
        #expect(whole.encode("abc") == [258])
        #expect(whole.encode("abcd") == [97, 256, 100])
    }

    @Test func longPiecesMergeTheSameWayByHeapAndByScan() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        var rng = SplitMix64(seed: 3)
        let alphabet = Array("aeinorstlmdh ".utf8)
        for _ in 0..<300 {
            let length = Int.random(in: 2...120, using: &rng)
            let word = (0..<length).map { _ in tokenizer.byteIDs[Int(alphabet.randomElement(using: &rng) ?? 97)] }
            var byScan = word
            var byHeap = word
            tokenizer.mergeTable.applyMergesByScan(to: &byScan)
            tokenizer.mergeTable.applyMergesByHeap(to: &byHeap)
            #expect(byScan == byHeap)
        }
    }
}
