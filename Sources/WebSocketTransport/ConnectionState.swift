/// Inbound state of one server connection: message reassembly, the frame rules of the
/// endpoint (text, and binary only when allowed; bounded size) and rate limiting, returning what the I/O shell must do.
///
/// Pure: the lws callback feeds it chunks and a clock reading; tests drive it directly.
struct ConnectionState: Sendable {
    enum Action: Equatable, Sendable {
        /// Wait for more fragments.
        case none
        /// Hand a complete message to the delegate.
        case deliver(text: String, rateLimited: Bool)
        /// Hand a complete binary message to the delegate (only when binary frames are allowed).
        case deliverBinary(bytes: [UInt8], rateLimited: Bool)
        /// Close with this WebSocket status code and reason.
        case close(code: UInt16, reason: String)
    }

    private var assembler: MessageAssembler
    private var limiter: RateLimiter
    /// Set once a close is decided. lws goes on delivering frames it had already read until
    /// the close frame is out: none of them may reach the delegate, nor decide a second close
    /// (lws answers that by dropping the socket unsent, and the peer sees 1006).
    private var closing = false
    private let binaryAllowed: Bool

    init(limits: TransportLimits, now: Double) {
        assembler = MessageAssembler(maxBytes: limits.maxMessageBytes, maxBinaryBytes: limits.maxBinaryMessageBytes)
        binaryAllowed = limits.maxBinaryMessageBytes > 0
        limiter = RateLimiter(limits: limits, now: now)
    }

    /// What to do with one received chunk; after a `.close`, always `.none`.
    mutating func receive(_ chunk: UnsafeRawBufferPointer, isBinary: Bool, isFinal: Bool, now: Double) -> Action {
        guard !closing else { return .none }
        let action = decide(chunk, isBinary: isBinary, isFinal: isFinal, now: now)
        if case .close = action { closing = true }
        return action
    }

    private mutating func decide(_ chunk: UnsafeRawBufferPointer, isBinary: Bool, isFinal: Bool, now: Double) -> Action {
        if isBinary && !binaryAllowed { return .close(code: 1003, reason: "binary frames not supported") }
        switch assembler.append(chunk, isBinary: isBinary, isFinal: isFinal) {
        case .incomplete:
            return .none
        case .tooLarge:
            return .close(code: 1009, reason: "message too big")
        case .invalidUTF8:
            return .close(code: 1007, reason: "invalid UTF-8")
        case .binary(let bytes):
            switch limiter.admit(now: now) {
            case .allow: return .deliverBinary(bytes: bytes, rateLimited: false)
            case .limited: return .deliverBinary(bytes: bytes, rateLimited: true)
            case .abuse: return .close(code: 1008, reason: "rate limit abuse")
            }
        case .text(let text):
            switch limiter.admit(now: now) {
            case .allow: return .deliver(text: text, rateLimited: false)
            case .limited: return .deliver(text: text, rateLimited: true)
            case .abuse: return .close(code: 1008, reason: "rate limit abuse")
            }
        }
    }
}
