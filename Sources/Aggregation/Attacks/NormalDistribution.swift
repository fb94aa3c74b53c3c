import Foundation

/// The standard normal distribution: samples for the random-direction attack, and the
/// quantile function for ALIE's z.
public enum NormalDistribution {
    /// One N(0, 1) sample by Box–Muller from two 53-bit uniforms (the second variate is
    /// dropped, so that each call consumes exactly two draws). The generator's bits are the
    /// same everywhere; libm's `log` and `cos` may differ in the last bit between platforms.
    public static func sample(using generator: inout some RandomNumberGenerator) -> Double {
        // u1 in (0, 1] so that log(u1) is finite.
        let u1 = (Double(generator.next() >> 11) + 1) * 0x1p-53
        let u2 = Double(generator.next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Φ(z), the probability that a standard normal variable is below `z`.
    public static func cumulativeProbability(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }

    /// Φ⁻¹(p) for 0 < p < 1 by bisection on Φ: slower than a rational approximation but
    /// exact to Double precision, and it is called once per attack.
    /// Returns −inf for p ≤ 0, +inf for p ≥ 1 and NaN for NaN.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN { return .nan }
        if p <= 0 { return -.infinity }
        if p >= 1 { return .infinity }
        var low = -40.0, high = 40.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if middle == low || middle == high { break }
            if cumulativeProbability(middle) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
