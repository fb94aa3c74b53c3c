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
/// update, audit the untrusted and a random share of the rest by replaying committed segments
/// (``SegmentAudit``), measure each survivor's contribution itself, and aggregate the survivors
/// robustly (untrusted ones only when they measurably help).
///
/// The in-process simulation and the networked coordinator both call ``judge(start:spec:received:shards:control:heldOut:trust:rng:evidence:audit:)``,
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
        /// LoRA mode only (its adapters start fresh each round and are replayed whole): relative
        /// L2 distance between a re-executed and a received update that still passes.
        public var auditTolerance: Float = 0.25
        /// Segments replayed per audited update (training protocol 2).
        public var auditSegments = 2
        public var tolerances = SegmentAudit.Tolerances()
        /// An update from a runner still below `auditUntilTrust` joins the aggregate only if the
        /// coordinator measured it improving held-out data: a newcomer's bad update (flipped,
        /// noise, zeros, a forged segment nobody asked for) cannot move the model while its
        /// trust is being earned.
        public var probation = true
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
        /// Untrusted runners whose update did not improve held-out data: measured and scored, not aggregated.
        public var onProbation: [String] = []
        /// Each audited update's replay distances.
        public var audits: [String: SegmentAudit.Measured] = [:]
        /// Seconds spent on audits (replays and hashing): the verification cost.
        public var auditSeconds = 0.0
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
    ///   - evidence: what each audited runner sent (its commitment, the segments asked, the
    ///     states); an audited update without evidence is left out (not paid, not an offence).
    ///   - chosen: the runners audited (the server picks them before asking for states); nil =
    ///     pick here with ``select(_:trust:rng:)``.
    public func judge(start: ParameterStore, spec: RoundSpec, received: [String: [Float]], shards: [String: [[Int32]]],
                      control: [[Int32]], heldOut: [[Int32]], trust: inout [String: Double],
                      rng: inout some RandomNumberGenerator,
                      evidence: [String: SegmentAudit.Evidence] = [:], audit chosen: Set<String>? = nil) throws -> Verdict {
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
        var audits: [String: SegmentAudit.Measured] = [:]
        let picked = chosen ?? Set(valid.keys.sorted().filter { select($0, trust: trust, rng: &rng) })
        let segmentAudit = SegmentAudit(inner: settings.inner, tolerances: settings.tolerances)
        let auditsBegan = ContinuousClock.now
        for id in valid.keys.sorted() where picked.contains(id) {
            let seed = Self.runnerSeed(roundSeed: spec.seed, runner: id)
            if settings.inner.lora != nil {
                // Adapters start fresh every round: the whole round is replayed from its seed.
                audited.append(id)
                let redo = try InnerLoop(settings: settings.inner).run(start: start, samples: shards[id] ?? [], seed: seed)
                if Self.relativeDistance(redo.delta, valid[id] ?? []) > settings.auditTolerance {
                    offences[id] = "audit.mismatch: re-executing its assignment from the round's seed does not reproduce its update"
                    valid[id] = nil
                }
                continue
            }
            guard let e = evidence[id] else {
                valid[id] = nil
                continue
            }
            audited.append(id)
            var measured = SegmentAudit.Measured()
            let why = segmentAudit.verify(e, start: start, update: valid[id] ?? [], samples: shards[id] ?? [], seed: seed, measured: &measured)
            audits[id] = measured
            if let why {
                offences[id] = why
                valid[id] = nil
            }
        }
        let auditTime = ContinuousClock.now - auditsBegan
        let auditSeconds = Double(auditTime.components.seconds) + Double(auditTime.components.attoseconds) / 1e18
        let inner = settings.inner
        let meter = ContributionMeter(start: start, heldOut: heldOut, control: control, batch: inner.batch, seqLen: inner.seqLen,
                                      maxBatches: settings.measureBatches)
        // Each update's worth, measured as its share of the mean step (θ + Δ/n).
        var measurements: [String: ContributionMeter.Measurement] = [:]
        let share = 1 / Float(max(1, valid.count))
        for id in valid.keys.sorted() {
            if let m = meter?.measure(valid[id] ?? [], assigned: shards[id] ?? [], scale: share) { measurements[id] = m }
        }
        var onProbation: [String] = []
        if settings.probation {
            for id in valid.keys.sorted() where (trust[id] ?? 0) < settings.auditUntilTrust {
                if let m = measurements[id], m.heldOutGain > 0 { continue }
                onProbation.append(id)
            }
        }
        let order = valid.keys.sorted().filter { !onProbation.contains($0) }
        ContributionMeter.updateTrust(&trust, measurements)
        guard !order.isEmpty else {
            return Verdict(aggregate: nil, accepted: [], offences: offences, onProbation: onProbation, audits: audits, auditSeconds: auditSeconds,
                           scores: measurements.mapValues { _ in 0.0 }, audited: audited, measurements: measurements, weights: [:])
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
        let copies = ContributionMeter.copies(valid, order: valid.keys.sorted())
        var scores = ContributionMeter.scores(measurements, weights: weights, trust: trust, copies: copies)
        for id in onProbation { scores[id] = 0 }
        return Verdict(aggregate: result.aggregate, accepted: order, offences: offences, onProbation: onProbation, audits: audits,
                       auditSeconds: auditSeconds, scores: scores, audited: audited, measurements: measurements, weights: weights)
    }

    /// Whether to re-execute this runner's assignment: always while its trust is low, else at random.
    public func select(_ runner: String, trust: [String: Double], rng: inout some RandomNumberGenerator) -> Bool {
        (trust[runner] ?? 0) < settings.auditUntilTrust || Double.random(in: 0..<1, using: &rng) < settings.auditFraction
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
