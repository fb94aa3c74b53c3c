import ModelTraining
import NeuralCore

/// The coordinator's own measurement of an update's worth; never a number the runner reports.
///
/// For update Δ from model θ:
/// - `heldOutGain` = L_heldout(θ) − L_heldout(θ + Δ): does it make the model better on data no
///   runner trains on?
/// - `assignedGain − controlGain`, with assignedGain = L_assigned(θ) − L_assigned(θ + Δ) on the
///   runner's own shard and controlGain the same on random control samples (as Templar's
///   validators compare): an update trained on its assignment improves that shard more than
///   random data; a copied, stale or made-up update does not.
///
/// One round's own-versus-random test is noisy once the model generalises, so it feeds a trust
/// value per runner, an exponential moving average of the pass/fail indicator (Templar smooths
/// it the same way): a runner that keeps sending stale or copied work loses its trust within a
/// few rounds, an honest one that fails once by chance barely notices. A runner that never
/// trained on its assignment never has any trust.
///
/// The score in [0, 1] is heldOutGain relative to the round's best, times the aggregator's
/// weight for the update (CenteredClip's clipping weight), times the runner's trust; 0 when
/// the update did not improve held-out data or is a copy of another runner's update.
public struct ContributionMeter {
    public struct Measurement: Sendable, Equatable {
        public var heldOutGain: Float
        public var assignedGain: Float
        public var controlGain: Float
        /// How much more the update improved its own shard than random data.
        public var margin: Float { assignedGain - controlGain }
    }

    public let start: ParameterStore
    public let heldOut: [[Int32]]
    public let control: [[Int32]]
    public let batch: Int
    public let seqLen: Int
    public let maxBatches: Int
    let baseHeldOut: Float
    let baseControl: Float
    private let scratch: ParameterStore

    public init?(start: ParameterStore, heldOut: [[Int32]], control: [[Int32]], batch: Int, seqLen: Int, maxBatches: Int = 2) {
        guard let h = InnerLoop.loss(of: start, on: heldOut, batch: batch, seqLen: seqLen, maxBatches: maxBatches),
              let c = InnerLoop.loss(of: start, on: control, batch: batch, seqLen: seqLen, maxBatches: maxBatches) else { return nil }
        self.start = start
        self.heldOut = heldOut
        self.control = control
        self.batch = batch
        self.seqLen = seqLen
        self.maxBatches = maxBatches
        baseHeldOut = h
        baseControl = c
        scratch = start.clone()
    }

    /// Losses with `scale`·Δ applied; nil when the delta has the wrong length or a set is too
    /// small. The coordinator passes 1/n for n accepted updates: a runner's share of the mean
    /// update, the step it actually contributes. Applied whole, an update trained with a kept
    /// optimizer's momentum can overshoot on its own although its direction is good, and then
    /// nobody would be paid for a round that improved the model.
    public func measure(_ delta: [Float], assigned: [[Int32]], scale: Float = 1) -> Measurement? {
        guard delta.count == start.count,
              let baseAssigned = InnerLoop.loss(of: start, on: assigned, batch: batch, seqLen: seqLen, maxBatches: maxBatches) else { return nil }
        for i in 0..<start.count { scratch.pointer[i] = start.pointer[i] + scale * delta[i] }
        guard let h = InnerLoop.loss(of: scratch, on: heldOut, batch: batch, seqLen: seqLen, maxBatches: maxBatches),
              let c = InnerLoop.loss(of: scratch, on: control, batch: batch, seqLen: seqLen, maxBatches: maxBatches),
              let a = InnerLoop.loss(of: scratch, on: assigned, batch: batch, seqLen: seqLen, maxBatches: maxBatches) else { return nil }
        let m = Measurement(heldOutGain: baseHeldOut - h, assignedGain: baseAssigned - a, controlGain: baseControl - c)
        return m.heldOutGain.isFinite && m.assignedGain.isFinite && m.controlGain.isFinite ? m : nil
    }

    /// Trust in each runner's work: `t ← 0.7·t + 0.3·[trained on its assignment]`, from 0: trust is
    /// earned by training on the assignment, so an attacker who never does earns nothing even early.
    ///
    /// "Trained on its assignment" means a margin above half the round's median margin: an
    /// honest update improves its own shard clearly more than random data (by 0.04–0.16 nats in
    /// docs/distributed.md's runs), an update made without training on the shard (an average of
    /// others', a stale or crafted one) only by chance (±0.03). The median is the honest
    /// runners' while they are the majority, the same assumption robust aggregation makes.
    public static func updateTrust(_ trust: inout [String: Double], _ measurements: [String: Measurement]) {
        let margins = measurements.values.map(\.margin).sorted()
        // The lower median: with two runners the bar is half the smaller margin, so two honest
        // runners both pass instead of the weaker one always failing against the stronger.
        let median = margins.isEmpty ? 0 : margins[(margins.count - 1) / 2]
        let bar = max(0, median / 2)
        for (runner, m) in measurements {
            trust[runner] = 0.7 * (trust[runner] ?? 0) + 0.3 * (m.margin > bar ? 1 : 0)
        }
    }

    /// Scores for a round: heldOutGain / best × aggregator weight × trust; 0 for updates that
    /// did not improve held-out data, and for copies.
    public static func scores(_ measurements: [String: Measurement], weights: [String: Float], trust: [String: Double],
                              copies: Set<String> = []) -> [String: Double] {
        let best = measurements.values.map(\.heldOutGain).max() ?? 0
        guard best > 0 else { return measurements.mapValues { _ in 0 } }
        var out: [String: Double] = [:]
        for (runner, m) in measurements {
            guard m.heldOutGain > 0, !copies.contains(runner) else { out[runner] = 0; continue }
            out[runner] = Double(min(1, m.heldOutGain / best)) * Double(weights[runner] ?? 1) * (trust[runner] ?? 1)
        }
        return out
    }

    /// Runners whose update is nearly identical (cosine > `threshold`) to one submitted earlier
    /// in `order`: copies. Honest updates trained on different shards are far less alike.
    public static func copies(_ updates: [String: [Float]], order: [String], threshold: Float = 0.995) -> Set<String> {
        var found: Set<String> = []
        var norms: [String: Float] = [:]
        for id in order { norms[id] = (updates[id] ?? []).reduce(0) { $0 + $1 * $1 }.squareRoot() }
        for (i, later) in order.enumerated() {
            guard let b = updates[later], let nb = norms[later], nb > 0 else { continue }
            for earlier in order[..<i] {
                guard let a = updates[earlier], let na = norms[earlier], na > 0, a.count == b.count else { continue }
                var dot: Float = 0
                for k in 0..<a.count { dot += a[k] * b[k] }
                if dot / (na * nb) > threshold {
                    found.insert(later)
                    break
                }
            }
        }
        return found
    }
}
