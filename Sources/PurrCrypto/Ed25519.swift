import COpenSSL

/// Why a key or signature was refused.
public enum CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidKeyLength(expected: Int, got: Int)
    case invalidHex(String)
    case openSSL(String)

    public var description: String {
        switch self {
        case .invalidKeyLength(let e, let g): return "key must be \(e) bytes, got \(g)"
        case .invalidHex(let what): return "\(what) is not valid hex"
        case .openSSL(let what): return "OpenSSL: \(what)"
        }
    }
}

/// An Ed25519 public key (RFC 8032), 32 bytes: players and runners are named by it.
public struct Ed25519PublicKey: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == 32 else { throw .invalidKeyLength(expected: 32, got: bytes.count) }
        self.bytes = bytes
    }

    public init(hex: String) throws(CryptoError) {
        guard let b = Hex.decode(hex) else { throw .invalidHex("public key") }
        try self.init(bytes: b)
    }

    public var hex: String { Hex.encode(bytes) }

    /// True only for a valid 64-byte signature of `message` by this key, under the strict rules
    /// libsodium's `crypto_sign_verify_detached` applies on top of RFC 8032: the key and R must be
    /// canonical encodings of points that are not of small order, and S must be below the group
    /// order. Without them the identity key `01 00…00` "verifies" the constant signature
    /// `01 00…00 ‖ 00…00` for every message, so anyone could sign in as it.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        guard Ed25519Encoding.isAcceptablePoint(bytes) else { return false }
        guard Ed25519Encoding.isAcceptablePoint(Array(signature[0..<32])) else { return false }
        guard Ed25519Encoding.isCanonicalScalar(Array(signature[32..<64])) else { return false }
        return openSSLVerify(signature, for: message)
    }

    /// OpenSSL's own check alone (cofactorless RFC 8032 equation); kept apart so tests can show
    /// what the strict rules add.
    func openSSLVerify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        guard let pkey = bytes.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            return false  // not a point on the curve
        }
        defer { EVP_PKEY_free(pkey) }
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, pkey) == 1 else { return false }
        let rc = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(ctx, sig.baseAddress, 64, msg.baseAddress, msg.count)
            }
        }
        ERR_clear_error()
        return rc == 1
    }
}

/// Encoding checks on Ed25519 points and scalars (little-endian, RFC 8032 §5.1.2–5.1.3).
public enum Ed25519Encoding {
    /// The y coordinates (sign bit cleared) of every point whose order divides 8, and the two
    /// non-canonical encodings p and p+1 of y = 0 and y = 1. A key or R among them makes the
    /// verification equation hold for a fixed signature and many or all messages. Derived from the
    /// curve: y = 0 (order 4, x = ±√−1), y = 1 (identity), y = −1 (order 2), y = ±y₈ (order 8);
    /// the tests check each one forges under the plain equation.
    public static let smallOrderY: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [0x01] + [UInt8](repeating: 0, count: 31),
        [0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
         0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05],
        [0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
         0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a],
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    /// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
    static let groupOrder: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
    ]

    /// True when the 32 bytes encode y < p = 2^255 − 19 (the sign bit aside).
    public static func isCanonicalPoint(_ s: [UInt8]) -> Bool {
        guard s.count == 32 else { return false }
        guard s[31] & 0x7f == 0x7f, s[1..<31].allSatisfy({ $0 == 0xff }) else { return true }
        return s[0] < 0xed
    }

    /// True when the encoding's y (sign bit ignored) is that of a point of order 1, 2, 4 or 8.
    public static func hasSmallOrder(_ s: [UInt8]) -> Bool {
        guard s.count == 32 else { return true }
        var masked = s
        masked[31] &= 0x7f
        return smallOrderY.contains(masked)
    }

    /// Canonical and not of small order: what a public key and a signature's R must be.
    /// An encoding whose x would be 0 with the sign bit set (−0) is non-canonical too; the only
    /// such points (y = ±1) are in the small-order list.
    public static func isAcceptablePoint(_ s: [UInt8]) -> Bool {
        isCanonicalPoint(s) && !hasSmallOrder(s)
    }

    /// True when the scalar S is below the group order L (RFC 8032 §5.1.7 step 1).
    public static func isCanonicalScalar(_ s: [UInt8]) -> Bool {
        guard s.count == 32 else { return false }
        for i in stride(from: 31, through: 0, by: -1) {
            if s[i] < groupOrder[i] { return true }
            if s[i] > groupOrder[i] { return false }
        }
        return false  // S == L
    }
}

/// An Ed25519 private key held as its 32-byte seed. Signing is deterministic (RFC 8032).
public struct Ed25519PrivateKey: Sendable {
    public let seed: [UInt8]
    public let publicKey: Ed25519PublicKey

    /// A fresh key from OpenSSL's random generator.
    public init() throws(CryptoError) {
        try self.init(seed: SecureRandom.bytes(32))
    }

    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == 32 else { throw .invalidKeyLength(expected: 32, got: seed.count) }
        guard let pkey = seed.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            throw .openSSL("cannot load Ed25519 private key")
        }
        defer { EVP_PKEY_free(pkey) }
        var pub = [UInt8](repeating: 0, count: 32)
        var len = 32
        guard pub.withUnsafeMutableBufferPointer({ EVP_PKEY_get_raw_public_key(pkey, $0.baseAddress, &len) }) == 1, len == 32 else {
            throw .openSSL("cannot derive Ed25519 public key")
        }
        self.seed = seed
        self.publicKey = try Ed25519PublicKey(bytes: pub)
    }

    public init(seedHex: String) throws(CryptoError) {
        guard let b = Hex.decode(seedHex) else { throw .invalidHex("private key") }
        try self.init(seed: b)
    }

    public var publicKeyHex: String { publicKey.hex }

    /// The 64-byte signature of `message`.
    public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard let pkey = seed.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            throw .openSSL("cannot load Ed25519 private key")
        }
        defer { EVP_PKEY_free(pkey) }
        guard let ctx = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, nil, nil, pkey) == 1 else { throw .openSSL("EVP_DigestSignInit failed") }
        var sig = [UInt8](repeating: 0, count: 64)
        var sigLen = 64
        let rc = sig.withUnsafeMutableBufferPointer { s in
            message.withUnsafeBufferPointer { m in EVP_DigestSign(ctx, s.baseAddress, &sigLen, m.baseAddress, m.count) }
        }
        guard rc == 1, sigLen == 64 else { throw .openSSL("EVP_DigestSign failed") }
        return sig
    }

    public func signature(for text: String) throws(CryptoError) -> [UInt8] { try signature(for: Array(text.utf8)) }
}
