/// Splits a round's emission among runners in proportion to their weights, in whole micro-PUR,
/// so that the parts add up to exactly the emission (nothing created or lost to rounding).
///
/// Weights ≤ 0, NaN or infinite earn nothing. Shares are floored, then the leftover micro-PUR
/// go one each to the largest remainders (ties: the smaller runner id first), the
/// largest-remainder method. When no runner has a positive weight nothing is paid and the
/// whole emission stays unspent.
public enum RewardSplit {
    public static func split(emission: Int64, weights: [String: Double]) -> [String: Int64] {
        let eligible = weights.filter { $0.value.isFinite && $0.value > 0 }.sorted { $0.key < $1.key }
        let total = eligible.reduce(0.0) { $0 + $1.value }
        guard emission > 0, total > 0 else { return [:] }
        var shares: [String: Int64] = [:]
        var remainders: [(String, Double)] = []
        var paid: Int64 = 0
        for (runner, w) in eligible {
            let exact = Double(emission) * (w / total)
            let whole = min(emission, Int64(exact.rounded(.down)))
            shares[runner] = whole
            paid += whole
            remainders.append((runner, exact - Double(whole)))
        }
        var left = emission - paid
        for (runner, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) where left > 0 {
            shares[runner, default: 0] += 1
            left -= 1
        }
        return shares.filter { $0.value > 0 }
    }
}
