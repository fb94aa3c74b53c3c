/// Why an inference session refused a request.
///
/// Every case has a stable ``code`` and a ``message`` naming the argument at fault. A refused
/// call changes nothing: no stream advances and no cache entry is written.
public enum InferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model shape cannot be run; the string says why.
    case invalidConfig(String)
    /// An option is out of range (e.g. `maxStreams` 0); the string names it.
    case invalidOption(String)
    /// A stream index outside `0..<maxStreams`.
    case streamOutOfRange(stream: Int, maxStreams: Int)
    /// The same stream appears twice in one ``InferenceSession/step(tokens:streams:)``.
    case duplicateStream(Int)
    /// A token id outside `0..<vocab`.
    case tokenOutOfRange(token: Int32, vocab: Int)
    /// The stream's cache is full; ``InferenceSession/reset(stream:)`` it to start again.
    case sequenceFull(stream: Int, maxSeq: Int)
    /// `tokens` and `streams` differ in length, or there are more than `maxStreams` of them.
    case batchMismatch(tokens: Int, streams: Int, maxStreams: Int)
    /// A prompt with no tokens.
    case emptyPrompt

    /// A stable machine-readable code, e.g. `sequence_full`.
    public var code: String {
        switch self {
        case .invalidConfig: "invalid_config"
        case .invalidOption: "invalid_option"
        case .streamOutOfRange: "stream_out_of_range"
        case .duplicateStream: "duplicate_stream"
        case .tokenOutOfRange: "token_out_of_range"
        case .sequenceFull: "sequence_full"
        case .batchMismatch: "batch_mismatch"
        case .emptyPrompt: "empty_prompt"
        }
    }

    /// A sentence naming the argument at fault.
    public var message: String {
        switch self {
        case let .invalidConfig(reason):
            "The model config cannot be run: \(reason)."
        case let .invalidOption(reason):
            "Invalid inference option: \(reason)."
        case let .streamOutOfRange(stream, maxStreams):
            "Stream \(stream) does not exist; streams are 0..<\(maxStreams)."
        case let .duplicateStream(stream):
            "Stream \(stream) appears twice in one step; each stream advances at most once per step."
        case let .tokenOutOfRange(token, vocab):
            "Token \(token) is outside the vocabulary 0..<\(vocab)."
        case let .sequenceFull(stream, maxSeq):
            "Stream \(stream) already holds \(maxSeq) positions; reset it before generating more."
        case let .batchMismatch(tokens, streams, maxStreams):
            "A step needs one token per stream and at most \(maxStreams) streams; got \(tokens) tokens for \(streams) streams."
        case .emptyPrompt:
            "The prompt has no tokens; prefill needs at least one."
        }
    }

    /// The ``message``.
    public var description: String { message }
}
