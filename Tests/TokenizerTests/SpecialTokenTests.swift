import Testing
@testable import Tokenizer

@Suite struct SpecialTokenTests {
    @Test func defaultSpecialTokensHaveTheDocumentedIDs() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        #expect(tokenizer.id(of: "<|bos|>") == 256)
        #expect(tokenizer.id(of: "<|eos|>") == 257)
        #expect(tokenizer.id(of: "<|pad|>") == 258)
        #expect(tokenizer.id(of: "<|spec|>") == 259)
        #expect(tokenizer.id(of: "<|title|>") == 260)
        #expect(tokenizer.id(of: "<|desc|>") == 261)
        #expect(tokenizer.id(of: "<|nope|>") == nil)
        #expect(tokenizer.isAddedToken(257))
        #expect(!tokenizer.isAddedToken(97))
    }

    @Test func aSpecialTokenInTextIsOneIDEvenInsideAWord() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let ids = tokenizer.encode("cat<|eos|>dog")
        #expect(ids.filter { $0 == 257 }.count == 1)
        #expect(tokenizer.decode(ids) == "cat<|eos|>dog")
        #expect(tokenizer.encode("<|eos|>") == [257])
        #expect(tokenizer.encode("<|bos|><|eos|>") == [256, 257])
    }

    @Test func textAroundASpecialTokenEncodesAsIfAlone() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let ids = tokenizer.encode("Find the bell<|eos|> in Purrington")
        #expect(ids == tokenizer.encode("Find the bell") + [257] + tokenizer.encode(" in Purrington"))
    }

    @Test func aBrokenSpecialTokenIsOrdinaryText() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        for text in ["<|eos", "<|EOS|>", "< |eos|>", "<<|eos|"] {
            #expect(!tokenizer.encode(text).contains { tokenizer.isAddedToken($0) }, "\(text)")
        }
    }

    @Test func theLongestSpecialTokenWinsWhereTwoStartTogether() throws {
        let tokenizer = try BPETokenizer.train(texts: ["ab"], vocabSize: 300, specialTokens: ["<|a|>", "<|a|>!"])
        #expect(tokenizer.encode("x<|a|>!y") == [120, 257, 121])
        #expect(tokenizer.encode("x<|a|>y") == [120, 256, 121])
    }

    @Test func decodingCanSkipSpecialTokens() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let ids = tokenizer.encode("<|bos|>Hello<|eos|>")
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "Hello")
        #expect(tokenizer.decode(ids) == "<|bos|>Hello<|eos|>")
    }

    @Test func specialTokensAreNeverLearntAsMerges() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let specialBytes = Set(tokenizer.addedTokens.map { Array($0.content.utf8) })
        let merged = tokenizer.allTokenBytes.enumerated().filter { !tokenizer.isAddedToken(Int32($0.offset)) }
        #expect(!merged.contains { specialBytes.contains($0.element) })
        #expect(!merged.contains { $0.element.contains(UInt8(ascii: "|")) && $0.element.contains(UInt8(ascii: "<")) })
    }

    @Test(arguments: [[""], ["<|x|>", "<|x|>"], ["a"], ["Ġ"]])
    func unusableSpecialTokensAreRejected(_ specials: [String]) {
        #expect(throws: TokenizerError.self) {
            try BPETokenizer.train(texts: ["x"], vocabSize: 300, specialTokens: specials)
        }
    }
}

@Suite struct AddedTokenValidationTests {
    @Test func anAddedTokenSpelledLikeAByteLevelTokenIsRejected() {
        // "ĠĠ" is how tokenizer.json writes the token for two spaces.
        let tokenBytes = (0..<256).map { [UInt8($0)] } + [[32, 32], Array("ĠĠ".utf8)]
        #expect(throws: TokenizerError.self) {
            try BPETokenizer(tokenBytes: tokenBytes, addedTokens: [.init(content: "ĠĠ", id: 257)], merges: [(32, 32)])
        }
    }
}
