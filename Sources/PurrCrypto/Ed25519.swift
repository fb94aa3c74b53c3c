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

    /// True only for a valid 64-byte signature of `message` by this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
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
