import ModelTraining

/// A runner's commitment to its round (training protocol 2, `train.commit`): the hashes of
/// every checkpoint of its inner loop, sent before its update. Audits later ask for a few
/// checkpoints in full; a state that does not hash to what was committed is an offence, so a
/// runner cannot pick its story after learning which segment is checked.
public struct SegmentCommitment: Sendable, Hashable, Codable {
    public var round: UInt64
    public var segmentSteps: Int
    public var checkpoints: [InnerCheckpoint.Hashes]

    public init(round: UInt64, segmentSteps: Int, checkpoints: [InnerCheckpoint.Hashes]) {
        self.round = round
        self.segmentSteps = segmentSteps
        self.checkpoints = checkpoints
    }

    /// Segments: K = checkpoints − 1.
    public var segments: Int { max(0, checkpoints.count - 1) }

    /// The commitment an honest runner makes for these checkpoints.
    public init(round: UInt64, segmentSteps: Int, of states: [InnerCheckpoint]) {
        self.init(round: round, segmentSteps: segmentSteps, checkpoints: states.map(\.hashes))
    }

    /// Why this commitment cannot describe the round, or nil. Checked when it arrives
    /// (`train.bad_commitment`, refused, not an offence):
    /// - one checkpoint per `InnerCheckpoint.steps(total: steps, every: segmentSteps)`, in order;
    /// - checkpoint 0's parameters are the round's model;
    /// - checkpoint 0's optimizer is fresh (zero moments, update count 0) or exactly where the
    ///   runner's previous accepted commitment ended (`previous`): a runner cannot declare an
    ///   optimizer state it did not reach by training;
    /// - the update count advances with the local steps.
    public func problem(steps: Int, segmentSteps expected: Int, paramsSHA256: String, parameterCount: Int,
                        previous: InnerCheckpoint.Hashes?) -> String? {
        guard segmentSteps == expected else { return "segmentSteps is \(segmentSteps); the round's is \(expected)" }
        let marks = InnerCheckpoint.steps(total: steps, every: expected)
        guard checkpoints.count == marks.count else {
            return "\(checkpoints.count) checkpoints; a round of \(steps) steps in segments of \(expected) has \(marks.count)"
        }
        for (k, c) in checkpoints.enumerated() {
            guard c.step == marks[k] else { return "checkpoint \(k) is at step \(c.step), not \(marks[k])" }
            for h in [c.params, c.m, c.v] where h.count != 64 || !h.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
                return "checkpoint \(k): hashes are 64 lower-case hex digits"
            }
        }
        guard let first = checkpoints.first else { return "no checkpoints" }
        guard first.params == paramsSHA256 else { return "checkpoint 0 is not the round's model (paramsSHA256 \(paramsSHA256))" }
        let zeros = InnerCheckpoint.zerosSHA256(count: parameterCount)
        let fresh = first.m == zeros && first.v == zeros && first.adamStep == 0
        let carried = previous.map { first.m == $0.m && first.v == $0.v && first.adamStep == $0.adamStep } ?? false
        guard fresh || carried else {
            return "checkpoint 0's optimizer is neither fresh (zero moments, step 0) nor where your last accepted commitment ended"
        }
        for (k, c) in checkpoints.enumerated() where c.adamStep != first.adamStep + c.step {
            return "checkpoint \(k): adamStep \(c.adamStep) should be \(first.adamStep + c.step)"
        }
        return nil
    }
}
