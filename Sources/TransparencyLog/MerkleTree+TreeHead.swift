extension MerkleTree {
    /// A head for the tree as it stands now, to be signed and published.
    public func treeHead(timestamp: Int64) -> TreeHead {
        TreeHead(treeSize: size, rootHash: rootHash, timestamp: timestamp)
    }
}
