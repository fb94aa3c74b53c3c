import PurrCrypto

/// The 32 bytes every choice about one drop comes from: its parts, its lore words, and so its id.
///
/// ```swift
/// NFTSeed(42).hex   // 62 zeros then "2a": 24 zero bytes, then 42 as 8 big-endian bytes
/// ```
public struct NFTSeed: Hashable, Sendable, CustomStringConvertible {
    /// Seeds are always this many bytes; a 64-bit seed is widened to it.
    public static let byteCount = 32

    /// The seed itself, exactly `byteCount` bytes.
    public let bytes: [UInt8]

    /// Widens a 64-bit seed: 24 zero bytes, then `value` big-endian, so small seeds read plainly in hex.
    public init(_ value: UInt64) {
        var bytes = [UInt8](repeating: 0, count: Self.byteCount - 8)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
        self.bytes = bytes
    }

    /// A 32-byte seed as given, e.g. from `SecureRandom.bytes(32)`; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// Parses the 64-digit hex form (either case); nil for anything else.
    public init?(hex: String) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The canonical text form: 64 lower-case hex digits. Every derivation hashes this text.
    public var hex: String { Hex.encode(bytes) }

    public var description: String { hex }

    /// The one derivation behind every choice, so an outsider can redo any of them with `sha256sum`:
    /// the first 8 bytes, read big-endian, of SHA-256 over the UTF-8 text `"<domain>|<hex>|<label>"`.
    ///
    /// ```swift
    /// seed.draw(domain: "nft-parts", label: "coat")  // the number that picks the coat
    /// ```
    public func draw(domain: String, label: String) -> UInt64 {
        let digest = SHA256.hash("\(domain)|\(hex)|\(label)")
        return digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
