/// The append-only RFC 9162 Merkle tree behind PurrQuest's public event log.
///
/// Every game event (quest created or settled, NFT claimed, transfer) becomes one leaf, so an
/// outsider holding a signed root can check that an event is in the log (an inclusion proof)
/// and that the log only ever grew (a consistency proof). The tree answers for every size it
/// has had, not only the latest, because auditors hold heads of older sizes.
///
/// The tree keeps the hash of every complete perfect subtree, level by level, so a root of any
/// past size or a proof costs O(log n) hashes, and an append costs amortised O(1) (one leaf plus,
/// on average, one interior hash). A million leaves take about 64 MB.
///
/// ```swift
/// var tree = MerkleTree(leafHashes: storedLeafHashes)   // reload at start-up
/// let index = tree.append(leafBytes: Array(eventJSON.utf8))
/// let proof = try tree.inclusionProof(leafIndex: index, treeSize: tree.size)
/// ```
public struct MerkleTree: Sendable {
    /// `levels[h][i]` is the hash of the perfect subtree over leaves `i·2^h ..< (i+1)·2^h`;
    /// level 0 holds the leaf hashes. Only complete subtrees are kept, so level `h` holds
    /// `size >> h` hashes, and every aligned perfect subtree of any size up to `size` is here.
    private var levels: [[Hash]]

    /// An empty tree, whose root is ``Hash/emptyTree``.
    public init() {
        levels = [[]]
    }

    /// A tree over leaf hashes already recorded, in log order: how the server reloads its log.
    ///
    /// Builds every level in one pass, O(n) hashes.
    public init(leafHashes: [Hash]) {
        levels = [leafHashes]
        var below = leafHashes
        while below.count >= 2 {
            var level: [Hash] = []
            level.reserveCapacity(below.count / 2)
            var i = 0
            while i + 1 < below.count {
                level.append(.node(left: below[i], right: below[i + 1]))
                i += 2
            }
            levels.append(level)
            below = level
        }
    }

    /// The number of leaves in the log.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// Records one event: hashes its bytes as an RFC 9162 leaf and appends it.
    ///
    /// - Returns: the index of the new leaf.
    @discardableResult
    public mutating func append(leafBytes: some Collection<UInt8>) -> UInt64 {
        append(leafHash: .leaf(leafBytes))
    }

    /// Appends a leaf whose hash was computed elsewhere (for example, read back from storage).
    ///
    /// - Returns: the index of the new leaf.
    @discardableResult
    public mutating func append(leafHash: Hash) -> UInt64 {
        let index = size
        levels[0].append(leafHash)
        // An even count at a level means its last two hashes are siblings that just completed
        // their parent; carry upwards like a binary counter.
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = Hash.node(left: levels[level][count - 2], right: levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
        return index
    }

    /// The hash of the leaf at `index`, as appended.
    ///
    /// - Throws: ``MerkleTreeError/indexOutOfRange(leafIndex:treeSize:)`` unless `index < size`.
    public func leafHash(at index: UInt64) throws(MerkleTreeError) -> Hash {
        guard index < size else { throw .indexOutOfRange(leafIndex: index, treeSize: size) }
        return levels[0][Int(index)]
    }

    /// The root of the tree as it stands now.
    public var rootHash: Hash {
        levels[0].isEmpty ? .emptyTree : subtreeHash(start: 0, count: UInt64(levels[0].count))
    }

    /// The root the tree had when it held `size` leaves: MTH(D[0:size]) of RFC 9162 §2.1.1.
    ///
    /// - Parameter size: any size from 0 to the current ``size``.
    /// - Throws: ``MerkleTreeError/sizeOutOfRange(treeSize:logSize:)`` for a size the log has not reached.
    public func rootHash(size treeSize: UInt64) throws(MerkleTreeError) -> Hash {
        try requireSize(treeSize)
        return treeSize == 0 ? .emptyTree : subtreeHash(start: 0, count: treeSize)
    }

    /// Refuses a tree size larger than the log.
    func requireSize(_ treeSize: UInt64) throws(MerkleTreeError) {
        guard treeSize <= size else { throw .sizeOutOfRange(treeSize: treeSize, logSize: size) }
    }

    /// MTH(D[start : start+count]) for a node of the RFC 9162 decomposition of some tree size.
    ///
    /// Such a node is either an aligned perfect subtree, read from `levels` in O(1), or the
    /// right edge of a tree, whose left child is perfect; so the recursion follows only the
    /// right edge and costs O(log count) hashes.
    func subtreeHash(start: UInt64, count: UInt64) -> Hash {
        precondition(count >= 1 && start + count <= size, "subtree outside the tree")
        if count & (count - 1) == 0 {
            let height = count.trailingZeroBitCount
            // The decomposition only ever asks for perfect subtrees aligned to their own size.
            precondition(start & (count - 1) == 0, "unaligned perfect subtree")
            return levels[height][Int(start >> UInt64(height))]
        }
        let k = largestPowerOfTwo(below: count)
        return .node(left: subtreeHash(start: start, count: k),
                     right: subtreeHash(start: start + k, count: count - k))
    }
}
