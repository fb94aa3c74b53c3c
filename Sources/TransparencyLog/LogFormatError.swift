/// Why a hash, signature or tree head from outside (a database row, a JSON body) was refused.
///
/// Every case names the field at fault, has a stable ``code`` for clients and a ``message``
/// a person can act on.
public enum LogFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The field holds something other than hex digits, or an odd number of them.
    case invalidHex(field: String)
    /// The field decodes to the wrong number of bytes.
    case wrongLength(field: String, expected: Int, got: Int)

    /// A stable machine-readable code, e.g. `invalid_hex`.
    public var code: String {
        switch self {
        case .invalidHex: "invalid_hex"
        case .wrongLength: "wrong_length"
        }
    }

    /// A sentence naming the field at fault and what it should hold.
    public var message: String {
        switch self {
        case let .invalidHex(field):
            "Field \"\(field)\" is not valid hex; send an even number of the digits 0-9 and a-f."
        case let .wrongLength(field, expected, got):
            "Field \"\(field)\" must be \(expected) bytes (\(expected * 2) hex digits) but is \(got) bytes."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
