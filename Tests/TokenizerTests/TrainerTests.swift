import Testing
@testable import Tokenizer

@Suite struct TrainerTests {
    @Test func trainingTwiceGivesTheSameTokenizer() throws {
        let first = try TestCorpus.trainedTokenizer()
        let second = try TestCorpus.trainedTokenizer()
        #expect(first.allTokenBytes == second.allTokenBytes)
        #expect(first.merges.map { [$0.left, $0.right] } == second.merges.map { [$0.left, $0.right] })
    }

    @Test func theOrderOfTheTextsDoesNotMatter() throws {
        var rng = SplitMix64(seed: 1)
        let texts = TestCorpus.samples(300)
        let a = try BPETokenizer.train(texts: texts, vocabSize: 500)
        let b = try BPETokenizer.train(texts: texts.shuffled(using: &rng), vocabSize: 500)
        #expect(a.allTokenBytes == b.allTokenBytes)
    }

    @Test func theVocabularyReachesTheRequestedSize() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        #expect(tokenizer.vocabSize == 600)
        #expect(tokenizer.merges.count == 600 - 256 - BPETokenizer.defaultSpecialTokens.count)
    }

    @Test func idsAreBytesThenSpecialTokensThenMergesInOrder() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        for byte in 0..<256 { #expect(tokenizer.tokenBytes(Int32(byte)) == [UInt8(byte)]) }
        for (offset, special) in BPETokenizer.defaultSpecialTokens.enumerated() {
            #expect(tokenizer.tokenBytes(Int32(256 + offset)) == Array(special.utf8))
        }
        let firstMerge = Int32(256 + BPETokenizer.defaultSpecialTokens.count)
        for (rank, merge) in tokenizer.merges.enumerated() {
            #expect(tokenizer.tokenBytes(firstMerge + Int32(rank)) == tokenizer.tokenBytes(merge.left) + tokenizer.tokenBytes(merge.right))
        }
    }

    @Test func theMostFrequentPairIsMergedFirstAndTiesGoToTheSmallerIDs() throws {
        // "ab" ×3 and "cd" ×3 tie (newlines are pieces of their own); a (97) < c (99), so "ab" goes first.
        let tokenizer = try BPETokenizer.train(texts: ["cd\nab\ncd\nab\ncd\nab\nxy\nxy"], vocabSize: 258, specialTokens: [])
        #expect(tokenizer.merges.map { [$0.left, $0.right] } == [[97, 98], [99, 100]])
    }

    @Test func trainingStopsWhenNoPairIsFrequentEnough() throws {
        let tokenizer = try BPETokenizer.train(texts: ["abc def"], vocabSize: 2048)
        #expect(tokenizer.merges.isEmpty)
        let singletons = try BPETrainer(vocabSize: 2048, specialTokens: [], minPairFrequency: 1).train(texts: ["abc"])
        #expect(singletons.merges.count == 2)
    }

    @Test func aFrequentWordBecomesOneToken() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        #expect(tokenizer.encode(" Whiskerwood").count == 1)
    }

    @Test func piecesDoNotCrossSpecialTokensOrTexts() throws {
        // "ab" only ever appears split by a special token or across two texts.
        let tokenizer = try BPETokenizer.train(texts: ["a<|eos|>b", "a<|eos|>b", "a", "b"], vocabSize: 300)
        #expect(tokenizer.merges.isEmpty)
    }

    @Test func aMergeSpelledLikeASpecialTokenIsSkipped() throws {
        // The token for two spaces would be written "ĠĠ", the special token's own spelling.
        let texts = [String](repeating: "a  \nb", count: 20)   // the piece "  " twenty times
        #expect(try BPETokenizer.train(texts: texts, vocabSize: 300, specialTokens: []).allTokenBytes.contains([32, 32]))
        let tokenizer = try BPETokenizer.train(texts: texts, vocabSize: 300, specialTokens: ["ĠĠ"])
        #expect(!tokenizer.allTokenBytes.contains([32, 32]))
        #expect(try BPETokenizer(tokenizerJSON: tokenizer.tokenizerJSON()).encode("a  b") == tokenizer.encode("a  b"))
    }

    @Test func tooSmallAVocabularyIsRejected() {
        #expect(throws: TokenizerError.vocabSizeTooSmall(requested: 100, minimum: 262)) {
            try BPETokenizer.train(texts: ["x"], vocabSize: 100)
        }
    }
}
