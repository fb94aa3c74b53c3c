/// The coordinate-wise median: the trimmed mean with everything but the middle trimmed.
///
/// It is CenteredClip's default starting point; as a rule of its own it tolerates up to half
/// the updates being arbitrary, at a higher variance than the mean when all are honest.
public struct CoordinateMedianAggregator: RobustAggregator, Hashable {
    /// Creates the median.
    public init() {}

    /// Aggregates `updates`; each diagnostics weight is the share of coordinates at which the
    /// update was (one of) the middle value(s).
    public func aggregate(_ updates: [[Float]]) throws(AggregationError) -> AggregationResult {
        try TrimmedMeanAggregator.orderStatistic(updates, trim: max(0, (updates.count - 1) / 2))
    }
}
