/// The GPT-2 `bytes_to_unicode` table: every byte stands for one printable unicode scalar.
///
/// Byte-level BPE works on bytes, but `tokenizer.json` stores tokens as strings; this table is
/// how the two meet. Printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for themselves,
/// and the other 68 bytes (controls, space, NBSP, soft hyphen) are given U+0100, U+0101, … in
/// byte order, so a space is `Ġ` (U+0120) and a newline `Ċ` (U+010A). The table is the one the
/// Hugging Face `tokenizers` ByteLevel pre-tokenizer and decoder use, so our files read there.
///
/// ```swift
/// ByteLevelAlphabet.string(for: Array(" the".utf8))   // "Ġthe"
/// ByteLevelAlphabet.bytes(for: "Ġthe")                 // [32, 116, 104, 101]
/// ```
public enum ByteLevelAlphabet {
    /// The scalar value that stands for each byte, indexed by byte.
    public static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if isPrintableLatin1(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte each alphabet scalar stands for, indexed by scalar value (all are below 0x144);
    /// -1 where the scalar is not in the alphabet.
    static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, scalar) in scalarForByte.enumerated() { table[Int(scalar)] = Int16(byte) }
        return table
    }()

    /// The UTF-8 encoding of each byte's stand-in, so that writing a token string is a copy.
    static let utf8ForByte: [[UInt8]] = scalarForByte.map { value in
        guard let scalar = Unicode.Scalar(value) else { return [] }
        return Array(String(Character(scalar)).utf8)
    }

    /// The byte-level string of `bytes`, as it appears in `tokenizer.json`.
    public static func string<Bytes: Sequence<UInt8>>(for bytes: Bytes) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { utf8.append(contentsOf: utf8ForByte[Int(byte)]) }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// The bytes a byte-level string stands for, or nil if a scalar of it is not in the alphabet.
    public static func bytes(for string: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(string.unicodeScalars.count)
        for scalar in string.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            result.append(byte)
        }
        return result
    }

    /// The byte `scalar` stands for, or nil if it is not in the alphabet.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = Int(scalar.value)
        guard value < byteForScalar.count else { return nil }
        let byte = byteForScalar[value]
        return byte < 0 ? nil : UInt8(byte)
    }

    private static func isPrintableLatin1(_ byte: Int) -> Bool {
        (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
    }
}
