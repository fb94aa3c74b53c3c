/// A runner's standing, an exponential moving average of its measured contribution score.
///
/// Scores come from the coordinator's own measurements (the update's effect on a held-out
/// batch, and on the runner's assigned data against random data), never from the runner.
/// A new runner starts at `initial`; each round `r ← (1 − α)·r + α·clamp(score, 0, 1)`; a
/// runner that delivers nothing scores 0. Rewards are weighted by contribution × reputation,
/// so a runner must keep contributing to keep earning, and one lucky round pays little.
public struct Reputation: Codable, Hashable, Sendable {
    public var value: Double
    public var rounds: Int

    public static let initial = 0.2
    public static let alpha = 0.3

    public init(value: Double = Reputation.initial, rounds: Int = 0) {
        self.value = value
        self.rounds = rounds
    }

    public mutating func record(score: Double, alpha: Double = Reputation.alpha) {
        let s = score.isFinite ? min(1, max(0, score)) : 0
        value = (1 - alpha) * value + alpha * s
        rounds += 1
    }
}
