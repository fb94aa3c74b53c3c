/// Why a tree could not answer a question about a leaf or a size it does not hold.
///
/// Every case has a stable ``code`` for clients and a ``message`` a person can act on.
public enum MerkleTreeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The leaf index is not below the tree size it was asked about.
    case indexOutOfRange(leafIndex: UInt64, treeSize: UInt64)
    /// The requested tree size is larger than the log has grown so far.
    case sizeOutOfRange(treeSize: UInt64, logSize: UInt64)
    /// A consistency proof was asked from a larger size to a smaller one.
    case invalidSizes(from: UInt64, to: UInt64)

    /// A stable machine-readable code, e.g. `index_out_of_range`.
    public var code: String {
        switch self {
        case .indexOutOfRange: "index_out_of_range"
        case .sizeOutOfRange: "size_out_of_range"
        case .invalidSizes: "invalid_sizes"
        }
    }

    /// A sentence naming the number at fault and the range it must lie in.
    public var message: String {
        switch self {
        case let .indexOutOfRange(leafIndex, treeSize):
            treeSize == 0
                ? "Leaf index \(leafIndex) does not exist in an empty tree; ask about a tree size of at least 1."
                : "Leaf index \(leafIndex) is not in a tree of \(treeSize) leaves; use an index from 0 to \(treeSize - 1)."
        case let .sizeOutOfRange(treeSize, logSize):
            "Tree size \(treeSize) is larger than the log, which holds \(logSize) leaves; ask for a size of at most \(logSize)."
        case let .invalidSizes(from, to):
            "A consistency proof runs from an older tree to a newer one, but size \(from) is larger than \(to); swap them."
        }
    }

    /// The code and the message together, for logs.
    public var description: String { "\(code): \(message)" }
}
