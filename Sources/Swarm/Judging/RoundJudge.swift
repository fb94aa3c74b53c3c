import Aggregation
import Coordinator
import ModelTraining
import NeuralCore

/// Which robust aggregator combines a round's accepted updates.
public enum AggregatorChoice: String, Codable, Sendable, CaseIterable {
    case centeredClip, trimmedMean, mean

    public func make() throws -> any RobustAggregator {
        switch self {
        case .centeredClip: try CenteredClipAggregator()
        case .trimmedMean: try TrimmedMeanAggregator(trimFraction: 0.25)
        case .mean: MeanAggregator()
        }
    }
}

/// The coordinator's judgement of one closed round, apart from I/O: validate every received
/// update, re-execute the untrusted and a random share of the rest from their seeds, aggregate
/// the survivors robustly, and measure each one's contribution itself.
///
/// The in-process simulation and the networked coordinator both call ``judge(start:spec:received:shards:control:heldOut:trust:rng:)``,
/// so the numbers in docs/distributed.md come from the code that pays real runners.
public struct RoundJudge: Sendable {
    public struct Settings: Codable, Hashable, Sendable {
        /// The inner loop every runner was told to run; audits re-run it.
        public var inner: InnerLoop.Settings
        public var aggregator: AggregatorChoice = .centeredClip
        /// Share of trusted runners' updates re-executed each round.
        public var auditFraction = 0.25
        /// Runners below this trust (new ones, and any that stopped passing the own-shard test)
        /// are re-executed every round.
        public var auditUntilTrust = 0.5
        /// Relative L2 distance between a re-executed and a received update that still passes.
        public var auditTolerance: Float = 0.25
        /// Batches of held-out, assigned and control data per contribution measurement.
        public var measureBatches = 2
        /// Each update is clipped to this multiple of the round's median update norm before
        /// aggregation, so no single update can weigh more than a few honest ones.
        public var clipToMedianNorm: Float = 3

        public init(inner: InnerLoop.Settings) { self.inner = inner }
    }

    /// What the round's updates were worth, and what to do with them.
    public struct Verdict: Sendable {
        /// The robust aggregate of the accepted updates; nil when none survived.
        public var aggregate: [Float]?
        /// Runners whose update went into the aggregate, sorted.
        public var accepted: [String]
        /// Proven cheating: malformed or non-finite updates, failed re-execution audits.
        public var offences: [String: String]
        /// Contribution scores in [0, 1] for the accepted runners.
        public var scores: [String: Double]
        /// Runners whose assignment was re-executed.
        public var audited: [String]
        public var measurements: [String: ContributionMeter.Measurement]
        /// The aggregator's weight per accepted runner (CenteredClip's clipping weight).
        public var weights: [String: Float]
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// The seed a runner's inner loop uses in a round: public, so anyone can re-execute it.
    ///
    /// `round seed XOR h`, where h folds the runner id's UTF-8 bytes FNV-1a style from
    /// 1469598103934665603: `h = (h XOR byte) × 1099511628211 mod 2^64` per byte.
    public static func runnerSeed(roundSeed: UInt64, runner: String) -> UInt64 {
        roundSeed ^ runner.utf8.reduce(UInt64(1_469_598_103_934_665_603)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }

    /// Judges a closed round.
    /// - Parameters:
    ///   - start: the round's model (not modified).
    ///   - received: each delivering runner's update, decoded to floats.
    ///   - shards: each delivering runner's assigned samples (``ShardPlan``), tokenized.
    ///   - control: random samples for the own-versus-random test.
    ///   - heldOut: samples no runner trains on.
    ///   - trust: each runner's trust, updated in place (``ContributionMeter/updateTrust(_:_:)``).
    ///   - rng: picks the trusted runners to audit; the coordinator's own secret randomness, so a
    ///     runner cannot know whether it will be checked.
    ///   - startStates: with persistent inner optimizers, the optimizer state each audited runner
    ///     declares it started the round from (asked for only once it is audited); re-execution
    ///     starts from it. Missing: a fresh optimizer.
    public func judge(start: ParameterStore, spec: RoundSpec, received: [String: [Float]], shards: [String: [[Int32]]],
                      control: [[Int32]], heldOut: [[Int32]], trust: inout [String: Double],
                      rng: inout some RandomNumberGenerator,
                      startStates: [String: InnerLoop.OptimizerState] = [:], audit chosen: Set<String>? = nil) throws -> Verdict {
        var offences: [String: String] = [:]
        var valid: [String: [Float]] = [:]
        let validation = try UpdateValidation(expectedCount: start.count)
        for (id, update) in received.sorted(by: { $0.key < $1.key }) {
            do {
                _ = try validation.validate(update)
                valid[id] = update
            } catch {
                offences[id] = "\(error.code): \(error.message)"
            }
        }
        var audited: [String] = []
        let picked = chosen ?? Set(valid.keys.sorted().filter { select($0, trust: trust, rng: &rng) })
        for id in valid.keys.sorted() where picked.contains(id) {
            audited.append(id)
            var state = startStates[id]
            if let s = state, let why = Self.implausible(s, count: start.count, clipNorm: settings.inner.clipNorm) {
                offences[id] = "audit.bad_state: \(why)"
                valid[id] = nil
                continue
            }
            let redo = try InnerLoop(settings: settings.inner).run(
                start: start, samples: shards[id] ?? [], seed: Self.runnerSeed(roundSeed: spec.seed, runner: id), state: &state)
            if Self.relativeDistance(redo.delta, valid[id] ?? []) > settings.auditTolerance {
                offences[id] = "audit.mismatch: re-executing its assignment from the round's seed does not reproduce its update"
                valid[id] = nil
            }
        }
        let order = valid.keys.sorted()
        guard !order.isEmpty else {
            return Verdict(aggregate: nil, accepted: [], offences: offences, scores: [:], audited: audited, measurements: [:], weights: [:])
        }
        // Per-update norm clipping at a multiple of the median norm, then the robust aggregator.
        var inputs = order.compactMap { valid[$0] }
        let norms = inputs.map { u in u.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() }.sorted()
        let median = norms[(norms.count - 1) / 2]
        if median > 0, settings.clipToMedianNorm > 0 {
            inputs = try NormClipping(maxNorm: median * settings.clipToMedianNorm).clip(inputs).updates
        }
        let result = try settings.aggregator.make().aggregate(inputs)
        var weights: [String: Float] = [:]
        for (id, d) in zip(order, result.diagnostics) { weights[id] = d.weight }
        let inner = settings.inner
        let meter = ContributionMeter(start: start, heldOut: heldOut, control: control, batch: inner.batch, seqLen: inner.seqLen,
                                      maxBatches: settings.measureBatches)
        var measurements: [String: ContributionMeter.Measurement] = [:]
        for id in order {
            if let m = meter?.measure(valid[id] ?? [], assigned: shards[id] ?? [], scale: 1 / Float(order.count)) { measurements[id] = m }
        }
        ContributionMeter.updateTrust(&trust, measurements)
        let copies = ContributionMeter.copies(valid, order: order)
        let scores = ContributionMeter.scores(measurements, weights: weights, trust: trust, copies: copies)
        return Verdict(aggregate: result.aggregate, accepted: order, offences: offences, scores: scores, audited: audited,
                       measurements: measurements, weights: weights)
    }

    /// Whether to re-execute this runner's assignment: always while its trust is low, else at random.
    public func select(_ runner: String, trust: [String: Double], rng: inout some RandomNumberGenerator) -> Bool {
        (trust[runner] ?? 0) < settings.auditUntilTrust || Double.random(in: 0..<1, using: &rng) < settings.auditFraction
    }

    /// Why a declared optimizer state cannot have come from training, or nil. Clipped gradients
    /// have a global norm of at most `clipNorm`, so every first moment lies in ±clipNorm and
    /// every second moment in [0, clipNorm²]; a state outside them was made up (for instance to
    /// steer a re-execution towards a chosen update).
    public static func implausible(_ s: InnerLoop.OptimizerState, count: Int, clipNorm: Float) -> String? {
        guard s.m.count == count, s.v.count == count, s.step >= 0 else { return "the state does not match the model's size" }
        let bound = clipNorm * 1.0001
        for j in 0..<count {
            let m = s.m[j], v = s.v[j]
            guard m.isFinite, v.isFinite, abs(m) <= bound, v >= 0, v <= bound * bound else {
                return "moment \(j) (m \(m), v \(v)) is outside what clipped gradients can produce"
            }
        }
        return nil
    }

    /// ‖a − b‖ / ‖a‖; infinite when the lengths differ.
    public static func relativeDistance(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        var diff: Float = 0, norm: Float = 0
        for i in 0..<a.count {
            let d = a[i] - b[i]
            diff += d * d
            norm += a[i] * a[i]
        }
        return (diff / max(norm, 1e-30)).squareRoot()
    }
}
