/// Why an auditor's check of a proof or a signed tree head failed.
///
/// Every case has a stable ``code`` and a ``message`` saying what did not hold; any of them
/// means the log's answer cannot be trusted as given.
public enum LogVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The leaf index is not below the tree size, so no inclusion proof can exist.
    case indexOutOfRange(leafIndex: UInt64, treeSize: UInt64)
    /// The first tree is larger than the second, so the second cannot extend it.
    case invalidSizes(firstSize: UInt64, secondSize: UInt64)
    /// The proof ran out of hashes before reaching the root.
    case proofTooShort(count: Int)
    /// The proof has hashes left over after reaching the root (or must be empty and is not).
    case proofTooLong(count: Int)
    /// The inclusion proof leads to a different root than the one given.
    case rootMismatch
    /// The consistency proof does not rebuild the older tree's root.
    case firstRootMismatch
    /// The consistency proof does not rebuild the newer tree's root.
    case secondRootMismatch
    /// The tree head's signature was not made by the log's key over these exact fields.
    case invalidSignature

    /// A stable machine-readable code, e.g. `root_mismatch`.
    public var code: String {
        switch self {
        case .indexOutOfRange: "index_out_of_range"
        case .invalidSizes: "invalid_sizes"
        case .proofTooShort: "proof_too_short"
        case .proofTooLong: "proof_too_long"
        case .rootMismatch: "root_mismatch"
        case .firstRootMismatch: "first_root_mismatch"
        case .secondRootMismatch: "second_root_mismatch"
        case .invalidSignature: "invalid_signature"
        }
    }

    /// A sentence saying what failed and where to look.
    public var message: String {
        switch self {
        case let .indexOutOfRange(leafIndex, treeSize):
            "Leaf index \(leafIndex) is not below tree size \(treeSize); ask for a proof against a larger tree head."
        case let .invalidSizes(firstSize, secondSize):
            "The first tree size \(firstSize) is larger than the second, \(secondSize); pass the older tree head first."
        case let .proofTooShort(count):
            "The proof's \(count) hashes do not reach the root for these sizes; the proof is truncated or is for other sizes."
        case let .proofTooLong(count):
            "The proof has \(count) hashes, more than these sizes need; the proof is padded or is for other sizes."
        case .rootMismatch:
            "The proof leads to a different root; the leaf is not at that index in that tree, or the proof is corrupt."
        case .firstRootMismatch:
            "The proof does not rebuild the older root; the older tree head is not a prefix of the newer one, or the proof is corrupt."
        case .secondRootMismatch:
            "The proof does not rebuild the newer root; the log may have rewritten history, or the proof is corrupt."
        case .invalidSignature:
            "The tree head's signature does not verify with the log's public key; the head was altered or signed by another key."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
