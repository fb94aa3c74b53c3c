import Foundation

/// Linear warm-up from 0 to `peak` over `warmupSteps`, then a cosine decay to `floor` at
/// `totalSteps`, and `floor` after that.
///
/// ```swift
/// let schedule = LearningRateSchedule(peak: 1e-3, floor: 1e-4, warmupSteps: 100, totalSteps: 5_000)
/// optimizer.update(params: model.params, grads: model.grads, lr: schedule.rate(at: step))
/// ```
public struct LearningRateSchedule: Sendable, Hashable, Codable {
    public var peak: Float
    public var floor: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(peak: Float, floor: Float, warmupSteps: Int, totalSteps: Int) {
        self.peak = peak
        self.floor = floor
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(0, totalSteps)
    }

    /// The rate for the update at `step` (0-based): the first update gets `peak / warmupSteps`,
    /// not 0, so no step is wasted.
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        if step >= totalSteps { return floor }
        let decaySteps = max(1, totalSteps - warmupSteps)
        let progress = Double(step - warmupSteps) / Double(decaySteps)
        let cosine = 0.5 * (1 + Foundation.cos(Double.pi * progress))
        return floor + Float(cosine) * (peak - floor)
    }
}
