import Testing
@testable import TransparencyLog

/// The efficient tree against the recursive definitions of RFC 9162, over random leaves.
@Suite struct MerkleTreePropertyTests {
    static let maxSize = 300

    /// Random leaves, their reference leaf hashes, the tree over them, and the reference root of every prefix.
    struct Fixture {
        let leaves: [[UInt8]]
        let referenceLeafHashes: [[UInt8]]
        let tree: MerkleTree
        let referenceRoots: [Hash]

        init(size: Int, seed: UInt64) {
            var rng = SplitMix64(seed: seed)
            let leaves = randomLeaves(size, using: &rng)
            let leafHashes = leaves.map(ReferenceMerkle.leafHash)
            var tree = MerkleTree()
            for leaf in leaves { tree.append(leafBytes: leaf) }
            self.leaves = leaves
            self.referenceLeafHashes = leafHashes
            self.tree = tree
            self.referenceRoots = (0...size).map { n in hash(bytes: ReferenceMerkle.mth(Array(leafHashes[..<n]))) }
        }

        func proof(_ hashes: [[UInt8]]) -> [Hash] { hashes.map { hash(bytes: $0) } }
    }

    static let fixture = Fixture(size: maxSize, seed: 0x5EED_9162)

    @Test("The root of every size up to 300 equals the reference MTH")
    func rootsMatchReference() throws {
        let f = Self.fixture
        for n in 0...Self.maxSize {
            #expect(try f.tree.rootHash(size: UInt64(n)) == f.referenceRoots[n], "size \(n)")
        }
    }

    @Test("Leaf hashes equal SHA-256 of 0x00 followed by the leaf")
    func leafHashesMatchReference() throws {
        let f = Self.fixture
        for i in 0..<Self.maxSize {
            #expect(try f.tree.leafHash(at: UInt64(i)).bytes == f.referenceLeafHashes[i])
        }
    }

    @Test("Every inclusion proof for every size up to 300 verifies against the reference root")
    func everyInclusionProofVerifies() throws {
        let f = Self.fixture
        for n in 1...Self.maxSize {
            for i in 0..<n {
                let proof = try f.tree.inclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n))
                #expect(inclusionHolds(leafHash: .leaf(f.leaves[i]), leafIndex: UInt64(i), treeSize: UInt64(n),
                                       proof: proof, rootHash: f.referenceRoots[n]),
                        "leaf \(i) of \(n)")
            }
        }
    }

    @Test("Inclusion proofs equal the reference PATH for sizes up to 64")
    func inclusionProofsMatchReferencePath() throws {
        let f = Self.fixture
        for n in 1...64 {
            let d = Array(f.referenceLeafHashes[..<n])
            for i in 0..<n {
                #expect(try f.tree.inclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n))
                        == f.proof(ReferenceMerkle.path(i, d)), "leaf \(i) of \(n)")
            }
        }
    }

    @Test("Every consistency proof between sizes up to 128 verifies against the reference roots")
    func everyConsistencyProofVerifies() throws {
        let f = Self.fixture
        for n in 0...128 {
            for m in 0...n {
                let proof = try f.tree.consistencyProof(from: UInt64(m), to: UInt64(n))
                #expect(consistencyHolds(firstSize: UInt64(m), secondSize: UInt64(n),
                                         firstRoot: f.referenceRoots[m], secondRoot: f.referenceRoots[n], proof: proof),
                        "\(m) to \(n)")
            }
        }
    }

    @Test("Consistency proofs equal the reference PROOF for sizes up to 64")
    func consistencyProofsMatchReference() throws {
        let f = Self.fixture
        for n in 2...64 {
            let d = Array(f.referenceLeafHashes[..<n])
            for m in 1..<n {
                #expect(try f.tree.consistencyProof(from: UInt64(m), to: UInt64(n))
                        == f.proof(ReferenceMerkle.proof(m, d)), "\(m) to \(n)")
            }
        }
    }

    @Test("Consistency proofs for large sizes verify against roots from a second tree")
    func largeSizesAgreeWithSecondTree() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let n = Int.random(in: 1...Self.maxSize, using: &rng)
            let m = Int.random(in: 0...n, using: &rng)
            let proof = try f.tree.consistencyProof(from: UInt64(m), to: UInt64(n))
            #expect(consistencyHolds(firstSize: UInt64(m), secondSize: UInt64(n),
                                     firstRoot: f.referenceRoots[m], secondRoot: f.referenceRoots[n], proof: proof),
                    "\(m) to \(n)")
        }
    }

    @Test("A tree reloaded from leaf hashes answers exactly like the tree built by appending")
    func reloadedTreeMatchesAppendedTree() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 7)
        for n in [0, 1, 2, 3, 7, 8, 9, 127, 128, 129, 255, 256, 257, 300] {
            let hashes = try (0..<UInt64(n)).map { (i: UInt64) throws(MerkleTreeError) in try f.tree.leafHash(at: i) }
            var reloaded = MerkleTree(leafHashes: hashes)
            #expect(reloaded.size == UInt64(n))
            #expect(reloaded.rootHash == f.referenceRoots[n])
            if n > 0 {
                let i = UInt64.random(in: 0..<UInt64(n), using: &rng)
                #expect(try reloaded.inclusionProof(leafIndex: i, treeSize: UInt64(n))
                        == f.tree.inclusionProof(leafIndex: i, treeSize: UInt64(n)))
            }
            // Appending after a reload must carry into the levels built by the reload.
            if n < Self.maxSize {
                reloaded.append(leafBytes: f.leaves[n])
                #expect(reloaded.rootHash == f.referenceRoots[n + 1], "append after reloading \(n)")
            }
        }
    }

    @Test("A tree of 70,001 leaves has the reference root and working proofs")
    func largeTree() throws {
        var rng = SplitMix64(seed: 70_001)
        // Random bytes stand in for leaf hashes: building them costs no SHA-256.
        let leafHashes = (0..<70_001).map { _ in
            hash(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
        let tree = MerkleTree(leafHashes: leafHashes)
        #expect(tree.rootHash.bytes == ReferenceMerkle.mth(leafHashes.map(\.bytes)))
        let root = tree.rootHash
        for _ in 0..<50 {
            let i = UInt64.random(in: 0..<70_001, using: &rng)
            let proof = try tree.inclusionProof(leafIndex: i, treeSize: 70_001)
            #expect(proof.count <= 17)
            #expect(inclusionHolds(leafHash: leafHashes[Int(i)], leafIndex: i, treeSize: 70_001, proof: proof, rootHash: root))
            let m = UInt64.random(in: 1...70_000, using: &rng)
            #expect(consistencyHolds(firstSize: m, secondSize: 70_001, firstRoot: try tree.rootHash(size: m), secondRoot: root,
                                     proof: try tree.consistencyProof(from: m, to: 70_001)))
        }
    }
}

/// Proofs that were changed in any way must fail; sampled with a fixed seed.
@Suite struct TamperedProofTests {
    static var fixture: MerkleTreePropertyTests.Fixture { MerkleTreePropertyTests.fixture }

    @Test("A changed byte in any inclusion proof hash is refused")
    func flippedInclusionBytes() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 1)
        for _ in 0..<300 {
            let n = UInt64.random(in: 2...300, using: &rng)
            let i = UInt64.random(in: 0..<n, using: &rng)
            let proof = try f.tree.inclusionProof(leafIndex: i, treeSize: n)
            for k in proof.indices {
                let bad = flippingByte(of: proof, at: k, mask: UInt8.random(in: 1...255, using: &rng))
                #expect(throws: LogVerificationError.rootMismatch) {
                    try MerkleVerifier.verifyInclusion(leafHash: .leaf(f.leaves[Int(i)]), leafIndex: i, treeSize: n,
                                                       proof: bad, rootHash: f.referenceRoots[Int(n)])
                }
            }
        }
    }

    @Test("An inclusion proof checked for any other index of the same tree is refused")
    func wrongIndex() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 2)
        for _ in 0..<40 {
            let n = UInt64.random(in: 2...300, using: &rng)
            let i = UInt64.random(in: 0..<n, using: &rng)
            let proof = try f.tree.inclusionProof(leafIndex: i, treeSize: n)
            for j in 0..<(n + 2) where j != i {
                #expect(!inclusionHolds(leafHash: .leaf(f.leaves[Int(i)]), leafIndex: j, treeSize: n,
                                        proof: proof, rootHash: f.referenceRoots[Int(n)]), "leaf \(i) as \(j) of \(n)")
            }
        }
    }

    @Test("An inclusion proof checked for a tree size whose path has another length is refused")
    func wrongSize() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 3)
        var refused = 0
        for _ in 0..<100 {
            let n = UInt64.random(in: 2...300, using: &rng)
            let i = UInt64.random(in: 0..<n, using: &rng)
            let proof = try f.tree.inclusionProof(leafIndex: i, treeSize: n)
            for other in (i + 1)...300 where other != n {
                // The root binds the size; a size whose path has the same shape computes the same root.
                guard try f.tree.inclusionProof(leafIndex: i, treeSize: other).count != proof.count else { continue }
                #expect(!inclusionHolds(leafHash: .leaf(f.leaves[Int(i)]), leafIndex: i, treeSize: other,
                                        proof: proof, rootHash: f.referenceRoots[Int(n)]), "leaf \(i), size \(n) as \(other)")
                refused += 1
            }
        }
        #expect(refused > 1000)
    }

    @Test("A truncated or extended inclusion proof is refused with the length named")
    func wrongInclusionLength() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 4)
        for _ in 0..<300 {
            let n = UInt64.random(in: 2...300, using: &rng)
            let i = UInt64.random(in: 0..<n, using: &rng)
            let proof = try f.tree.inclusionProof(leafIndex: i, treeSize: n)
            let leaf = Hash.leaf(f.leaves[Int(i)])
            let root = f.referenceRoots[Int(n)]
            #expect(throws: LogVerificationError.proofTooShort(count: proof.count - 1)) {
                try MerkleVerifier.verifyInclusion(leafHash: leaf, leafIndex: i, treeSize: n, proof: Array(proof.dropLast()), rootHash: root)
            }
            #expect(throws: LogVerificationError.proofTooLong(count: proof.count + 1)) {
                try MerkleVerifier.verifyInclusion(leafHash: leaf, leafIndex: i, treeSize: n, proof: proof + [someHash], rootHash: root)
            }
            #expect(!inclusionHolds(leafHash: leaf, leafIndex: i, treeSize: n, proof: [someHash] + proof, rootHash: root))
            #expect(throws: LogVerificationError.rootMismatch) {
                try MerkleVerifier.verifyInclusion(leafHash: someHash, leafIndex: i, treeSize: n, proof: proof, rootHash: root)
            }
        }
    }

    @Test("A changed byte in any consistency proof hash is refused")
    func flippedConsistencyBytes() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 5)
        for _ in 0..<300 {
            let n = UInt64.random(in: 2...300, using: &rng)
            let m = UInt64.random(in: 1..<n, using: &rng)
            let proof = try f.tree.consistencyProof(from: m, to: n)
            for k in proof.indices {
                let bad = flippingByte(of: proof, at: k, mask: UInt8.random(in: 1...255, using: &rng))
                #expect(!consistencyHolds(firstSize: m, secondSize: n, firstRoot: f.referenceRoots[Int(m)],
                                          secondRoot: f.referenceRoots[Int(n)], proof: bad), "\(m) to \(n), hash \(k)")
            }
        }
    }

    @Test("A truncated, extended or mis-sized consistency proof is refused")
    func wrongConsistencyShape() throws {
        let f = Self.fixture
        var rng = SplitMix64(seed: 6)
        for _ in 0..<300 {
            let n = UInt64.random(in: 2...150, using: &rng)
            let m = UInt64.random(in: 1..<n, using: &rng)
            let proof = try f.tree.consistencyProof(from: m, to: n)
            let (root1, root2) = (f.referenceRoots[Int(m)], f.referenceRoots[Int(n)])
            #expect(throws: LogVerificationError.proofTooShort(count: proof.count - 1)) {
                try MerkleVerifier.verifyConsistency(firstSize: m, secondSize: n, firstRoot: root1, secondRoot: root2,
                                                     proof: Array(proof.dropLast()))
            }
            #expect(throws: LogVerificationError.proofTooLong(count: proof.count + 1)) {
                try MerkleVerifier.verifyConsistency(firstSize: m, secondSize: n, firstRoot: root1, secondRoot: root2,
                                                     proof: proof + [someHash])
            }
            #expect(!consistencyHolds(firstSize: m, secondSize: n, firstRoot: root1, secondRoot: root2, proof: [someHash] + proof))
            #expect(!consistencyHolds(firstSize: m, secondSize: n, firstRoot: root2, secondRoot: root1, proof: proof))
            #expect(!consistencyHolds(firstSize: m, secondSize: n, firstRoot: someHash, secondRoot: root2, proof: proof))
            #expect(!consistencyHolds(firstSize: m, secondSize: n, firstRoot: root1, secondRoot: someHash, proof: proof))
            // Other sizes whose proofs have another length cannot reuse this proof.
            let others = [(m - 1, n), (m + 1, n), (m ^ 2, n), (m, n - 1), (m, n + 1), (m, n * 2), (m, n / 2)]
            for (m2, n2) in others where m2 >= 1 && m2 < n2 && (m2, n2) != (m, n) {
                guard try f.tree.consistencyProof(from: m2, to: n2).count != proof.count else { continue }
                #expect(!consistencyHolds(firstSize: m2, secondSize: n2, firstRoot: root1, secondRoot: root2, proof: proof),
                        "\(m) to \(n) as \(m2) to \(n2)")
            }
        }
    }
}
