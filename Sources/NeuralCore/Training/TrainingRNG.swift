import Foundation

/// The trainer's random numbers: xoshiro256** seeded through SplitMix64.
///
/// Its whole state is four words, so a checkpoint stores it and a resumed run draws exactly the
/// numbers the interrupted run would have drawn. Platform-independent for integers; Gaussian draws
/// go through `log`/`cos` and may differ in the last bit between C libraries.
public struct TrainingRNG: RandomNumberGenerator, Sendable, Hashable, Codable {
    /// The same generator the sampler uses; this type adds the trainer's draws and checkpointing.
    private var core: Xoshiro256StarStar

    /// The four state words, for a checkpoint.
    public var state: [UInt64] { core.state }

    /// A generator whose sequence depends only on `seed`.
    public init(seed: UInt64) {
        core = Xoshiro256StarStar(seed: seed)
    }

    /// Restores a saved ``state``; nil unless it is four words, not all zero.
    public init?(state: [UInt64]) {
        guard let core = Xoshiro256StarStar(state: state) else { return nil }
        self.core = core
    }

    public init(from decoder: any Decoder) throws {
        let words = try decoder.singleValueContainer().decode([UInt64].self)
        guard let core = Xoshiro256StarStar(state: words) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a xoshiro256** state"))
        }
        self.core = core
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(state)
    }

    public mutating func next() -> UInt64 { core.next() }

    /// Uniform in [0, 1) with 24 random bits: exactly representable as Float.
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Standard normal by Box–Muller (one draw per call, so the state advances by one step each).
    public mutating func nextGaussian() -> Float {
        // u1 in (0, 1] keeps log finite.
        let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }
}
