import Foundation

/// Reading and writing the Hugging Face `tokenizers` file format (`tokenizer.json`), so that
/// `Tokenizer.from_file` and `AutoTokenizer` load our tokenizer and give the same ids.
///
/// We write what `tokenizers` 0.20 and later write for a byte-level BPE: merges as pairs
/// (`[["Ġ", "t"], …]`), vocabulary in id order, special tokens both in `added_tokens` and in
/// `model.vocab` (without the latter, `tokenizers` renumbers them). The reader also accepts the
/// older `"Ġ t"` merge strings, and refuses, naming the field, any setting that would make
/// `tokenizers` produce other ids than ours: a normalizer, a prefix space, a post-processor
/// that adds tokens, dropout, subword prefixes or suffixes, truncation or padding.
extension BPETokenizer {
    /// Reads a `tokenizer.json`.
    ///
    /// - Throws: ``TokenizerError/io(path:reason:)`` if the file cannot be read, otherwise as
    ///   ``init(tokenizerJSON:)``.
    public init(contentsOf url: URL) throws(TokenizerError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
        try self.init(tokenizerJSON: data)
    }

    /// Parses the contents of a `tokenizer.json`.
    ///
    /// - Throws: ``TokenizerError`` naming the field, token or merge that is wrong or unsupported.
    public init(tokenizerJSON data: Data) throws(TokenizerError) {
        let root: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw TokenizerError.wrongType(field: "the top level", expected: "an object")
            }
            root = object
        } catch let error as TokenizerError {
            throw error
        } catch {
            throw .invalidJSON(reason: error.localizedDescription)
        }
        let file = try TokenizerFile(root: root)
        try self.init(tokenBytes: file.tokenBytes, addedTokens: file.addedTokens, merges: file.merges, ignoreMerges: file.ignoreMerges)
    }

    /// Writes ``tokenizerJSON()`` to `url`, replacing any file there.
    ///
    /// - Throws: ``TokenizerError/io(path:reason:)``.
    public func write(to url: URL) throws(TokenizerError) {
        do {
            try tokenizerJSON().write(to: url, options: .atomic)
        } catch {
            throw .io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// This tokenizer as a `tokenizer.json` document (UTF-8, one vocabulary entry or merge per line).
    public func tokenizerJSON() -> Data {
        var out = "{\n"
        out += "  \"version\": \"1.0\",\n"
        out += "  \"truncation\": null,\n"
        out += "  \"padding\": null,\n"
        out += "  \"added_tokens\": ["
        for (index, token) in addedTokens.enumerated() {
            out += index == 0 ? "\n" : ",\n"
            out += "    {\"id\": \(token.id), \"content\": "
            appendJSONString(token.content, to: &out)
            out += ", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": \(token.isSpecial)}"
        }
        out += addedTokens.isEmpty ? "],\n" : "\n  ],\n"
        out += "  \"normalizer\": null,\n"
        out += "  \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true},\n"
        out += "  \"post_processor\": null,\n"
        out += "  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true},\n"
        out += "  \"model\": {\n"
        out += "    \"type\": \"BPE\",\n"
        out += "    \"dropout\": null,\n"
        out += "    \"unk_token\": null,\n"
        out += "    \"continuing_subword_prefix\": null,\n"
        out += "    \"end_of_word_suffix\": null,\n"
        out += "    \"fuse_unk\": false,\n"
        out += "    \"byte_fallback\": false,\n"
        out += "    \"ignore_merges\": \(ignoreMerges),\n"
        out += "    \"vocab\": {"
        for id in 0..<vocabSize {
            out += id == 0 ? "\n      " : ",\n      "
            appendJSONString(tokenString(Int32(id)), to: &out)
            out += ": \(id)"
        }
        out += "\n    },\n"
        out += "    \"merges\": ["
        for (rank, merge) in merges.enumerated() {
            out += rank == 0 ? "\n      [" : ",\n      ["
            appendJSONString(tokenString(merge.left), to: &out)
            out += ", "
            appendJSONString(tokenString(merge.right), to: &out)
            out += "]"
        }
        out += merges.isEmpty ? "]\n" : "\n    ]\n"
        out += "  }\n}\n"
        return Data(out.utf8)
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped, the rest as UTF-8.
private func appendJSONString(_ string: String, to out: inout String) {
    out += "\""
    for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out += "\""
}

/// The parts of a parsed `tokenizer.json` that make up a ``BPETokenizer``, after every check.
private struct TokenizerFile {
    var tokenBytes: [[UInt8]] = []
    var addedTokens: [BPETokenizer.AddedToken] = []
    var merges: [(left: Int32, right: Int32)] = []
    var ignoreMerges = false

    init(root: [String: Any]) throws(TokenizerError) {
        guard let version = root["version"] else { throw .missingField("version") }
        guard let versionString = version as? String else { throw .wrongType(field: "version", expected: "a string") }
        guard versionString == "1.0" else {
            throw .unsupported(field: "version", value: versionString, reason: "only format 1.0 is known")
        }
        for field in ["truncation", "padding"] where !isNull(root[field]) {
            throw .unsupported(field: field, value: "set", reason: "it changes the ids; set it in the code that batches, and write null here")
        }
        if !isNull(root["normalizer"]) {
            throw .unsupported(field: "normalizer", value: typeName(root["normalizer"]), reason: "byte-level BPE encodes the raw text; it must be null")
        }
        try Self.checkPreTokenizer(root["pre_tokenizer"])
        try Self.checkByteLevelOrNull(root["post_processor"], field: "post_processor",
                                      reason: "only ByteLevel (or null) adds no tokens, as our encode does")
        try Self.checkByteLevelOrNull(root["decoder"], field: "decoder", reason: "a byte-level model needs the ByteLevel decoder")

        guard let modelValue = root["model"] else { throw .missingField("model") }
        guard let model = modelValue as? [String: Any] else { throw .wrongType(field: "model", expected: "an object") }
        try checkModelSettings(model)
        let added = try Self.readAddedTokens(root["added_tokens"])
        let vocab = try readVocab(model, added: added)
        try readMerges(model, vocab: vocab)
    }

    private static func checkPreTokenizer(_ value: Any?) throws(TokenizerError) {
        guard let value, !isNull(value) else {
            throw .unsupported(field: "pre_tokenizer", value: "null", reason: "a byte-level model needs the ByteLevel pre-tokenizer")
        }
        guard let object = value as? [String: Any] else { throw .wrongType(field: "pre_tokenizer", expected: "an object") }
        let type = object["type"] as? String ?? "?"
        guard type == "ByteLevel" else {
            throw .unsupported(field: "pre_tokenizer.type", value: type, reason: "only ByteLevel is implemented")
        }
        // `tokenizers` defaults both flags to true when absent.
        if (object["add_prefix_space"] as? Bool) ?? true {
            throw .unsupported(field: "pre_tokenizer.add_prefix_space", value: "true",
                               reason: "it puts a space before the first word; this tokenizer never does")
        }
        if !((object["use_regex"] as? Bool) ?? true) {
            throw .unsupported(field: "pre_tokenizer.use_regex", value: "false",
                               reason: "pieces are split by the GPT-2 pattern; it must be true")
        }
    }

    private static func checkByteLevelOrNull(_ value: Any?, field: String, reason: String) throws(TokenizerError) {
        guard let value, !isNull(value) else { return }
        guard let object = value as? [String: Any] else { throw .wrongType(field: field, expected: "an object or null") }
        let type = object["type"] as? String ?? "?"
        guard type == "ByteLevel" else { throw .unsupported(field: "\(field).type", value: type, reason: reason) }
    }

    private mutating func checkModelSettings(_ model: [String: Any]) throws(TokenizerError) {
        if let type = model["type"] {
            guard let typeString = type as? String else { throw .wrongType(field: "model.type", expected: "a string") }
            guard typeString == "BPE" else {
                throw .unsupported(field: "model.type", value: typeString, reason: "only BPE models are implemented")
            }
        }
        if !isNull(model["dropout"]) {
            throw .unsupported(field: "model.dropout", value: "\(model["dropout"] ?? "?")", reason: "dropout makes encoding random; it must be null")
        }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] {
            guard let value = model[field], !isNull(value) else { continue }
            guard let string = value as? String else { throw .wrongType(field: "model.\(field)", expected: "a string or null") }
            if !string.isEmpty {
                throw .unsupported(field: "model.\(field)", value: string, reason: "byte-level BPE marks no subwords; it must be null")
            }
        }
        // `unk_token`, `fuse_unk` and `byte_fallback` only act on a character missing from the
        // vocabulary, and a byte-level vocabulary has all 256, which is checked below.
        if let value = model["ignore_merges"], !isNull(value) {
            guard let flag = value as? Bool else { throw .wrongType(field: "model.ignore_merges", expected: "true or false") }
            ignoreMerges = flag
        }
    }

    private static func readAddedTokens(_ value: Any?) throws(TokenizerError) -> [BPETokenizer.AddedToken] {
        guard let value, !isNull(value) else { return [] }
        guard let list = value as? [Any] else { throw .wrongType(field: "added_tokens", expected: "an array") }
        var tokens: [BPETokenizer.AddedToken] = []
        for (index, item) in list.enumerated() {
            let field = "added_tokens[\(index)]"
            guard let object = item as? [String: Any] else { throw .wrongType(field: field, expected: "an object") }
            guard let idValue = object["id"] else { throw .missingField("\(field).id") }
            guard let id = int32(idValue), id >= 0 else { throw .wrongType(field: "\(field).id", expected: "a non-negative integer") }
            guard let contentValue = object["content"] else { throw .missingField("\(field).content") }
            guard let content = contentValue as? String else { throw .wrongType(field: "\(field).content", expected: "a string") }
            for flag in ["single_word", "lstrip", "rstrip"] where (object[flag] as? Bool) == true {
                throw .unsupported(field: "\(field).\(flag)", value: "true", reason: "added tokens are matched exactly, without stripping or word boundaries")
            }
            tokens.append(.init(content: content, id: id, isSpecial: (object["special"] as? Bool) ?? false))
        }
        return tokens
    }

    /// Fills `tokenBytes` from `model.vocab` and the added tokens; returns the vocabulary by string.
    private mutating func readVocab(_ model: [String: Any], added: [BPETokenizer.AddedToken]) throws(TokenizerError) -> [String: Int32] {
        guard let vocabValue = model["vocab"] else { throw .missingField("model.vocab") }
        guard let entries = vocabValue as? [String: Any] else { throw .wrongType(field: "model.vocab", expected: "an object of token: id") }
        var addedByContent: [String: Int32] = [:]
        for token in added { addedByContent[token.content] = token.id }

        var vocab: [String: Int32] = [:]
        var bytesByID: [Int32: (token: String, bytes: [UInt8])] = [:]
        func place(_ token: String, _ bytes: [UInt8], at id: Int32) throws(TokenizerError) {
            if let other = bytesByID[id], other.token != token { throw .duplicateID(Int(id), tokens: [other.token, token].sorted()) }
            bytesByID[id] = (token, bytes)
        }
        for (token, value) in entries {
            guard let id = int32(value), id >= 0 else {
                throw .invalidToken(field: "model.vocab", token: token, reason: "its id must be a non-negative integer")
            }
            let bytes: [UInt8]
            if let addedID = addedByContent[token] {
                guard addedID == id else {
                    throw .invalidToken(field: "model.vocab", token: token, reason: "model.vocab gives it id \(id) but added_tokens gives \(addedID)")
                }
                bytes = Array(token.utf8)
            } else {
                guard let decoded = ByteLevelAlphabet.bytes(for: token) else {
                    let stranger = token.unicodeScalars.first { ByteLevelAlphabet.byte(for: $0) == nil }
                    let code = String(stranger?.value ?? 0, radix: 16, uppercase: true)
                    throw .invalidToken(field: "model.vocab", token: token,
                                        reason: "U+\(code) is not in the byte-level alphabet, so no bytes stand behind it")
                }
                guard !decoded.isEmpty else { throw .invalidToken(field: "model.vocab", token: token, reason: "a token cannot be empty") }
                bytes = decoded
            }
            try place(token, bytes, at: id)
            vocab[token] = id
        }
        for token in added where vocab[token.content] == nil {
            try place(token.content, Array(token.content.utf8), at: token.id)
        }
        let count = Int(bytesByID.keys.max() ?? -1) + 1
        // Ids are dense: a gap is named before anything is sized by the largest id (a file
        // giving one token the id 999999999 must not allocate that many).
        if count > bytesByID.count, let gap = (0...bytesByID.count).first(where: { bytesByID[Int32($0)] == nil }) {
            throw .missingID(gap)
        }
        tokenBytes.reserveCapacity(count)
        for id in 0..<count {
            guard let entry = bytesByID[Int32(id)] else { throw .missingID(id) }
            tokenBytes.append(entry.bytes)
        }
        addedTokens = added
        return vocab
    }

    private mutating func readMerges(_ model: [String: Any], vocab: [String: Int32]) throws(TokenizerError) {
        guard let mergesValue = model["merges"] else { throw .missingField("model.merges") }
        guard let list = mergesValue as? [Any] else { throw .wrongType(field: "model.merges", expected: "an array") }
        merges.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            let parts: [String]
            if let pair = item as? [Any] {
                // Current `tokenizers`: ["Ġ", "t"].
                parts = pair.compactMap { $0 as? String }
                guard parts.count == 2, pair.count == 2 else {
                    throw .invalidMerge(index: index, merge: "\(pair)", reason: "a merge must be two token strings")
                }
            } else if let line = item as? String {
                // Before `tokenizers` 0.20: "Ġ t". Byte-level tokens never contain a raw space.
                parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2 else {
                    throw .invalidMerge(index: index, merge: line, reason: "a merge string must be two tokens separated by one space")
                }
            } else {
                throw .wrongType(field: "model.merges[\(index)]", expected: "a pair of strings or a \"left right\" string")
            }
            var ids: [Int32] = []
            for part in parts {
                guard let id = vocab[part] else {
                    throw .invalidMerge(index: index, merge: parts.joined(separator: " "), reason: "\(part) is not in model.vocab")
                }
                ids.append(id)
            }
            merges.append((ids[0], ids[1]))
        }
    }
}

private func isNull(_ value: Any?) -> Bool {
    guard let value else { return true }
    return value is NSNull
}

private func typeName(_ value: Any?) -> String {
    if let object = value as? [String: Any], let type = object["type"] as? String { return type }
    return "set"
}

/// An integral JSON number that fits an id; nil for fractions, booleans, strings and overflow.
private func int32(_ value: Any) -> Int32? {
    if let number = value as? NSNumber {
        // JSONSerialization gives `true` and `false` as NSNumbers too; their type code is "c".
        if String(cString: number.objCType) == "c" { return nil }
        let double = number.doubleValue
        guard double == double.rounded(), abs(double) <= Double(Int32.max) else { return nil }
        return Int32(double)
    }
    return nil
}
