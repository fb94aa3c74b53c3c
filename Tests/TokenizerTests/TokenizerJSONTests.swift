import Foundation
import Testing
@testable import Tokenizer

@Suite struct TokenizerJSONTests {
    @Test func writingThenReadingGivesTheSameTokensAndIDs() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let read = try BPETokenizer(tokenizerJSON: tokenizer.tokenizerJSON())
        #expect(read.allTokenBytes == tokenizer.allTokenBytes)
        #expect(read.addedTokens == tokenizer.addedTokens)
        #expect(read.merges.map { [$0.left, $0.right] } == tokenizer.merges.map { [$0.left, $0.right] })
        var rng = SplitMix64(seed: 8)
        let texts = TestCorpus.samples(50, seed: 123) + TestCorpus.edgeCases
            + (0..<200).map { _ in TestCorpus.randomString(length: 40, using: &rng) }
        for text in texts { #expect(read.encode(text) == tokenizer.encode(text)) }
    }

    @Test func aWrittenFileReadsBackFromDisk() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenizer-\(UInt64.random(in: 0...UInt64.max)).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try tokenizer.write(to: url)
        #expect(try BPETokenizer(contentsOf: url).encode("Find a ball of yarn") == tokenizer.encode("Find a ball of yarn"))
    }

    @Test func theFileHasTheTokenizersLayout() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let json = try #require(try JSONSerialization.jsonObject(with: tokenizer.tokenizerJSON()) as? [String: Any])
        #expect(json["version"] as? String == "1.0")
        let pre = try #require(json["pre_tokenizer"] as? [String: Any])
        #expect(pre["type"] as? String == "ByteLevel")
        #expect(pre["add_prefix_space"] as? Bool == false)
        let model = try #require(json["model"] as? [String: Any])
        #expect(model["type"] as? String == "BPE")
        let vocab = try #require(model["vocab"] as? [String: Int])
        #expect(vocab.count == tokenizer.vocabSize)
        #expect(vocab["Ġ"] == 32 && vocab["<|eos|>"] == 257)
        let merges = try #require(model["merges"] as? [[String]])
        #expect(merges.count == tokenizer.merges.count)
        let added = try #require(json["added_tokens"] as? [[String: Any]])
        #expect(added.first?["content"] as? String == "<|bos|>")
        #expect(added.first?["special"] as? Bool == true)
    }

    @Test func legacyMergeStringsAreAccepted() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        var json = try #require(try JSONSerialization.jsonObject(with: tokenizer.tokenizerJSON()) as? [String: Any])
        var model = try #require(json["model"] as? [String: Any])
        let merges = try #require(model["merges"] as? [[String]])
        model["merges"] = merges.map { $0.joined(separator: " ") }
        json["model"] = model
        let read = try BPETokenizer(tokenizerJSON: JSONSerialization.data(withJSONObject: json))
        #expect(read.encode("Bring back the moon lantern") == tokenizer.encode("Bring back the moon lantern"))
    }

    @Test func specialTokensOnlyInAddedTokensKeepTheirIDs() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let read = try BPETokenizer(tokenizerJSON: edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            for special in BPETokenizer.defaultSpecialTokens { vocab[special] = nil }
            model["vocab"] = vocab
            json["model"] = model
        })
        #expect(read.id(of: "<|desc|>") == 261)
        #expect(read.allTokenBytes == tokenizer.allTokenBytes)
    }

    // MARK: Errors name what is wrong

    @Test func notJSONIsRejected() {
        #expect(throws: TokenizerError.self) { try BPETokenizer(tokenizerJSON: Data("{\"version\": ".utf8)) }
        #expect(throws: TokenizerError.wrongType(field: "the top level", expected: "an object")) {
            try BPETokenizer(tokenizerJSON: Data("[1, 2]".utf8))
        }
    }

    @Test func aMissingVocabularyIsNamed() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            model["vocab"] = nil
            json["model"] = model
        }
        #expect(throws: TokenizerError.missingField("model.vocab")) { try BPETokenizer(tokenizerJSON: data) }
    }

    @Test func aMissingByteTokenIsNamed() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            vocab = vocab.filter { ($0.value as? Int ?? 0) < 256 }
            vocab["Ā"] = nil        // byte 0
            vocab["xy"] = 0         // keep the ids dense
            model["vocab"] = vocab
            model["merges"] = [Any]()
            json["model"] = model
            json["added_tokens"] = [Any]()
        }
        #expect(throws: TokenizerError.missingByteToken(0, expected: "Ā")) { try BPETokenizer(tokenizerJSON: data) }
    }

    @Test func aMergeOfAnUnknownTokenIsNamed() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var merges = model["merges"] as? [Any] ?? []
            merges.insert(["Ġ", "zzz"], at: 3)
            model["merges"] = merges
            json["model"] = model
        }
        #expect(throws: TokenizerError.invalidMerge(index: 3, merge: "Ġ zzz", reason: "zzz is not in model.vocab")) {
            try BPETokenizer(tokenizerJSON: data)
        }
    }

    @Test func aMergeWhoseResultIsMissingIsNamed() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var merges = model["merges"] as? [Any] ?? []
            merges.append(["q", "q"])
            model["merges"] = merges
            json["model"] = model
        }
        #expect {
            try BPETokenizer(tokenizerJSON: data)
        } throws: { error in
            guard case TokenizerError.invalidMerge(_, let merge, let reason)? = error as? TokenizerError else { return false }
            return merge == "q q" && reason.contains("qq")
        }
    }

    @Test func twoTokensWithOneIDAreNamed() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            vocab["a"] = 98      // "b" has 98
            model["vocab"] = vocab
            json["model"] = model
        }
        #expect(throws: TokenizerError.duplicateID(98, tokens: ["a", "b"])) { try BPETokenizer(tokenizerJSON: data) }
    }

    @Test func aGapInTheIDsIsNamed() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            vocab["<|pad|>"] = 5000
            model["vocab"] = vocab
            json["model"] = model
            json["added_tokens"] = [Any]()
        }
        #expect(throws: TokenizerError.missingID(258)) { try BPETokenizer(tokenizerJSON: data) }
    }

    @Test("An id near Int32.max is a gap named at once, not an array of two billion entries (found by the fuzzer)")
    func aHugeIDIsAGapNotAnAllocation() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            vocab["<|pad|>"] = 2_147_483_000
            model["vocab"] = vocab
            json["model"] = model
            json["added_tokens"] = [Any]()
        }
        #expect(throws: TokenizerError.missingID(258)) { try BPETokenizer(tokenizerJSON: data) }
    }

    @Test func aTokenOutsideTheByteLevelAlphabetIsNamed() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let data = try edited(tokenizer) { json in
            var model = json["model"] as? [String: Any] ?? [:]
            var vocab = model["vocab"] as? [String: Any] ?? [:]
            vocab["a b"] = tokenizer.vocabSize
            model["vocab"] = vocab
            json["model"] = model
        }
        #expect(throws: TokenizerError.invalidToken(field: "model.vocab", token: "a b",
                                                    reason: "U+20 is not in the byte-level alphabet, so no bytes stand behind it")) {
            try BPETokenizer(tokenizerJSON: data)
        }
    }

    @Test func settingsThatChangeIDsAreRefusedByName() throws {
        let tokenizer = try TestCorpus.trainedTokenizer()
        let edits: [(String, @Sendable (inout [String: Any]) -> Void)] = [
            ("normalizer", { $0["normalizer"] = ["type": "NFC"] }),
            ("pre_tokenizer.add_prefix_space", { $0["pre_tokenizer"] = ["type": "ByteLevel", "add_prefix_space": true] }),
            ("pre_tokenizer.type", { $0["pre_tokenizer"] = ["type": "Whitespace"] }),
            ("post_processor.type", { $0["post_processor"] = ["type": "TemplateProcessing"] }),
            ("truncation", { $0["truncation"] = ["max_length": 8] }),
            ("model.dropout", { json in
                var model = json["model"] as? [String: Any] ?? [:]
                model["dropout"] = 0.1
                json["model"] = model
            }),
            ("model.type", { json in
                var model = json["model"] as? [String: Any] ?? [:]
                model["type"] = "WordPiece"
                json["model"] = model
            }),
        ]
        for (field, edit) in edits {
            let data = try edited(tokenizer, edit)
            #expect(performing: { try BPETokenizer(tokenizerJSON: data) }, throws: { error in
                guard case TokenizerError.unsupported(let named, _, _)? = error as? TokenizerError else { return false }
                return named == field
            })
        }
    }

    @Test func errorsHaveStableCodesAndSayWhatToFix() {
        let error = TokenizerError.missingByteToken(10, expected: "Ċ")
        #expect(error.code == "tokenizer_missing_byte_token")
        #expect(error.description.contains("byte 10"))
    }

    /// The tokenizer's JSON with `edit` applied to the parsed top-level object.
    private func edited(_ tokenizer: BPETokenizer, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var json = try #require(try JSONSerialization.jsonObject(with: tokenizer.tokenizerJSON()) as? [String: Any])
        edit(&json)
        return try JSONSerialization.data(withJSONObject: json)
    }
}
