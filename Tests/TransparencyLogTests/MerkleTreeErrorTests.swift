import Testing
@testable import TransparencyLog

@Suite struct MerkleTreeErrorTests {
    let tree = RFC6962Vectors.tree()

    @Test("An inclusion proof for an index at or past the tree size is refused")
    func indexOutOfRange() {
        #expect(throws: MerkleTreeError.indexOutOfRange(leafIndex: 5, treeSize: 5)) {
            try tree.inclusionProof(leafIndex: 5, treeSize: 5)
        }
        #expect(throws: MerkleTreeError.indexOutOfRange(leafIndex: 0, treeSize: 0)) {
            try tree.inclusionProof(leafIndex: 0, treeSize: 0)
        }
        #expect(throws: MerkleTreeError.indexOutOfRange(leafIndex: 8, treeSize: 8)) { try tree.leafHash(at: 8) }
    }

    @Test("A tree size the log has not reached is refused")
    func sizeOutOfRange() {
        #expect(throws: MerkleTreeError.sizeOutOfRange(treeSize: 9, logSize: 8)) { try tree.rootHash(size: 9) }
        #expect(throws: MerkleTreeError.sizeOutOfRange(treeSize: 9, logSize: 8)) {
            try tree.inclusionProof(leafIndex: 0, treeSize: 9)
        }
        #expect(throws: MerkleTreeError.sizeOutOfRange(treeSize: 12, logSize: 8)) { try tree.consistencyProof(from: 3, to: 12) }
        #expect(throws: MerkleTreeError.sizeOutOfRange(treeSize: 1, logSize: 0)) { try MerkleTree().rootHash(size: 1) }
    }

    @Test("A consistency proof from a larger size to a smaller one is refused")
    func invalidSizes() {
        #expect(throws: MerkleTreeError.invalidSizes(from: 6, to: 3)) { try tree.consistencyProof(from: 6, to: 3) }
    }

    @Test("Consistency proofs from the empty tree or to the same size are empty")
    func trivialConsistencyProofs() throws {
        #expect(try tree.consistencyProof(from: 0, to: 8).isEmpty)
        #expect(try tree.consistencyProof(from: 0, to: 0).isEmpty)
        #expect(try tree.consistencyProof(from: 5, to: 5).isEmpty)
    }

    @Test("Tree errors carry stable codes and a message naming the numbers")
    func codesAndMessages() {
        let index = MerkleTreeError.indexOutOfRange(leafIndex: 9, treeSize: 8)
        #expect(index.code == "index_out_of_range")
        #expect(index.message.contains("0 to 7"))
        #expect(MerkleTreeError.indexOutOfRange(leafIndex: 0, treeSize: 0).message.contains("empty tree"))
        let size = MerkleTreeError.sizeOutOfRange(treeSize: 12, logSize: 8)
        #expect(size.code == "size_out_of_range")
        #expect(size.message.contains("12") && size.message.contains("at most 8"))
        #expect(MerkleTreeError.invalidSizes(from: 6, to: 3).code == "invalid_sizes")
        #expect(index.description.hasPrefix("index_out_of_range: "))
    }
}
