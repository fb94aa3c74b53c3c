import PurrCrypto

/// The log's statement "after `treeSize` events the root was `rootHash`", stamped with the time
/// it was made; what the log signs and auditors compare.
///
/// ```swift
/// let head = TreeHead(treeSize: tree.size, rootHash: tree.rootHash, timestamp: nowMillis)
/// let signed = try head.signed(with: logKey)
/// ```
public struct TreeHead: Sendable, Hashable {
    /// The ASCII text that opens ``signingBytes``, so a tree-head signature can never be
    /// replayed as a signature of any other message the same key might sign.
    public static let signingPrefix = "PurrQuest tree head v1\n"

    /// The number of leaves in the tree.
    public let treeSize: UInt64
    /// The tree's root, MTH(D[0:treeSize]).
    public let rootHash: Hash
    /// When the head was made, in milliseconds since 1970-01-01T00:00:00Z.
    public let timestamp: Int64

    /// A head for the given size, root and time.
    public init(treeSize: UInt64, rootHash: Hash, timestamp: Int64) {
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.timestamp = timestamp
    }

    /// The canonical encoding that is signed, 71 bytes, laid out byte for byte as:
    ///
    /// | Offset | Length | Content                                                         |
    /// |-------:|-------:|-----------------------------------------------------------------|
    /// | 0      | 23     | ASCII `PurrQuest tree head v1` followed by one line feed (0x0A) |
    /// | 23     | 8      | `treeSize`, unsigned, big-endian                                |
    /// | 31     | 32     | `rootHash`, the raw 32 bytes                                    |
    /// | 63     | 8      | `timestamp`, two's complement, big-endian                       |
    ///
    /// Every field has a fixed width, so no two heads share an encoding. A change of layout
    /// must change the version in ``signingPrefix``.
    public var signingBytes: [UInt8] {
        var out: [UInt8] = Array(Self.signingPrefix.utf8)
        out.reserveCapacity(Self.signingPrefix.utf8.count + 8 + Hash.byteCount + 8)
        Self.appendBigEndian(treeSize, to: &out)
        rootHash.append(to: &out)
        Self.appendBigEndian(UInt64(bitPattern: timestamp), to: &out)
        return out
    }

    /// Signs ``signingBytes`` with the log's Ed25519 key.
    ///
    /// - Throws: ``PurrCrypto/CryptoError`` if OpenSSL cannot sign.
    public func signed(with key: Ed25519PrivateKey) throws(CryptoError) -> SignedTreeHead {
        SignedTreeHead(head: self, checkedSignature: try key.signature(for: signingBytes))
    }

    private static func appendBigEndian(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}

extension TreeHead: Codable {
    private enum CodingKeys: String, CodingKey {
        case treeSize, rootHash, timestamp
    }
}
