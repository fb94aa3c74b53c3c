import Testing
@testable import TransparencyLog

/// Known answers for the eight-leaf RFC 6962 test tree used across Certificate Transparency
/// implementations. Values copied from transparency-dev/merkle:
/// testonly/constants.go (leaf inputs, node hashes per level, root per size),
/// proof/verify_test.go (inclusion and consistency proofs, the corruptions tried on them),
/// proof/proof_test.go (which nodes make up each proof) and rfc6962/rfc6962_test.go (hash examples).
enum RFC6962Vectors {
    static let leafInputs: [[UInt8]] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ].map(hexBytes)

    /// `roots[n]` is the root of the tree over the first n leaves.
    static let roots: [Hash] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hash)

    /// `nodes[h][i]` is the hash of the perfect subtree over leaves i·2^h ..< (i+1)·2^h.
    static let nodes: [[Hash]] = [
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
            "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
        ],
        [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        ],
        [
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
        ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
    ].map { $0.map(hash) }

    struct InclusionCase: Sendable, CustomStringConvertible {
        let leafIndex: UInt64
        let treeSize: UInt64
        let proof: [Hash]
        var description: String { "leaf \(leafIndex) of \(treeSize)" }
    }

    struct ConsistencyCase: Sendable, CustomStringConvertible {
        let firstSize: UInt64
        let secondSize: UInt64
        let proof: [Hash]
        var description: String { "\(firstSize) to \(secondSize)" }
    }

    /// verify_test.go's inclusion proofs (its leaf numbers count from 1; these from 0).
    static let inclusionProofs: [InclusionCase] = [
        InclusionCase(leafIndex: 0, treeSize: 1, proof: []),
        InclusionCase(leafIndex: 0, treeSize: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ].map(hash)),
        InclusionCase(leafIndex: 5, treeSize: 8, proof: [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hash)),
        InclusionCase(leafIndex: 2, treeSize: 3, proof: [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ].map(hash)),
        InclusionCase(leafIndex: 1, treeSize: 5, proof: [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ].map(hash)),
    ]

    /// verify_test.go's consistency proofs.
    static let consistencyProofs: [ConsistencyCase] = [
        ConsistencyCase(firstSize: 1, secondSize: 1, proof: []),
        ConsistencyCase(firstSize: 1, secondSize: 8, proof: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ].map(hash)),
        ConsistencyCase(firstSize: 6, secondSize: 8, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hash)),
        ConsistencyCase(firstSize: 2, secondSize: 5, proof: [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ].map(hash)),
        ConsistencyCase(firstSize: 6, secondSize: 7, proof: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hash)),
    ]

    /// proof_test.go lists proofs as tree nodes; these are those nodes' published hashes.
    /// `ij` is the node over leaves 4...6 of the seven-leaf tree, which the Go test rebuilds
    /// from nodes i = nodes[1][2] and j = nodes[0][6].
    static var structuralInclusionProofs: [InclusionCase] {
        let n = nodes
        let ij = Hash.node(left: n[1][2], right: n[0][6])
        return [
            InclusionCase(leafIndex: 0, treeSize: 2, proof: [n[0][1]]),
            InclusionCase(leafIndex: 1, treeSize: 2, proof: [n[0][0]]),
            InclusionCase(leafIndex: 1, treeSize: 3, proof: [n[0][0], n[0][2]]),
            InclusionCase(leafIndex: 0, treeSize: 7, proof: [n[0][1], n[1][1], ij]),
            InclusionCase(leafIndex: 1, treeSize: 7, proof: [n[0][0], n[1][1], ij]),
            InclusionCase(leafIndex: 2, treeSize: 7, proof: [n[0][3], n[1][0], ij]),
            InclusionCase(leafIndex: 3, treeSize: 7, proof: [n[0][2], n[1][0], ij]),
            InclusionCase(leafIndex: 4, treeSize: 7, proof: [n[0][5], n[0][6], n[2][0]]),
            InclusionCase(leafIndex: 5, treeSize: 7, proof: [n[0][4], n[0][6], n[2][0]]),
            InclusionCase(leafIndex: 6, treeSize: 7, proof: [n[1][2], n[2][0]]),
            InclusionCase(leafIndex: 2, treeSize: 4, proof: [n[0][3], n[1][0]]),
            InclusionCase(leafIndex: 3, treeSize: 5, proof: [n[0][2], n[1][0], n[0][4]]),
            InclusionCase(leafIndex: 3, treeSize: 6, proof: [n[0][2], n[1][0], n[1][2]]),
            InclusionCase(leafIndex: 4, treeSize: 6, proof: [n[0][5], n[2][0]]),
        ]
    }

    static var structuralConsistencyProofs: [ConsistencyCase] {
        let n = nodes
        let ij = Hash.node(left: n[1][2], right: n[0][6])
        return [
            ConsistencyCase(firstSize: 1, secondSize: 2, proof: [n[0][1]]),
            ConsistencyCase(firstSize: 1, secondSize: 4, proof: [n[0][1], n[1][1]]),
            ConsistencyCase(firstSize: 1, secondSize: 6, proof: [n[0][1], n[1][1], n[1][2]]),
            ConsistencyCase(firstSize: 2, secondSize: 3, proof: [n[0][2]]),
            ConsistencyCase(firstSize: 2, secondSize: 8, proof: [n[1][1], n[2][1]]),
            ConsistencyCase(firstSize: 3, secondSize: 7, proof: [n[0][2], n[0][3], n[1][0], ij]),
            ConsistencyCase(firstSize: 4, secondSize: 7, proof: [ij]),
            ConsistencyCase(firstSize: 5, secondSize: 7, proof: [n[0][4], n[0][5], n[0][6], n[2][0]]),
            ConsistencyCase(firstSize: 6, secondSize: 7, proof: [n[1][2], n[0][6], n[2][0]]),
            ConsistencyCase(firstSize: 7, secondSize: 8, proof: [n[0][6], n[0][7], n[1][2], n[2][0]]),
            ConsistencyCase(firstSize: 2, secondSize: 4, proof: [n[1][1]]),
            ConsistencyCase(firstSize: 3, secondSize: 5, proof: [n[0][2], n[0][3], n[1][0], n[0][4]]),
            ConsistencyCase(firstSize: 3, secondSize: 6, proof: [n[0][2], n[0][3], n[1][0], n[1][2]]),
            ConsistencyCase(firstSize: 4, secondSize: 6, proof: [n[1][2]]),
            ConsistencyCase(firstSize: 1, secondSize: 7, proof: [n[0][1], n[1][1], ij]),
        ]
    }

    static func tree() -> MerkleTree {
        var tree = MerkleTree()
        for leaf in leafInputs { tree.append(leafBytes: leaf) }
        return tree
    }
}

@Suite struct RFC6962VectorTests {
    @Test("Leaf and empty-tree hashing match the RFC 6962 examples")
    func hashingExamples() {
        #expect(Hash.emptyTree.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hash.leaf([UInt8]()).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(Hash.leaf(Array("L123456".utf8)).hex == "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
    }

    @Test("The root of every prefix of the eight test leaves matches the published root")
    func rootsForEverySize() throws {
        let tree = RFC6962Vectors.tree()
        #expect(tree.size == 8)
        #expect(tree.rootHash == RFC6962Vectors.roots[8])
        for size in 0...8 {
            #expect(try tree.rootHash(size: UInt64(size)) == RFC6962Vectors.roots[size], "size \(size)")
        }
    }

    @Test("Appending one leaf at a time gives the published root at each size")
    func rootsWhileGrowing() {
        var tree = MerkleTree()
        #expect(tree.rootHash == RFC6962Vectors.roots[0])
        for (i, leaf) in RFC6962Vectors.leafInputs.enumerated() {
            #expect(tree.append(leafBytes: leaf) == UInt64(i))
            #expect(tree.rootHash == RFC6962Vectors.roots[i + 1], "size \(i + 1)")
        }
    }

    @Test("Every complete subtree hashes to the published node hash")
    func nodeHashes() throws {
        let tree = RFC6962Vectors.tree()
        let leafHashes = try (0..<8).map { (i: UInt64) throws(MerkleTreeError) in try tree.leafHash(at: i) }
        for (height, level) in RFC6962Vectors.nodes.enumerated() {
            let width = 1 << height
            for (i, expected) in level.enumerated() {
                let subtree = MerkleTree(leafHashes: Array(leafHashes[(i * width)..<((i + 1) * width)]))
                #expect(subtree.rootHash == expected, "level \(height) node \(i)")
            }
        }
    }

    @Test("The tree produces the published inclusion proofs and they verify",
          arguments: RFC6962Vectors.inclusionProofs + RFC6962Vectors.structuralInclusionProofs)
    func inclusionProofs(_ vector: RFC6962Vectors.InclusionCase) throws {
        let tree = RFC6962Vectors.tree()
        #expect(try tree.inclusionProof(leafIndex: vector.leafIndex, treeSize: vector.treeSize) == vector.proof)
        try MerkleVerifier.verifyInclusion(leafHash: .leaf(RFC6962Vectors.leafInputs[Int(vector.leafIndex)]),
                                           leafIndex: vector.leafIndex, treeSize: vector.treeSize,
                                           proof: vector.proof, rootHash: RFC6962Vectors.roots[Int(vector.treeSize)])
    }

    @Test("The tree produces the published consistency proofs and they verify",
          arguments: RFC6962Vectors.consistencyProofs + RFC6962Vectors.structuralConsistencyProofs)
    func consistencyProofs(_ vector: RFC6962Vectors.ConsistencyCase) throws {
        let tree = RFC6962Vectors.tree()
        #expect(try tree.consistencyProof(from: vector.firstSize, to: vector.secondSize) == vector.proof)
        try MerkleVerifier.verifyConsistency(firstSize: vector.firstSize, secondSize: vector.secondSize,
                                             firstRoot: RFC6962Vectors.roots[Int(vector.firstSize)],
                                             secondRoot: RFC6962Vectors.roots[Int(vector.secondSize)],
                                             proof: vector.proof)
    }

    @Test("Each corruption of a published inclusion proof is refused", arguments: RFC6962Vectors.inclusionProofs)
    func corruptedInclusionProofs(_ vector: RFC6962Vectors.InclusionCase) {
        let root = RFC6962Vectors.roots[Int(vector.treeSize)]
        let leaf = Hash.leaf(RFC6962Vectors.leafInputs[Int(vector.leafIndex)])
        let (index, size, proof) = (vector.leafIndex, vector.treeSize, vector.proof)
        var probes: [(String, UInt64, UInt64, Hash, [Hash], Hash)] = [
            ("index - 1", index &- 1, size, leaf, proof, root),
            ("index + 1", index + 1, size, leaf, proof, root),
            ("index ^ 2", index ^ 2, size, leaf, proof, root),
            ("size * 2", index, size * 2, leaf, proof, root),
            ("size / 2", index, size / 2, leaf, proof, root),
            ("wrong leaf", index, size, .leaf(Array("WrongLeaf".utf8)), proof, root),
            ("empty root", index, size, leaf, proof, .emptyTree),
            ("random root", index, size, leaf, proof, someHash),
            ("trailing garbage", index, size, leaf, proof + [someHash], root),
            ("trailing root", index, size, leaf, proof + [root], root),
            ("preceding garbage", index, size, leaf, [someHash] + proof, root),
            ("preceding root", index, size, leaf, [root] + proof, root),
        ]
        for i in proof.indices {
            probes.append(("proof[\(i)] bit 3", index, size, leaf, flippingByte(of: proof, at: i, mask: 8), root))
        }
        if !proof.isEmpty {
            probes.append(("removed component", index, size, leaf, Array(proof.dropLast()), root))
        }
        if proof.count > 1 {
            probes.append(("inserted component", index, size, leaf, [proof[0], someHash] + proof.dropFirst(), root))
        }
        for (name, index, size, leaf, proof, root) in probes {
            #expect(!inclusionHolds(leafHash: leaf, leafIndex: index, treeSize: size, proof: proof, rootHash: root), "\(name)")
        }
    }

    @Test("Each corruption of a published consistency proof is refused",
          arguments: RFC6962Vectors.consistencyProofs.filter { !$0.proof.isEmpty })
    func corruptedConsistencyProofs(_ vector: RFC6962Vectors.ConsistencyCase) {
        let (size1, size2, proof) = (vector.firstSize, vector.secondSize, vector.proof)
        let root1 = RFC6962Vectors.roots[Int(size1)]
        let root2 = RFC6962Vectors.roots[Int(size2)]
        let wrongRoot = Hash.leaf(Array("WrongRoot".utf8))
        var probes: [(String, UInt64, UInt64, Hash, Hash, [Hash])] = [
            ("size1 - 1", size1 - 1, size2, root1, root2, proof),
            ("size1 + 1", size1 + 1, size2, root1, root2, proof),
            ("size1 ^ 2", size1 ^ 2, size2, root1, root2, proof),
            ("size2 * 2", size1, size2 * 2, root1, root2, proof),
            ("size2 / 2", size1, size2 / 2, root1, root2, proof),
            ("wrong root1", size1, size2, wrongRoot, root2, proof),
            ("wrong root2", size1, size2, root1, wrongRoot, proof),
            ("swapped roots", size1, size2, root2, root1, proof),
            ("empty proof", size1, size2, root1, root2, []),
            ("trailing garbage", size1, size2, root1, root2, proof + [someHash]),
            ("trailing root1", size1, size2, root1, root2, proof + [root1]),
            ("trailing root2", size1, size2, root1, root2, proof + [root2]),
            ("preceding garbage", size1, size2, root1, root2, [someHash] + proof),
            ("preceding root1", size1, size2, root1, root2, [root1] + proof),
            ("preceding root2", size1, size2, root1, root2, [root2] + proof),
            ("preceding proof[0]", size1, size2, root1, root2, [proof[0]] + proof),
            ("truncated proof", size1, size2, root1, root2, Array(proof.dropLast())),
        ]
        for i in proof.indices {
            probes.append(("proof[\(i)] bit 4", size1, size2, root1, root2, flippingByte(of: proof, at: i, mask: 16)))
        }
        for (name, size1, size2, root1, root2, proof) in probes {
            #expect(!consistencyHolds(firstSize: size1, secondSize: size2, firstRoot: root1, secondRoot: root2, proof: proof),
                    "\(name)")
        }
    }
}
