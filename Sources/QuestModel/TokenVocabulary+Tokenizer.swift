import Tokenizer

extension TokenVocabulary {
    /// The vocabulary of a trained tokenizer. Added tokens (`<|bos|>`, `<|eos|>`, …) get no
    /// bytes, so the grammar never lets one appear inside a quest, where it would decode
    /// as literal text.
    public init(tokenizer: BPETokenizer, words: [ProseWords] = []) {
        self.init(count: tokenizer.vocabSize, words: words) { id in
            tokenizer.isAddedToken(Int32(id)) ? [] : tokenizer.tokenBytes(Int32(id))
        }
    }

    /// Bytes the prose may use that no single-byte token covers. A byte-level BPE has all
    /// 256; a gap could leave the sampler with no allowed token.
    public var missingGrammarBytes: [UInt8] {
        let singles = Set(tokenBytes.filter { $0.count == 1 }.map { $0[0] })
        return ([QuestGrammar.newline] + Array(0x20...0x7E)).filter { !singles.contains($0) }
    }
}
