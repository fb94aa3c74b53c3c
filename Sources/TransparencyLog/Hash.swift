import PurrCrypto

/// A 32-byte SHA-256 value: a leaf hash, an interior node or a tree root.
///
/// Held as four big-endian words rather than an array, so a log of a million leaves keeps its
/// two million node hashes inline instead of making a heap allocation for each.
///
/// ```swift
/// let root = try Hash(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
/// print(root)  // the same lower-case hex
/// ```
public struct Hash: Sendable, Hashable, CustomStringConvertible {
    /// Every hash in the log is this many bytes long.
    public static let byteCount = 32

    // Bytes 0-7, 8-15, 16-23 and 24-31, most significant byte first.
    private let w0: UInt64
    private let w1: UInt64
    private let w2: UInt64
    private let w3: UInt64

    /// A hash from exactly 32 bytes, as stored or received from the wire.
    ///
    /// - Parameters:
    ///   - bytes: the 32 bytes of the hash.
    ///   - field: the name reported in the error, so a client learns which field was wrong.
    /// - Throws: ``LogFormatError/wrongLength(field:expected:got:)`` unless there are 32 bytes.
    public init(bytes: some Collection<UInt8>, field: String = "hash") throws(LogFormatError) {
        let array = Array(bytes)
        guard array.count == Self.byteCount else {
            throw .wrongLength(field: field, expected: Self.byteCount, got: array.count)
        }
        self.init(digest: array)
    }

    /// A hash from 64 hex digits (either case), the form hashes take in JSON.
    ///
    /// - Parameters:
    ///   - hex: 64 hex digits.
    ///   - field: the name reported in the error, so a client learns which field was wrong.
    /// - Throws: ``LogFormatError/invalidHex(field:)`` or ``LogFormatError/wrongLength(field:expected:got:)``.
    public init(hex: String, field: String = "hash") throws(LogFormatError) {
        guard let bytes = Hex.decode(hex) else { throw .invalidHex(field: field) }
        try self.init(bytes: bytes, field: field)
    }

    /// Wraps a SHA-256 output, which is 32 bytes by construction and never comes from input.
    init(digest: [UInt8]) {
        precondition(digest.count == Self.byteCount, "a SHA-256 digest is 32 bytes")
        w0 = Self.word(digest, at: 0)
        w1 = Self.word(digest, at: 8)
        w2 = Self.word(digest, at: 16)
        w3 = Self.word(digest, at: 24)
    }

    /// The 32 bytes, for storing or hashing.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Self.byteCount)
        append(to: &out)
        return out
    }

    /// Lower-case hex, 64 digits: the form used in JSON and logs.
    public var hex: String { Hex.encode(bytes) }

    /// The hash as lower-case hex.
    public var description: String { hex }

    /// Appends the 32 bytes to `out` without building an intermediate array.
    func append(to out: inout [UInt8]) {
        Self.appendWord(w0, to: &out)
        Self.appendWord(w1, to: &out)
        Self.appendWord(w2, to: &out)
        Self.appendWord(w3, to: &out)
    }

    private static func word(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in offset..<(offset + 8) {
            value = value << 8 | UInt64(bytes[i])
        }
        return value
    }

    private static func appendWord(_ word: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
        }
    }
}

extension Hash: Codable {
    /// Decodes 64 hex digits; anything else is a data-corruption error naming the coding path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do throws(LogFormatError) {
            try self.init(hex: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes as 64 lower-case hex digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}
