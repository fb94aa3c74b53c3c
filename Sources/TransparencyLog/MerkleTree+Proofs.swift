// Proof generation, RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (PROOF / SUBPROOF). Both recurse on
// the same split as the tree hash; ranges are absolute leaf positions [start, start+count).
// Every sibling taken is either an aligned perfect subtree (O(1)) or, at most once per proof,
// the right edge of the tree (O(log n)), so a proof costs O(log n) hashes.
extension MerkleTree {
    /// The audit path proving that leaf `leafIndex` is in the tree of size `treeSize`.
    ///
    /// Hashes are ordered from the leaf's sibling up to the root's child, as RFC 9162 §2.1.3.1
    /// lists them; check one with ``MerkleVerifier/verifyInclusion(leafHash:leafIndex:treeSize:proof:rootHash:)``.
    ///
    /// ```swift
    /// let proof = try tree.inclusionProof(leafIndex: 5, treeSize: 8)
    /// ```
    /// - Parameters:
    ///   - leafIndex: the leaf, below `treeSize`.
    ///   - treeSize: any size the log has had, up to ``size``.
    /// - Throws: ``MerkleTreeError/sizeOutOfRange(treeSize:logSize:)`` or
    ///   ``MerkleTreeError/indexOutOfRange(leafIndex:treeSize:)``.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws(MerkleTreeError) -> [Hash] {
        try requireSize(treeSize)
        guard leafIndex < treeSize else { throw .indexOutOfRange(leafIndex: leafIndex, treeSize: treeSize) }
        var proof: [Hash] = []
        appendPath(index: leafIndex, start: 0, count: treeSize, to: &proof)
        return proof
    }

    /// The proof that the tree of size `to` extends the tree of size `from` without rewriting it.
    ///
    /// Empty when `from` is 0 or equals `to`: every tree extends the empty one and itself.
    /// Check one with ``MerkleVerifier/verifyConsistency(firstSize:secondSize:firstRoot:secondRoot:proof:)``.
    ///
    /// - Parameters:
    ///   - from: the older size.
    ///   - to: the newer size, at least `from` and at most ``size``.
    /// - Throws: ``MerkleTreeError/invalidSizes(from:to:)`` when `from > to`, or
    ///   ``MerkleTreeError/sizeOutOfRange(treeSize:logSize:)``.
    public func consistencyProof(from: UInt64, to: UInt64) throws(MerkleTreeError) -> [Hash] {
        guard from <= to else { throw .invalidSizes(from: from, to: to) }
        try requireSize(to)
        var proof: [Hash] = []
        if from > 0 && from < to {
            appendSubproof(oldCount: from, start: 0, count: to, oldIsWholeSubtree: true, to: &proof)
        }
        return proof
    }

    /// PATH(m, D[start : start+count]); `index` counts from `start`.
    private func appendPath(index: UInt64, start: UInt64, count: UInt64, to proof: inout [Hash]) {
        guard count > 1 else { return }
        let k = largestPowerOfTwo(below: count)
        if index < k {
            appendPath(index: index, start: start, count: k, to: &proof)
            proof.append(subtreeHash(start: start + k, count: count - k))
        } else {
            appendPath(index: index - k, start: start + k, count: count - k, to: &proof)
            proof.append(subtreeHash(start: start, count: k))
        }
    }

    /// SUBPROOF(m, D[start : start+count], b); `oldIsWholeSubtree` is the RFC's flag b, true while
    /// the old tree's root is itself this node, so the verifier already knows its hash.
    private func appendSubproof(oldCount: UInt64, start: UInt64, count: UInt64, oldIsWholeSubtree: Bool,
                                to proof: inout [Hash]) {
        if oldCount == count {
            if !oldIsWholeSubtree { proof.append(subtreeHash(start: start, count: count)) }
            return
        }
        let k = largestPowerOfTwo(below: count)
        if oldCount <= k {
            appendSubproof(oldCount: oldCount, start: start, count: k, oldIsWholeSubtree: oldIsWholeSubtree, to: &proof)
            proof.append(subtreeHash(start: start + k, count: count - k))
        } else {
            appendSubproof(oldCount: oldCount - k, start: start + k, count: count - k, oldIsWholeSubtree: false, to: &proof)
            proof.append(subtreeHash(start: start, count: k))
        }
    }
}
