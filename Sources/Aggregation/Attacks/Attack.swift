import NeuralCore

/// Ways a malicious runner corrupts its update, for tests, benchmarks and `purr runner --attack`.
///
/// Each attack derives its updates from honest ones: attacker j's "own" honest update is
/// `honest[j % honest.count]`, and ALIE uses the statistics of all of `honest` (an omniscient,
/// colluding adversary, as in the papers). Everything random comes from the generator passed
/// in, so a seed reproduces the attack exactly.
///
/// ```swift
/// let attackers = try Attack.alie(z: nil).craft(count: 7, from: honest, seed: 42)
/// ```
public enum Attack: Sendable, Hashable {
    /// Gaussian noise rescaled to the attacker's own honest norm: garbage that norm checks pass.
    case random
    /// The attacker's own honest update negated: pushes the model uphill.
    case signFlip
    /// The attacker's own honest update times k: a large k dominates a plain mean (model
    /// replacement in backdoor attacks scales by about n).
    case scale(Float)
    /// "A Little Is Enough" (Baruch et al., 2019): every attacker sends mean − z·std,
    /// coordinate-wise over the honest updates, a shift small enough to hide inside the honest
    /// spread. `z` nil takes the paper's z_max for n workers of which f attack
    /// (``alieZ(workers:attackers:)``).
    case alie(z: Float?)
    /// All zeros: a free-rider that trains nothing.
    case zeros
    /// A copy of a random honest update: a free-rider replaying someone else's work.
    case copy
    /// The attacker's own honest update with one NaN at a random coordinate: the smallest
    /// corruption that poisons an unchecked mean.
    case nan

    /// Parses the command-line spelling: `random`, `signflip`, `scale:K`, `alie`, `alie:Z`,
    /// `zeros`, `copy` or `nan`.
    /// - Throws: ``AttackError/unknownAttack(_:)`` or ``AttackError/invalidParameter(name:detail:)``.
    public init(parsing text: String) throws(AttackError) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        let argument = parts.count == 2 ? parts[1] : nil
        switch (parts.first ?? "", argument) {
        case ("random", nil): self = .random
        case ("signflip", nil): self = .signFlip
        case ("zeros", nil): self = .zeros
        case ("copy", nil): self = .copy
        case ("nan", nil): self = .nan
        case ("alie", nil): self = .alie(z: nil)
        case let ("alie", value?):
            guard let z = Float(value), z.isFinite else { throw .invalidParameter(name: "z", detail: "\"\(value)\" is not a finite number") }
            self = .alie(z: z)
        case let ("scale", value?):
            guard let k = Float(value), k.isFinite else { throw .invalidParameter(name: "k", detail: "\"\(value)\" is not a finite number") }
            self = .scale(k)
        default:
            throw .unknownAttack(text)
        }
    }

    /// The command-line spelling, the inverse of ``init(parsing:)``.
    public var name: String {
        switch self {
        case .random: "random"
        case .signFlip: "signflip"
        case let .scale(k): "scale:\(k)"
        case let .alie(z): z.map { "alie:\($0)" } ?? "alie"
        case .zeros: "zeros"
        case .copy: "copy"
        case .nan: "nan"
        }
    }

    /// ALIE's z_max for n workers of which f attack: s = ⌊n/2 + 1⌋ − f honest workers must be
    /// "won over" to the attackers' side, and z = Φ⁻¹((n − s)/n).
    /// - Throws: ``AttackError/invalidParameter(name:detail:)`` unless 0 < f and s ≥ 1 (the
    ///   formula assumes the attackers are a minority).
    public static func alieZ(workers n: Int, attackers f: Int) throws(AttackError) -> Double {
        guard n >= 1, f >= 1, f <= n else {
            throw .invalidParameter(name: "attackers", detail: "\(f) attackers among \(n) workers")
        }
        let supporters = n / 2 + 1 - f
        guard supporters >= 1 else {
            throw .invalidParameter(name: "attackers", detail: "\(f) of \(n) workers is no minority; ALIE's z is undefined")
        }
        return NormalDistribution.quantile(Double(n - supporters) / Double(n))
    }

    /// Crafts `count` malicious updates from `honest`.
    /// - Parameters:
    ///   - count: attackers, each producing one update.
    ///   - honest: honest updates of equal length the attackers can see.
    ///   - totalWorkers: n for ALIE's z; `honest.count + count` when nil.
    ///   - generator: the source of randomness.
    /// - Throws: ``AttackError`` for no or unequal honest updates or a bad parameter.
    public func craft(
        count: Int, from honest: [[Float]], totalWorkers: Int? = nil, using generator: inout some RandomNumberGenerator
    ) throws(AttackError) -> [[Float]] {
        guard let first = honest.first else { throw .noHonestUpdates }
        if let index = honest.firstIndex(where: { $0.count != first.count }) { throw .unequalLengths(index: index) }
        guard count >= 0 else { throw .invalidParameter(name: "count", detail: "\(count) is negative") }
        let length = first.count
        switch self {
        case .random:
            return (0..<count).map { j in
                let own = honest[j % honest.count]
                let target = own.withUnsafeBufferPointer { VectorKernels.norm($0) }
                var noise = (0..<length).map { _ in Float(NormalDistribution.sample(using: &generator)) }
                let current = noise.withUnsafeBufferPointer { VectorKernels.norm($0) }
                let factor = current > 0 ? Float(target / current) : 0
                noise.withUnsafeMutableBufferPointer { VectorKernels.scale($0, by: factor) }
                return noise
            }
        case .signFlip:
            return (0..<count).map { j in honest[j % honest.count].map { -$0 } }
        case let .scale(k):
            guard k.isFinite else { throw .invalidParameter(name: "k", detail: "\(k) is not finite") }
            return (0..<count).map { j in honest[j % honest.count].map { k * $0 } }
        case let .alie(fixedZ):
            guard count > 0 else { return [] }
            let z: Double
            if let fixedZ {
                guard fixedZ.isFinite else { throw .invalidParameter(name: "z", detail: "\(fixedZ) is not finite") }
                z = Double(fixedZ)
            } else {
                z = try Self.alieZ(workers: totalWorkers ?? honest.count + count, attackers: count)
            }
            let crafted = Self.alieVector(honest, z: z)
            return Array(repeating: crafted, count: count)
        case .zeros:
            return Array(repeating: [Float](repeating: 0, count: length), count: count)
        case .copy:
            return (0..<count).map { _ in honest[Int(generator.next() % UInt64(honest.count))] }
        case .nan:
            return (0..<count).map { j in
                var update = honest[j % honest.count]
                if length > 0 { update[Int(generator.next() % UInt64(length))] = .nan }
                return update
            }
        }
    }

    /// ``craft(count:from:totalWorkers:using:)`` with a fresh ``Xoshiro256StarStar`` seeded by `seed`.
    public func craft(count: Int, from honest: [[Float]], totalWorkers: Int? = nil, seed: UInt64) throws(AttackError) -> [[Float]] {
        var generator = Xoshiro256StarStar(seed: seed)
        return try craft(count: count, from: honest, totalWorkers: totalWorkers, using: &generator)
    }

    /// mean − z·std per coordinate over `honest` (population std), in Double.
    private static func alieVector(_ honest: [[Float]], z: Double) -> [Float] {
        let length = honest[0].count
        let n = Double(honest.count)
        var crafted = [Float](repeating: 0, count: length)
        withBuffers(honest) { buffers in
            crafted.withUnsafeMutableBufferPointer { out in
                for j in 0..<length {
                    var sum = 0.0
                    for buffer in buffers { sum += Double(buffer[j]) }
                    let mean = sum / n
                    var squares = 0.0
                    for buffer in buffers {
                        let e = Double(buffer[j]) - mean
                        squares += e * e
                    }
                    out[j] = Float(mean - z * (squares / n).squareRoot())
                }
            }
        }
        return crafted
    }
}
