/// Why a tensor frame (or a tensor being built for one) was refused.
///
/// ``code`` is stable and safe to send to a runner; ``field`` names the header field or table
/// entry at fault (`header.version`, `tensors[3].dims`) and ``message`` says what was wrong in a
/// sentence, naming the tensor where there is one.
public struct WireFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable machine-readable reasons; never renamed once shipped.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The frame does not start with "PQTF".
        case badMagic = "wire.bad_magic"
        /// The layout version is not one this receiver reads.
        case unsupportedVersion = "wire.unsupported_version"
        /// The message type is not one of ``TensorFrame/MessageType``.
        case badMessageType = "wire.bad_message_type"
        /// A flag bit is set that this version does not define.
        case unsupportedFlags = "wire.unsupported_flags"
        /// A field or region runs past the end of the frame.
        case truncated = "wire.truncated"
        /// The SHA-256 at the end does not match the bytes before it.
        case checksumMismatch = "wire.checksum_mismatch"
        /// The frame, the tensor count or a name is larger than the limits allow.
        case tooLarge = "wire.too_large"
        /// The rank, the dims or the data do not agree with each other or with the region length.
        case badShape = "wire.bad_shape"
        /// A tensor name is empty or not UTF-8.
        case badName = "wire.bad_name"
        /// Two tensors in one frame share a name.
        case duplicateName = "wire.duplicate_name"
        /// The dtype byte is unknown or reserved.
        case badDType = "wire.bad_dtype"
        /// The block size is 0 for an int8 tensor, or not 0 for an f32 one.
        case badBlockSize = "wire.bad_block_size"
        /// A region's offset is not a multiple of 8.
        case misaligned = "wire.misaligned"
        /// Two tensors' regions share bytes.
        case overlappingPayload = "wire.overlapping_payload"
        /// A byte that belongs to no field and no region is not zero.
        case badPadding = "wire.bad_padding"
    }

    /// What kind of problem it is.
    public var code: Code
    /// The header field or table entry at fault, e.g. `header.tensorCount` or `tensors[2].length`.
    public var field: String
    /// What is wrong and what would be right, naming the tensor where there is one.
    public var message: String

    /// An error with its code, the field at fault and a sentence about it.
    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// Code, field and message together, for logs.
    public var description: String { "\(code.rawValue) at \(field): \(message)" }
}
