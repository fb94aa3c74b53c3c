/// 64-bit FNV-1a: a tiny, stable string hash. Swift's `Hasher` is seeded per process,
/// so anything that must give the same answer tomorrow uses this instead.
public enum FNV1a {
    public static func hash(_ text: String) -> UInt64 {
        hash(Array(text.utf8))
    }

    public static func hash(_ bytes: [UInt8]) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        return value
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a seeded generator whose sequence is fixed by
/// its seed on every platform, which `SystemRandomNumberGenerator` is not.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// Mixes several values into one seed, so (world, region, bucket) pick one stream.
    public init(mixing parts: UInt64...) {
        var s: UInt64 = 0x9e37_79b9_7f4a_7c15
        for part in parts {
            s = Self.mix(s ^ part)
        }
        state = s
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return Self.mix(state)
    }

    /// A double in 0..<1 built from the top 53 bits, identical on every platform.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An integer in `range`, without the platform-dependent paths of `Int.random(in:using:)`.
    public mutating func nextInt(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }
        return range.lowerBound + Int(next() % span)
    }

    static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
