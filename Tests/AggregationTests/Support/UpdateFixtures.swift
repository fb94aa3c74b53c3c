import NeuralCore
@testable import Aggregation

/// Simulated DiLoCo deltas: a shared direction g (the "true" progress, ‖g‖ ≈ 1) plus each
/// runner's own noise of about the same norm, as with non-IID data shards.
enum UpdateFixtures {
    /// Elements per update; not a multiple of 16 or 256 so that every kernel's tail runs.
    static let length = 5_003

    /// `count` honest updates, reproducible from `seed`.
    static func honest(count: Int, length: Int = length, seed: UInt64, noise: Double = 1) -> [[Float]] {
        var generator = Xoshiro256StarStar(seed: seed)
        let unit = 1 / Double(length).squareRoot()
        let direction = (0..<length).map { _ in NormalDistribution.sample(using: &generator) * unit }
        return (0..<count).map { _ in
            direction.map { Float($0 + noise * unit * NormalDistribution.sample(using: &generator)) }
        }
    }

    /// Plain mean, computed independently of the module's kernels (Double accumulation).
    static func mean(_ updates: [[Float]]) -> [Float] {
        (0..<updates[0].count).map { j in
            Float(updates.reduce(0.0) { $0 + Double($1[j]) } / Double(updates.count))
        }
    }

    static func distance(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { sum, pair in
            let e = Double(pair.0) - Double(pair.1)
            return sum + e * e
        }.squareRoot()
    }

    static func norm(_ a: [Float]) -> Double {
        a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }
}
