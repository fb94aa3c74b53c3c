import PurrCrypto

/// A ``TreeHead`` with the log's Ed25519 signature over its ``TreeHead/signingBytes``:
/// what the server publishes and an auditor keeps as evidence.
///
/// In JSON it is one flat object, hashes and signature in lower-case hex:
/// `{"treeSize": 8, "rootHash": "5dc9…", "timestamp": 1700000000000, "signature": "…"}`.
///
/// ```swift
/// let head = try SignedTreeHead(treeSize: 8, rootHashHex: root, timestamp: ms, signatureHex: sig)
/// try head.verifySignature(publicKey: logKey)
/// ```
public struct SignedTreeHead: Sendable, Hashable {
    /// Every Ed25519 signature is this many bytes long.
    public static let signatureByteCount = 64

    /// The signed statement.
    public let head: TreeHead
    /// The 64-byte Ed25519 signature of `head.signingBytes`.
    public let signature: [UInt8]

    /// A head with a signature received from elsewhere; check it with ``verifySignature(publicKey:)``.
    ///
    /// - Throws: ``LogFormatError/wrongLength(field:expected:got:)`` unless the signature is 64 bytes.
    public init(head: TreeHead, signature: [UInt8]) throws(LogFormatError) {
        guard signature.count == Self.signatureByteCount else {
            throw .wrongLength(field: "signature", expected: Self.signatureByteCount, got: signature.count)
        }
        self.init(head: head, checkedSignature: signature)
    }

    /// A head from its JSON-friendly fields, hashes and signature in hex.
    ///
    /// - Throws: ``LogFormatError`` naming `rootHash` or `signature` when either is not hex of the right length.
    public init(treeSize: UInt64, rootHashHex: String, timestamp: Int64, signatureHex: String) throws(LogFormatError) {
        let root = try Hash(hex: rootHashHex, field: "rootHash")
        guard let signature = Hex.decode(signatureHex) else { throw .invalidHex(field: "signature") }
        try self.init(head: TreeHead(treeSize: treeSize, rootHash: root, timestamp: timestamp), signature: signature)
    }

    /// For signatures just made by ``TreeHead/signed(with:)``, which are 64 bytes by construction.
    init(head: TreeHead, checkedSignature: [UInt8]) {
        self.head = head
        self.signature = checkedSignature
    }

    /// The number of leaves in the signed tree.
    public var treeSize: UInt64 { head.treeSize }
    /// The signed root.
    public var rootHash: Hash { head.rootHash }
    /// When the head was made, Unix milliseconds.
    public var timestamp: Int64 { head.timestamp }
    /// The signature in lower-case hex, as it goes into JSON.
    public var signatureHex: String { Hex.encode(signature) }

    /// Checks that `publicKey` signed exactly this size, root and timestamp.
    ///
    /// - Throws: ``LogVerificationError/invalidSignature`` otherwise.
    public func verifySignature(publicKey: Ed25519PublicKey) throws(LogVerificationError) {
        guard publicKey.isValidSignature(signature, for: head.signingBytes) else { throw .invalidSignature }
    }
}

extension SignedTreeHead: Codable {
    private enum CodingKeys: String, CodingKey {
        case treeSize, rootHash, timestamp, signature
    }

    /// Decodes the flat JSON object; a malformed hash or signature is a data-corruption error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let head = TreeHead(treeSize: try container.decode(UInt64.self, forKey: .treeSize),
                            rootHash: try container.decode(Hash.self, forKey: .rootHash),
                            timestamp: try container.decode(Int64.self, forKey: .timestamp))
        let signatureHex = try container.decode(String.self, forKey: .signature)
        do throws(LogFormatError) {
            guard let signature = Hex.decode(signatureHex) else { throw .invalidHex(field: "signature") }
            try self.init(head: head, signature: signature)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .signature, in: container, debugDescription: error.message)
        }
    }

    /// Encodes the flat JSON object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(head.treeSize, forKey: .treeSize)
        try container.encode(head.rootHash, forKey: .rootHash)
        try container.encode(head.timestamp, forKey: .timestamp)
        try container.encode(signatureHex, forKey: .signature)
    }
}
