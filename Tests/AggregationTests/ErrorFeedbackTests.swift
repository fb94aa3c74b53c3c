import NeuralCore
import Testing
@testable import Aggregation

@Suite struct ErrorFeedbackTests {
    /// Each round every block holds one large element (1.0) and 255 small ones (0.001): alone,
    /// int8 with scale 1/127 rounds every small element to 0, round after round.
    static func delta(count: Int) -> [Float] {
        (0..<count).map { $0 % 256 == 0 ? 1 : 0.001 }
    }

    @Test func decodedSumTracksTheTrueSumWithinHalfAScaleOver200Rounds() throws {
        let count = 1_000
        let rounds = 200
        let codec = try BlockwiseInt8()
        var feedback = ErrorFeedback(codec: codec, count: count)
        var trueSum = [Double](repeating: 0, count: count)
        var withFeedback = [Double](repeating: 0, count: count)
        var withoutFeedback = [Double](repeating: 0, count: count)
        var largestScale: Float = 0
        for _ in 0..<rounds {
            let delta = Self.delta(count: count)
            let payload = try feedback.compress(delta)
            largestScale = max(largestScale, payload.scales.max() ?? 0)
            for (j, value) in codec.decode(payload).enumerated() { withFeedback[j] += Double(value) }
            for (j, value) in codec.decode(try codec.encode(delta)).enumerated() { withoutFeedback[j] += Double(value) }
            for j in 0..<count { trueSum[j] += Double(delta[j]) }
        }
        let errorWith = zip(trueSum, withFeedback).map { abs($0 - $1) }.max() ?? 0
        let errorWithout = zip(trueSum, withoutFeedback).map { abs($0 - $1) }.max() ?? 0
        // Measured: 0.0031 with feedback (scale/2 = 0.0039), 0.2 without: alone, each small
        // element loses its 0.001 every round.
        #expect(errorWith <= Double(largestScale) * 0.5 + 1e-4)
        #expect(errorWithout > 0.19)
        // The residual is exactly what is still owed.
        let owed = (0..<count).map { abs(trueSum[$0] - withFeedback[$0] - Double(feedback.residual[$0])) }
        #expect((owed.max() ?? 0) < 1e-4)
    }

    @Test func topKWithFeedbackKeepsTheResidualBoundedWhileDroppingGrows() throws {
        let count = 2_000
        let codec = try TopK(fraction: 0.05)
        var feedback = ErrorFeedback(codec: codec, count: count)
        var generator = Xoshiro256StarStar(seed: 5)
        var trueSum = [Double](repeating: 0, count: count)
        var withFeedback = [Double](repeating: 0, count: count)
        var withoutFeedback = [Double](repeating: 0, count: count)
        for _ in 0..<200 {
            // A consistent direction (+0.01 everywhere) under noise, as in training.
            let delta = (0..<count).map { _ in Float(0.01 + 0.02 * NormalDistribution.sample(using: &generator)) }
            for (j, value) in codec.decode(try feedback.compress(delta)).enumerated() { withFeedback[j] += Double(value) }
            for (j, value) in codec.decode(try codec.encode(delta)).enumerated() { withoutFeedback[j] += Double(value) }
            for j in 0..<count { trueSum[j] += Double(delta[j]) }
        }
        func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot() }
        let errorWith = distance(trueSum, withFeedback)
        let errorWithout = distance(trueSum, withoutFeedback)
        #expect(abs(errorWith - feedback.residualNorm) < 1e-3 * max(1, errorWith))
        // Measured: 4.3 with feedback against 70.5 without (the true sum's norm is 90.3).
        #expect(errorWith < 0.1 * errorWithout)
    }

    @Test func aDeltaOfTheWrongLengthIsRefusedAndTheResidualKept() throws {
        var feedback = ErrorFeedback(codec: try BlockwiseInt8(), count: 300)
        _ = try feedback.compress(Self.delta(count: 300))
        let before = feedback.residual
        #expect(throws: CompressionError.wrongLength(expected: 300, got: 299)) { try feedback.compress(Self.delta(count: 299)) }
        #expect(feedback.residual == before)
    }

    @Test func aNonFiniteDeltaIsRefusedAndTheResidualKept() throws {
        var feedback = ErrorFeedback(codec: try BlockwiseInt8(), count: 300)
        _ = try feedback.compress(Self.delta(count: 300))
        let before = feedback.residual
        var bad = Self.delta(count: 300)
        bad[42] = .nan
        #expect(throws: CompressionError.nonFinite(index: 42)) { try feedback.compress(bad) }
        #expect(feedback.residual == before)
    }

    @Test func resetDropsTheResidual() throws {
        var feedback = ErrorFeedback(codec: try BlockwiseInt8(), count: 300)
        _ = try feedback.compress(Self.delta(count: 300))
        #expect(feedback.residualNorm > 0)
        feedback.reset()
        #expect(feedback.residualNorm == 0 && feedback.residual.count == 300)
    }
}
