import NeuralCore
import Testing
@testable import Aggregation

@Suite struct TopKTests {
    @Test func keepsExactlyTheLargestMagnitudesInAscendingIndexOrder() throws {
        var generator = Xoshiro256StarStar(seed: 11)
        let delta = (0..<UpdateFixtures.length).map { _ in Float(NormalDistribution.sample(using: &generator)) }
        let codec = try TopK(fraction: 0.01)
        let sparse = try codec.encode(delta)
        #expect(sparse.indices.count == 51)   // ⌈0.01 · 5,003⌉
        let expected = delta.indices.sorted { abs(delta[$0]) > abs(delta[$1]) }.prefix(51).sorted()
        #expect(sparse.indices.map(Int.init) == expected)
        #expect(sparse.values == expected.map { delta[$0] })
        let kept = Set(expected)
        #expect(codec.decode(sparse) == delta.indices.map { kept.contains($0) ? delta[$0] : 0 })
    }

    @Test func magnitudesThatDifferOnlyInTheLowBitsAreOrderedExactly() throws {
        // All in one high-16-bit bin, so the second radix pass decides.
        let base = Float(1.5)
        let delta = (0..<100).map { Float(bitPattern: base.bitPattern + UInt32(($0 * 37) % 100)) * ($0 % 2 == 0 ? 1 : -1) }
        let sparse = try TopK(fraction: 0.1).encode(delta)
        let expected = delta.indices.sorted { abs(delta[$0]) > abs(delta[$1]) }.prefix(10).sorted()
        #expect(sparse.indices.map(Int.init) == expected)
    }

    @Test func tiesAtTheThresholdGoToTheLowestIndices() throws {
        let sparse = try TopK(fraction: 0.5).encode([1, -1, 1, 1, 0.5, -2])
        #expect(sparse.indices == [0, 1, 5])
        #expect(sparse.values == [1, -1, -2])
    }

    @Test func byteCountIsEightBytesPerKeptElement() throws {
        let sparse = try TopK(fraction: 0.01).encode([Float](repeating: 1, count: 10_000))
        #expect(sparse.byteCount == 100 * 8)
        #expect(sparse.compressionRatio == 50)
    }

    @Test func nonFiniteInputIsRefused() throws {
        var delta = [Float](repeating: 1, count: 50)
        delta[7] = -.infinity
        #expect(throws: CompressionError.nonFinite(index: 7)) { try TopK(fraction: 0.5).encode(delta) }
    }

    @Test(arguments: [0, -0.1, 1.5, Double.nan])
    func aFractionOutsideZeroToOneIsRefused(fraction: Double) {
        #expect(throws: CompressionError.self) { try TopK(fraction: fraction) }
    }

    @Test func malformedSparsePayloadsAreRefused() throws {
        #expect(throws: CompressionError.self) { try SparseDelta(count: 10, indices: [3, 2], values: [1, 1]) }
        #expect(throws: CompressionError.self) { try SparseDelta(count: 10, indices: [3, 3], values: [1, 1]) }
        #expect(throws: CompressionError.self) { try SparseDelta(count: 10, indices: [10], values: [1]) }
        #expect(throws: CompressionError.self) { try SparseDelta(count: 10, indices: [1], values: [.nan]) }
        #expect(throws: CompressionError.self) { try SparseDelta(count: 10, indices: [1, 2], values: [1]) }
        let valid = try SparseDelta(count: 4, indices: [1, 3], values: [2, -1])
        #expect(try TopK(fraction: 0.5).decode(valid) == [0, 2, 0, -1])
    }
}
