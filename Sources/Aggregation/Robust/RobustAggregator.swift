/// A rule that combines the runners' updates into one, bounding what a minority can do to it.
///
/// Every implementation first refuses an empty set, updates of unequal length and non-finite
/// values (``AggregationError/invalidUpdate(index:reason:)``), then reports, per update, how
/// far it lies from the result and how much it counted: a contribution signal measured by the
/// coordinator rather than claimed by the runner.
public protocol RobustAggregator: Sendable {
    /// Combines `updates` (each a flat delta of the same length) into one.
    func aggregate(_ updates: [[Float]]) throws(AggregationError) -> AggregationResult
}
