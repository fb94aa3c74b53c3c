/// The checks an outside auditor runs, holding only hashes: RFC 9162 §2.1.3.2 and §2.1.4.2.
///
/// Both follow the RFC's bit-shifting algorithms over the leaf index and tree sizes, never
/// rebuilding a tree. They return normally when the proof holds and throw a
/// ``LogVerificationError`` naming what failed otherwise, so a caller cannot forget to look
/// at a result. Take the sizes and roots from signed tree heads checked with
/// ``SignedTreeHead/verifySignature(publicKey:)``: a proof binds a size only through its root.
public enum MerkleVerifier {
    /// Checks that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves with root `rootHash`.
    ///
    /// ```swift
    /// try MerkleVerifier.verifyInclusion(leafHash: .leaf(eventBytes), leafIndex: 5, treeSize: head.treeSize,
    ///                                    proof: proof, rootHash: head.rootHash)
    /// ```
    /// - Parameters:
    ///   - leafHash: the RFC 9162 leaf hash, ``Hash/leaf(_:)`` of the event's bytes.
    ///   - leafIndex: the leaf's position, from 0.
    ///   - treeSize: the size of the tree head the proof is for.
    ///   - proof: the audit path, from the leaf's sibling upwards.
    ///   - rootHash: the root of that tree head.
    /// - Throws: ``LogVerificationError/indexOutOfRange(leafIndex:treeSize:)``,
    ///   ``LogVerificationError/proofTooShort(count:)``, ``LogVerificationError/proofTooLong(count:)``
    ///   or ``LogVerificationError/rootMismatch``.
    public static func verifyInclusion(leafHash: Hash, leafIndex: UInt64, treeSize: UInt64,
                                       proof: [Hash], rootHash: Hash) throws(LogVerificationError) {
        // Step 1.
        guard leafIndex < treeSize else { throw .indexOutOfRange(leafIndex: leafIndex, treeSize: treeSize) }
        // Steps 2-3: fn walks the leaf's position up the tree, sn the last leaf's position.
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        // Step 4.
        for p in proof {
            guard sn != 0 else { throw .proofTooLong(count: proof.count) }
            if fn & 1 == 1 || fn == sn {
                r = .node(left: p, right: r)
                // On the right edge a node may have no right sibling: climb past those levels.
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = .node(left: r, right: p)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 5.
        guard sn == 0 else { throw .proofTooShort(count: proof.count) }
        guard r == rootHash else { throw .rootMismatch }
    }

    /// Checks that the tree of `secondSize` leaves with root `secondRoot` extends the tree of
    /// `firstSize` leaves with root `firstRoot`, changing none of its leaves.
    ///
    /// Beyond the RFC, which covers 0 < first < second, this settles the edge cases: equal sizes
    /// need an empty proof and equal roots; a first size of 0 needs an empty proof and the
    /// empty-tree root ``Hash/emptyTree`` as `firstRoot`.
    ///
    /// ```swift
    /// try MerkleVerifier.verifyConsistency(firstSize: old.treeSize, secondSize: new.treeSize,
    ///                                      firstRoot: old.rootHash, secondRoot: new.rootHash, proof: proof)
    /// ```
    /// - Throws: ``LogVerificationError/invalidSizes(firstSize:secondSize:)``,
    ///   ``LogVerificationError/proofTooShort(count:)``, ``LogVerificationError/proofTooLong(count:)``,
    ///   ``LogVerificationError/firstRootMismatch`` or ``LogVerificationError/secondRootMismatch``.
    public static func verifyConsistency(firstSize: UInt64, secondSize: UInt64, firstRoot: Hash, secondRoot: Hash,
                                         proof: [Hash]) throws(LogVerificationError) {
        guard firstSize <= secondSize else { throw .invalidSizes(firstSize: firstSize, secondSize: secondSize) }
        if firstSize == 0 || firstSize == secondSize {
            guard proof.isEmpty else { throw .proofTooLong(count: proof.count) }
            if firstSize == 0 {
                guard firstRoot == .emptyTree else { throw .firstRootMismatch }
            }
            if firstSize == secondSize {
                guard secondRoot == firstRoot else { throw .secondRootMismatch }
            }
            return
        }
        // Step 1.
        guard let head = proof.first else { throw .proofTooShort(count: 0) }
        // Step 2: when the old tree is a perfect subtree of the new one, its root is the
        // starting node and the proof leaves it out.
        var path = proof[...]
        let seed: Hash
        if firstSize & (firstSize - 1) == 0 {
            seed = firstRoot
        } else {
            seed = head
            path = path.dropFirst()
        }
        // Step 3.
        var fn = firstSize - 1
        var sn = secondSize - 1
        // Step 4: skip the levels where the old tree's last node is a right child of a node
        // that is complete in both trees.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // Step 5.
        var fr = seed
        var sr = seed
        // Step 6.
        for c in path {
            guard sn != 0 else { throw .proofTooLong(count: proof.count) }
            if fn & 1 == 1 || fn == sn {
                fr = .node(left: c, right: fr)
                sr = .node(left: c, right: sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = .node(left: sr, right: c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        guard sn == 0 else { throw .proofTooShort(count: proof.count) }
        guard fr == firstRoot else { throw .firstRootMismatch }
        guard sr == secondRoot else { throw .secondRootMismatch }
    }
}
