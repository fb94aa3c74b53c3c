import Testing
@testable import TransparencyLog

@Suite struct VerificationEdgeCaseTests {
    let roots = RFC6962Vectors.roots

    @Test("Inclusion in a tree too small for the index is refused before any hashing")
    func inclusionIndexOutOfRange() {
        #expect(throws: LogVerificationError.indexOutOfRange(leafIndex: 0, treeSize: 0)) {
            try MerkleVerifier.verifyInclusion(leafHash: .emptyTree, leafIndex: 0, treeSize: 0, proof: [], rootHash: .emptyTree)
        }
        #expect(throws: LogVerificationError.indexOutOfRange(leafIndex: 8, treeSize: 8)) {
            try MerkleVerifier.verifyInclusion(leafHash: roots[1], leafIndex: 8, treeSize: 8, proof: [], rootHash: roots[8])
        }
    }

    @Test("A one-leaf tree's root is its leaf hash and its proof is empty")
    func singleLeaf() throws {
        let leaf = Hash.leaf(Array("data".utf8))
        try MerkleVerifier.verifyInclusion(leafHash: leaf, leafIndex: 0, treeSize: 1, proof: [], rootHash: leaf)
        #expect(throws: LogVerificationError.rootMismatch) {
            try MerkleVerifier.verifyInclusion(leafHash: leaf, leafIndex: 0, treeSize: 1, proof: [], rootHash: someHash)
        }
        #expect(throws: LogVerificationError.proofTooLong(count: 1)) {
            try MerkleVerifier.verifyInclusion(leafHash: leaf, leafIndex: 0, treeSize: 1, proof: [leaf], rootHash: leaf)
        }
    }

    @Test("A consistency check from a larger size to a smaller one is refused")
    func consistencyBackwards() {
        #expect(throws: LogVerificationError.invalidSizes(firstSize: 2, secondSize: 1)) {
            try MerkleVerifier.verifyConsistency(firstSize: 2, secondSize: 1, firstRoot: roots[2], secondRoot: roots[1], proof: [])
        }
    }

    @Test("Equal sizes are consistent only with equal roots and an empty proof")
    func equalSizes() throws {
        try MerkleVerifier.verifyConsistency(firstSize: 5, secondSize: 5, firstRoot: roots[5], secondRoot: roots[5], proof: [])
        try MerkleVerifier.verifyConsistency(firstSize: 0, secondSize: 0, firstRoot: .emptyTree, secondRoot: .emptyTree, proof: [])
        #expect(throws: LogVerificationError.secondRootMismatch) {
            try MerkleVerifier.verifyConsistency(firstSize: 5, secondSize: 5, firstRoot: roots[5], secondRoot: roots[6], proof: [])
        }
        #expect(throws: LogVerificationError.proofTooLong(count: 1)) {
            try MerkleVerifier.verifyConsistency(firstSize: 5, secondSize: 5, firstRoot: roots[5], secondRoot: roots[5],
                                                 proof: [.emptyTree])
        }
    }

    @Test("Every tree extends the empty tree, whose root must be the empty-tree hash")
    func fromEmptyTree() throws {
        try MerkleVerifier.verifyConsistency(firstSize: 0, secondSize: 8, firstRoot: .emptyTree, secondRoot: roots[8], proof: [])
        #expect(throws: LogVerificationError.firstRootMismatch) {
            try MerkleVerifier.verifyConsistency(firstSize: 0, secondSize: 8, firstRoot: roots[1], secondRoot: roots[8], proof: [])
        }
        #expect(throws: LogVerificationError.proofTooLong(count: 1)) {
            try MerkleVerifier.verifyConsistency(firstSize: 0, secondSize: 8, firstRoot: .emptyTree, secondRoot: roots[8],
                                                 proof: [roots[8]])
        }
    }

    @Test("A growing tree with an empty consistency proof is refused")
    func emptyProofForGrowth() {
        #expect(throws: LogVerificationError.proofTooShort(count: 0)) {
            try MerkleVerifier.verifyConsistency(firstSize: 1, secondSize: 2, firstRoot: roots[1], secondRoot: roots[2], proof: [])
        }
    }

    @Test("A consistency proof naming the wrong older or newer root says which")
    func rootMismatches() {
        let proof = RFC6962Vectors.consistencyProofs[2].proof  // 6 to 8
        #expect(throws: LogVerificationError.firstRootMismatch) {
            try MerkleVerifier.verifyConsistency(firstSize: 6, secondSize: 8, firstRoot: roots[5], secondRoot: roots[8], proof: proof)
        }
        #expect(throws: LogVerificationError.secondRootMismatch) {
            try MerkleVerifier.verifyConsistency(firstSize: 6, secondSize: 8, firstRoot: roots[6], secondRoot: roots[7], proof: proof)
        }
    }

    @Test("Verification errors carry stable codes")
    func codes() {
        let all: [LogVerificationError] = [
            .indexOutOfRange(leafIndex: 1, treeSize: 1), .invalidSizes(firstSize: 2, secondSize: 1),
            .proofTooShort(count: 0), .proofTooLong(count: 4), .rootMismatch, .firstRootMismatch,
            .secondRootMismatch, .invalidSignature,
        ]
        #expect(all.map(\.code) == [
            "index_out_of_range", "invalid_sizes", "proof_too_short", "proof_too_long", "root_mismatch",
            "first_root_mismatch", "second_root_mismatch", "invalid_signature",
        ])
        #expect(all.allSatisfy { !$0.message.isEmpty && $0.description.hasPrefix($0.code + ": ") })
    }
}
