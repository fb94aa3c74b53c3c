/// A byte-level BPE tokenizer, the kind GPT-2 uses: any UTF-8 text encodes, and decoding the
/// ids gives back exactly the same text.
///
/// Encoding runs in three steps, the same as the Hugging Face `tokenizers` pipeline this type
/// reads and writes (``init(tokenizerJSON:)``, ``tokenizerJSON()``), so both give the same ids:
/// 1. added (special) tokens are cut out of the raw text, leftmost-longest, and never split;
/// 2. each stretch between them is split by ``ByteLevelPreTokenizer``;
/// 3. each piece's UTF-8 bytes are merged by rank: lowest-ranked adjacent pair first, the
///    leftmost of equal ones, until none has a merge.
///
/// A trained tokenizer (``BPETrainer``) numbers its tokens as follows:
/// - ids 0…255 are the single bytes, id *b* standing for byte *b*;
/// - the special tokens follow, in the order given (by default ``defaultSpecialTokens``:
///   `<|bos|>` 256, `<|eos|>` 257, `<|pad|>` 258, `<|spec|>` 259, `<|title|>` 260, `<|desc|>` 261);
/// - then one token per merge, in the order learnt (the merge of rank *r* makes id 256 + specials + *r*).
/// A tokenizer read from a file keeps that file's ids, whatever their order.
///
/// ```swift
/// let tokenizer = try BPETokenizer.train(texts: corpus, vocabSize: 2048)
/// let ids = tokenizer.encode("<|bos|>The cat sat.")
/// tokenizer.decode(ids)   // "<|bos|>The cat sat."
/// try tokenizer.write(to: url)
/// ```
///
/// The type is an immutable value and `Sendable`; copies share one piece cache (sharded, each
/// shard behind its own mutex), so any number of threads may encode at once.
public struct BPETokenizer: Sendable {
    /// A token matched in raw text before pre-tokenisation: special tokens and any other
    /// added tokens a file declares.
    public struct AddedToken: Equatable, Hashable, Sendable {
        /// The exact text of the token.
        public var content: String
        public var id: Int32
        /// Whether `tokenizers` treats it as special (skipped by `decode(skip_special_tokens=True)`).
        public var isSpecial: Bool

        public init(content: String, id: Int32, isSpecial: Bool = true) {
            self.content = content
            self.id = id
            self.isSpecial = isSpecial
        }
    }

    /// Start of a sequence.
    public static let bosToken = "<|bos|>"
    /// End of a sequence; the model stops generating after it.
    public static let eosToken = "<|eos|>"
    /// Filler for batches of unequal length; the model's loss should skip it.
    public static let padToken = "<|pad|>"
    /// Opens the structured quest spec of a corpus sample.
    public static let specToken = "<|spec|>"
    /// Opens a quest's title.
    public static let titleToken = "<|title|>"
    /// Opens a quest's description.
    public static let descriptionToken = "<|desc|>"

    /// The special tokens a trainer adds unless told otherwise, in id order from 256.
    public static let defaultSpecialTokens = [bosToken, eosToken, padToken, specToken, titleToken, descriptionToken]

    /// Added tokens in id order.
    public let addedTokens: [AddedToken]
    /// The merges in rank order, as pairs of ids.
    public let merges: [(left: Int32, right: Int32)]
    /// The bytes of every token, indexed by id: what a grammar over bytes checks tokens against.
    public let allTokenBytes: [[UInt8]]
    /// `tokenizers`' `ignore_merges`: a piece that is itself in the vocabulary becomes that one
    /// token without merging. Files we write have it off.
    public let ignoreMerges: Bool

    let isAdded: [Bool]
    let isSpecial: [Bool]
    let byteIDs: [Int32]
    let mergeTable: MergeTable
    let matcher: AddedTokenMatcher
    /// Every non-added token by its bytes; only used when `ignoreMerges` is on.
    let wholePieceIDs: [[UInt8]: Int32]
    let cache: PieceCache

    /// Builds a tokenizer from its parts and checks that they fit together.
    ///
    /// - Parameters:
    ///   - tokenBytes: the bytes of every token, indexed by id; an added token's entry is the
    ///     UTF-8 of its content.
    ///   - addedTokens: tokens matched before pre-tokenisation; their ids index `tokenBytes`.
    ///   - merges: pairs of ids in rank order; each must make the token whose bytes are the
    ///     two parts' bytes joined.
    ///   - ignoreMerges: see ``ignoreMerges``.
    /// - Throws: ``TokenizerError`` naming the token, byte or merge that is wrong.
    public init(
        tokenBytes: [[UInt8]], addedTokens: [AddedToken], merges: [(left: Int32, right: Int32)], ignoreMerges: Bool = false
    ) throws(TokenizerError) {
        let count = tokenBytes.count
        var isAdded = [Bool](repeating: false, count: count)
        var seenContent: Set<String> = []
        for token in addedTokens {
            guard !token.content.isEmpty else {
                throw .invalidToken(field: "added_tokens", token: token.content, reason: "an added token cannot be empty")
            }
            guard token.id >= 0, Int(token.id) < count else { throw .missingID(Int(token.id)) }
            guard seenContent.insert(token.content).inserted else {
                throw .invalidToken(field: "added_tokens", token: token.content, reason: "it appears twice")
            }
            guard !isAdded[Int(token.id)] else {
                throw .duplicateID(Int(token.id), tokens: addedTokens.filter { $0.id == token.id }.map(\.content))
            }
            guard tokenBytes[Int(token.id)] == Array(token.content.utf8) else {
                throw .invalidToken(field: "added_tokens", token: token.content, reason: "id \(token.id) names another token in the vocabulary")
            }
            isAdded[Int(token.id)] = true
        }

        var idForBytes: [[UInt8]: Int32] = [:]
        idForBytes.reserveCapacity(count)
        for (id, bytes) in tokenBytes.enumerated() where !isAdded[id] {
            let asString = ByteLevelAlphabet.string(for: bytes)
            guard !bytes.isEmpty else {
                throw .invalidToken(field: "model.vocab", token: asString, reason: "a token cannot be empty")
            }
            if let other = idForBytes.updateValue(Int32(id), forKey: bytes) {
                throw .invalidToken(field: "model.vocab", token: asString, reason: "ids \(other) and \(id) both stand for it")
            }
        }
        for token in addedTokens {
            // tokenizer.json keys both kinds of token by string; two equal keys would be one token.
            if let bytes = ByteLevelAlphabet.bytes(for: token.content), let other = idForBytes[bytes] {
                throw .invalidToken(field: "added_tokens", token: token.content,
                                    reason: "it is spelled like token \(other) in byte-level form, so tokenizer.json could not tell them apart")
            }
        }
        var byteIDs = [Int32](repeating: 0, count: 256)
        for byte in 0..<256 {
            guard let id = idForBytes[[UInt8(byte)]] else {
                throw .missingByteToken(UInt8(byte), expected: ByteLevelAlphabet.string(for: [UInt8(byte)]))
            }
            byteIDs[byte] = id
        }

        var table = MergeTable(capacity: merges.count)
        for (rank, merge) in merges.enumerated() {
            func name(_ id: Int32) -> String {
                id >= 0 && Int(id) < count ? ByteLevelAlphabet.string(for: tokenBytes[Int(id)]) : "#\(id)"
            }
            let label = "\(name(merge.left)) \(name(merge.right))"
            for part in [merge.left, merge.right] {
                guard part >= 0, Int(part) < count else {
                    throw .invalidMerge(index: rank, merge: label, reason: "id \(part) is not in the vocabulary")
                }
                guard !isAdded[Int(part)] else {
                    throw .invalidMerge(index: rank, merge: label, reason: "it uses the added token \(name(part)), which is never merged")
                }
            }
            let joined = tokenBytes[Int(merge.left)] + tokenBytes[Int(merge.right)]
            guard let result = idForBytes[joined] else {
                throw .invalidMerge(index: rank, merge: label, reason: "the merged token \(ByteLevelAlphabet.string(for: joined)) is not in the vocabulary")
            }
            guard table.insert(left: merge.left, right: merge.right, .init(rank: Int32(rank), result: result)) else {
                throw .invalidMerge(index: rank, merge: label, reason: "the same pair is merged earlier in the list")
            }
        }

        self.addedTokens = addedTokens.sorted { $0.id < $1.id }
        self.merges = merges
        self.allTokenBytes = tokenBytes
        self.ignoreMerges = ignoreMerges
        self.isAdded = isAdded
        var isSpecial = [Bool](repeating: false, count: count)
        for token in addedTokens where token.isSpecial { isSpecial[Int(token.id)] = true }
        self.isSpecial = isSpecial
        self.byteIDs = byteIDs
        self.mergeTable = table
        self.matcher = AddedTokenMatcher(tokens: addedTokens.map { ($0.content, $0.id) })
        self.wholePieceIDs = ignoreMerges ? idForBytes : [:]
        self.cache = PieceCache()
    }

    /// The number of tokens, added tokens included: the model's vocabulary size.
    public var vocabSize: Int { allTokenBytes.count }

    /// The id of an added (special) token, or nil if there is none with this text.
    public func id(of special: String) -> Int32? {
        addedTokens.first { $0.content == special }?.id
    }

    /// Whether `id` is an added token (a special token or a marker), not a piece of text.
    public func isAddedToken(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < isAdded.count && isAdded[Int(id)]
    }

    /// The exact bytes `id` stands for; an added token's are its content's UTF-8.
    /// An id outside `0..<vocabSize` stands for nothing: `[]`.
    public func tokenBytes(_ id: Int32) -> [UInt8] {
        guard id >= 0, Int(id) < allTokenBytes.count else { return [] }
        return allTokenBytes[Int(id)]
    }

    /// The token as `tokenizer.json` writes it: byte-level characters (`Ġthe` for " the"), or
    /// an added token's content. An id outside `0..<vocabSize` gives `""`.
    public func tokenString(_ id: Int32) -> String {
        guard id >= 0, Int(id) < allTokenBytes.count else { return "" }
        let bytes = allTokenBytes[Int(id)]
        return isAdded[Int(id)] ? String(decoding: bytes, as: UTF8.self) : ByteLevelAlphabet.string(for: bytes)
    }
}
