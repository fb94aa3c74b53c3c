/// The progress one condition keeps between observations; unused fields stay at zero.
public struct ConditionProgress: Codable, Hashable, Sendable {
    /// An `anyOf`, or an `all` with a stateful part, has completed (and stays so).
    public var done = false
    /// `allInOrder`: steps completed so far. `anyOf`: the winning branch, once done.
    public var step = 0
    /// `collect`: indices of the sources picked up, in the order they were.
    public var sources: [Int] = []

    /// Progress of a condition nothing has been fed yet.
    public init() {}
}
