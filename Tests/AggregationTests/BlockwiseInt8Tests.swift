import NeuralCore
import Testing
@testable import Aggregation

@Suite struct BlockwiseInt8Tests {
    /// Values spanning six orders of magnitude across blocks, so that every block gets its own scale.
    static func varied(count: Int, seed: UInt64) -> [Float] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { j in
            let magnitude = [1e-4, 1e-2, 1, 100][(j / 256) % 4]
            return Float(NormalDistribution.sample(using: &generator) * magnitude)
        }
    }

    @Test func everyElementDecodesWithinHalfItsBlockScale() throws {
        let delta = Self.varied(count: UpdateFixtures.length, seed: 3)
        let codec = try BlockwiseInt8()
        let payload = try codec.encode(delta)
        let decoded = codec.decode(payload)
        #expect(decoded.count == delta.count)
        // Error in units of the element's block scale; the worst element and where it is.
        let (worstIndex, worst) = delta.indices.map { j in
            (j, abs(decoded[j] - delta[j]) / payload.scale(forElement: j))
        }.max { $0.1 < $1.1 } ?? (0, 0)
        // scale/2 from rounding to the nearest step, plus Float rounding of x/s and q·s.
        #expect(worst <= 0.5 + 2e-5, "element \(worstIndex) is \(worst) scales off")
        // The bound is tight: some element lands close to half a step away.
        #expect(worst > 0.45)
    }

    @Test func aHandComputedBlockEncodesToTheExpectedInt8Values() throws {
        let codec = try BlockwiseInt8(blockSize: 4)
        let payload = try codec.encode([1, -0.5, 0.25, 0, 2])
        // Block 0: absmax 1, scale 1/127; -63.5 rounds to even (-64), 31.75 to 32.
        // Block 1: absmax 2, scale 2/127, 2 → 127.
        #expect(payload.values == [127, -64, 32, 0, 127])
        #expect(payload.scales == [Float(1) / 127, Float(2) / 127])
        #expect(codec.decode(payload)[0] == 1)
    }

    @Test func byteCountIsOneBytePerElementPlusFourPerBlock() throws {
        let codec = try BlockwiseInt8()
        let payload = try codec.encode(Self.varied(count: UpdateFixtures.length, seed: 4))
        // 5,003 elements: 20 blocks (19 full, one of 139).
        #expect(payload.blockCount == 20)
        #expect(payload.byteCount == 5_003 + 4 * 20)
        #expect(abs(payload.compressionRatio - 20_012.0 / 5_083.0) < 1e-12)   // 3.937
    }

    @Test func theShippedModelSizeCompressesAbout3Point94Times() throws {
        let payload = try BlockwiseInt8().encode([Float](repeating: 0.5, count: 2_000_000))
        #expect(payload.byteCount == 2_000_000 + 4 * 7_813)
        #expect(payload.compressionRatio > 3.93 && payload.compressionRatio < 3.94)   // 3.938
        let small = try BlockwiseInt8(blockSize: 64).encode([Float](repeating: 0.5, count: 640))
        #expect(small.compressionRatio == 4.0 * 64 / 68)   // 3.76: smaller blocks cost more scales
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteInputIsRefusedWithItsIndex(bad: Float) throws {
        var delta = [Float](repeating: 1, count: 600)
        delta[517] = bad
        #expect(throws: CompressionError.nonFinite(index: 517)) { try BlockwiseInt8().encode(delta) }
        #expect(CompressionError.nonFinite(index: 517).code == "compression.non_finite")
    }

    @Test func zeroAndUnderflowingBlocksDecodeToZeros() throws {
        let codec = try BlockwiseInt8(blockSize: 2)
        let tiny = Float.leastNonzeroMagnitude
        let payload = try codec.encode([0, 0, tiny, -tiny, 3, 0])
        #expect(payload.scales[0] == 0 && payload.scales[1] == 0)
        #expect(codec.decode(payload) == [0, 0, 0, 0, 3, 0])
    }

    @Test func emptyDeltaEncodesToAnEmptyPayload() throws {
        let payload = try BlockwiseInt8().encode([])
        #expect(payload.byteCount == 0 && payload.blockCount == 0)
        #expect(try BlockwiseInt8().decode(payload).isEmpty)
    }

    @Test func encodingIsDeterministic() throws {
        let delta = Self.varied(count: 3_000, seed: 9)
        #expect(try BlockwiseInt8().encode(delta) == BlockwiseInt8().encode(delta))
    }

    @Test func aBlockSizeBelowOneIsRefused() {
        #expect(throws: CompressionError.invalidBlockSize(0)) { try BlockwiseInt8(blockSize: 0) }
    }

    @Test func payloadsWhosePartsDisagreeAreRefusedNamingTheField() throws {
        func field(_ body: () throws(CompressionError) -> QuantisedDelta) -> String? {
            do { _ = try body() } catch {
                if case let .malformedPayload(field, _) = error { return field }
            }
            return nil
        }
        #expect(field { () throws(CompressionError) in try QuantisedDelta(count: 3, blockSize: 2, values: [1, 2], scales: [1, 1]) } == "values")
        #expect(field { () throws(CompressionError) in try QuantisedDelta(count: 3, blockSize: 2, values: [1, 2, 3], scales: [1]) } == "scales")
        #expect(field { () throws(CompressionError) in try QuantisedDelta(count: 2, blockSize: 2, values: [1, 2], scales: [-1]) } == "scales")
        #expect(field { () throws(CompressionError) in try QuantisedDelta(count: 2, blockSize: 2, values: [1, 2], scales: [.nan]) } == "scales")
        #expect(field { () throws(CompressionError) in try QuantisedDelta(count: 2, blockSize: 2, values: [-128, 2], scales: [1]) } == "values")
        let valid = try QuantisedDelta(count: 3, blockSize: 2, values: [1, -2, 127], scales: [0.5, 0.25])
        #expect(try BlockwiseInt8().decode(valid) == [0.5, -1, 31.75])
    }
}
