/// Why a tokenizer could not be trained, read or written.
///
/// Every case has a stable ``code`` and a ``description`` that names the field or token that
/// was wrong, so a person can fix the file or the call.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The training vocabulary cannot hold the 256 byte tokens and the special tokens.
    case vocabSizeTooSmall(requested: Int, minimum: Int)
    /// A special token is unusable (empty, repeated, or the same as a byte token); the string says why.
    case invalidSpecialToken(String, reason: String)
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// The bytes are not JSON.
    case invalidJSON(reason: String)
    /// A required field is absent; `field` is its JSON path, e.g. `model.vocab`.
    case missingField(String)
    /// A field has the wrong JSON type.
    case wrongType(field: String, expected: String)
    /// A field holds a setting this tokenizer does not implement (and which would change ids).
    case unsupported(field: String, value: String, reason: String)
    /// A vocabulary token or added token is malformed.
    case invalidToken(field: String, token: String, reason: String)
    /// Two tokens claim one id.
    case duplicateID(Int, tokens: [String])
    /// The ids do not run from 0 to the vocabulary size without a gap.
    case missingID(Int)
    /// The vocabulary lacks the token for a byte, so some text could not be encoded.
    case missingByteToken(UInt8, expected: String)
    /// A merge is malformed, names a token that is not in the vocabulary, or makes one that is not.
    case invalidMerge(index: Int, merge: String, reason: String)

    /// A stable machine-readable code, e.g. `tokenizer_missing_field`.
    public var code: String {
        switch self {
        case .vocabSizeTooSmall: "tokenizer_vocab_size_too_small"
        case .invalidSpecialToken: "tokenizer_invalid_special_token"
        case .io: "tokenizer_io"
        case .invalidJSON: "tokenizer_invalid_json"
        case .missingField: "tokenizer_missing_field"
        case .wrongType: "tokenizer_wrong_type"
        case .unsupported: "tokenizer_unsupported"
        case .invalidToken: "tokenizer_invalid_token"
        case .duplicateID: "tokenizer_duplicate_id"
        case .missingID: "tokenizer_missing_id"
        case .missingByteToken: "tokenizer_missing_byte_token"
        case .invalidMerge: "tokenizer_invalid_merge"
        }
    }

    public var description: String {
        switch self {
        case .vocabSizeTooSmall(let requested, let minimum):
            return "vocabulary size \(requested) is too small: the 256 byte tokens and the special tokens need \(minimum); ask for at least that"
        case .invalidSpecialToken(let token, let reason):
            return "special token \(quoted(token)) is unusable: \(reason)"
        case .io(let path, let reason):
            return "cannot access tokenizer file \(path): \(reason)"
        case .invalidJSON(let reason):
            return "tokenizer.json is not valid JSON: \(reason)"
        case .missingField(let field):
            return "tokenizer.json has no \(field); a tokenizers BPE file needs it"
        case .wrongType(let field, let expected):
            return "tokenizer.json field \(field) must be \(expected)"
        case .unsupported(let field, let value, let reason):
            return "tokenizer.json field \(field) is \(value), which this tokenizer does not support: \(reason)"
        case .invalidToken(let field, let token, let reason):
            return "tokenizer.json \(field) has token \(quoted(token)): \(reason)"
        case .duplicateID(let id, let tokens):
            return "tokenizer.json gives id \(id) to more than one token: \(tokens.map(quoted).joined(separator: ", "))"
        case .missingID(let id):
            return "tokenizer.json has no token with id \(id); ids must run from 0 to the vocabulary size - 1"
        case .missingByteToken(let byte, let expected):
            return "tokenizer.json model.vocab has no token for byte \(byte) (\(quoted(expected))), so some text could not be encoded"
        case .invalidMerge(let index, let merge, let reason):
            return "tokenizer.json model.merges[\(index)] (\(quoted(merge))): \(reason)"
        }
    }
}

/// A token as a Swift string literal, so that spaces, controls and empty strings stay visible.
private func quoted(_ token: String) -> String {
    var out = "\""
    for scalar in token.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
