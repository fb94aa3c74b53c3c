/// Why a delta could not be compressed, or a compressed payload could not be decoded.
///
/// Every case has a stable ``code`` for clients and a ``message`` a person can act on; payload
/// errors name the field at fault, since payloads arrive from runners over the network.
public enum CompressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The delta holds NaN or ±inf at `index`; quantising it would spread garbage over a block.
    case nonFinite(index: Int)
    /// The block size must be at least 1.
    case invalidBlockSize(Int)
    /// The kept fraction of a top-k sparsifier must lie in (0, 1].
    case invalidFraction(Double)
    /// A delta's length differs from the length the codec or residual buffer was made for.
    case wrongLength(expected: Int, got: Int)
    /// A payload field is inconsistent with the rest of the payload.
    case malformedPayload(field: String, detail: String)

    /// A stable machine-readable code, e.g. `compression.non_finite`.
    public var code: String {
        switch self {
        case .nonFinite: "compression.non_finite"
        case .invalidBlockSize: "compression.invalid_block_size"
        case .invalidFraction: "compression.invalid_fraction"
        case .wrongLength: "compression.wrong_length"
        case .malformedPayload: "compression.malformed_payload"
        }
    }

    /// A sentence saying what was wrong and what to send instead.
    public var message: String {
        switch self {
        case let .nonFinite(index):
            "The delta holds NaN or infinity at element \(index); only finite values can be compressed."
        case let .invalidBlockSize(size):
            "Block size \(size) is not allowed; use a block size of at least 1 (the default is 256)."
        case let .invalidFraction(fraction):
            "Top-k fraction \(fraction) is not allowed; keep a fraction greater than 0 and at most 1."
        case let .wrongLength(expected, got):
            "The delta has \(got) elements but \(expected) were expected."
        case let .malformedPayload(field, detail):
            "Field \"\(field)\" of the compressed delta is malformed: \(detail)."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
