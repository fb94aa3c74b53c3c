import Foundation
@testable import NeuralCore
import Testing

/// Central differences of `loss` with respect to `x[i]` for each `i` in `indices`.
/// `loss` sees the perturbed array; it should accumulate in Double.
func numericGradient(_ x: [Float], indices: [Int], eps: Float, loss: ([Float]) -> Double) -> [Double] {
    var x = x
    return indices.map { i in
        let saved = x[i]
        x[i] = saved + eps
        let plus = loss(x)
        x[i] = saved - eps
        let minus = loss(x)
        x[i] = saved
        return (plus - minus) / Double(2 * eps)
    }
}

/// Fails with the worst index when `|analytic − numeric| > atol + rtol·max(|analytic|, |numeric|)`.
func expectGradientsClose(
    _ analytic: [Float], _ numeric: [Double], indices: [Int], atol: Double = 2e-3, rtol: Double = 1e-2,
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    var worst: (excess: Double, index: Int, a: Double, n: Double) = (0, -1, 0, 0)
    for (k, i) in indices.enumerated() {
        let a = Double(analytic[i]), n = numeric[k]
        let excess = abs(a - n) - (atol + rtol * max(abs(a), abs(n)))
        if excess > worst.excess { worst = (excess, i, a, n) }
    }
    #expect(worst.index < 0, "\(what): index \(worst.index) analytic \(worst.a) numeric \(worst.n)", sourceLocation: sourceLocation)
}

/// Deterministic pseudo-random floats in [-scale, scale).
func randomFloats(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var rng = TrainingRNG(seed: seed)
    return (0..<count).map { _ in (rng.nextUniform() * 2 - 1) * scale }
}

func dot(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory(_ name: String = #function) -> String {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "neuralcore-\(safe)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

extension LlamaConfig {
    /// Small enough for finite differences in a debug build; grouped kv heads on purpose.
    static let gradientCheck = LlamaConfig(dim: 8, hidden: 12, layers: 2, heads: 2, kvHeads: 1, vocab: 13, seqLen: 6)
}
