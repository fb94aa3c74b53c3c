/// The coordinate-wise trimmed mean (Yin et al., 2018): at every coordinate drop the ⌊β·n⌋
/// largest and ⌊β·n⌋ smallest values and average the rest.
///
/// It bounds what up to ⌊β·n⌋ attackers can do to each coordinate, in O(n·d) plus a small sort
/// per coordinate, but crafted shifts inside the honest spread (ALIE) pass through, and with
/// non-IID runners it trims honest outliers too. Choose β at least the expected attacker share.
public struct TrimmedMeanAggregator: RobustAggregator, Hashable {
    /// The fraction β trimmed from each side, in [0, 0.5).
    public let trimFraction: Double

    /// Creates a trimmed mean dropping `trimFraction` of the values at each end.
    /// - Throws: ``AggregationError/invalidParameter(name:detail:)`` unless 0 ≤ β < 0.5.
    public init(trimFraction: Double) throws(AggregationError) {
        guard trimFraction >= 0, trimFraction < 0.5 else {
            throw .invalidParameter(name: "trimFraction", detail: "\(trimFraction) is outside [0, 0.5)")
        }
        self.trimFraction = trimFraction
    }

    /// Values dropped at each end for `count` updates: ⌊β·count⌋.
    public func trimmedCount(for count: Int) -> Int {
        min((count - 1) / 2, Int((trimFraction * Double(count)).rounded(.down)))
    }

    /// Aggregates `updates`; each diagnostics weight is the share of coordinates at which the
    /// update was kept.
    public func aggregate(_ updates: [[Float]]) throws(AggregationError) -> AggregationResult {
        try Self.orderStatistic(updates, trim: trimmedCount(for: updates.count))
    }

    static func orderStatistic(_ updates: [[Float]], trim: Int) throws(AggregationError) -> AggregationResult {
        let norms = try UpdateChecks.norms(of: updates)
        let count = updates[0].count
        var result = [Float](repeating: 0, count: count)
        var kept = [Int](repeating: 0, count: updates.count)
        let diagnostics = withBuffers(updates) { buffers in
            result.withUnsafeMutableBufferPointer { out in
                kept.withUnsafeMutableBufferPointer { keptOut in
                    CoordinateOrder.trimmedMean(of: buffers, trim: trim, into: out, kept: keptOut)
                }
            }
            let weights = kept.map { count == 0 ? 1 : Float(Double($0) / Double(count)) }
            return result.withUnsafeBufferPointer { out in
                UpdateChecks.diagnostics(buffers, result: out, norms: norms, weights: weights)
            }
        }
        return AggregationResult(aggregate: result, diagnostics: diagnostics)
    }
}
