/// The AI-runner protocol's version. A runner names it in `train.join`; a runner of other
/// rules is refused with `train.protocol` before it can train, and is told which version this
/// server speaks (docs/protocol.md, `train.join`).
///
/// - 1: audits replayed a runner's whole round from the optimizer state it started from
///   (exact arithmetic required).
/// - 2: runners commit to a checkpoint every few steps; audits replay short segments with a
///   tolerance, so honest runners on other hardware and frameworks pass.
public enum TrainingProtocol {
    public static let version = 2
}
