import Aggregation
import Coordinator
import Foundation
import ModelTraining
import NeuralCore

/// AI-runner training played in one process: the coordinator's round state machine, honest
/// runners doing DiLoCo inner loops on their assigned shards, attackers crafting updates, the
/// coordinator validating, auditing, aggregating robustly, measuring every contribution itself
/// and paying by contribution × reputation. The same pieces the networked coordinator uses,
/// without the network, so experiments (clean scaling, Byzantine attacks) are reproducible
/// from a seed.
public struct SwarmSimulation {
    public enum Behaviour: Hashable, Sendable, CustomStringConvertible {
        case honest
        case attack(Attack)
        /// Trains honestly on its shard, but with a trigger phrase followed by a fixed target
        /// token planted in every sample, to make the model answer the trigger with the target.
        case backdoor
        /// Subtle cheats that commit to their own trajectory (training protocol 2):
        /// trains on only the first half of its shard;
        case halfData
        /// trains at half the assigned learning rate;
        case lowLearningRate
        /// skips every other segment (stands still there) to save half the compute;
        case skipSegments
        /// trains honestly but pushes every checkpoint towards a backdoor by this share of the
        /// segment's own movement (0.04: just inside the audit's 5 % tolerance).
        case nudge(Float)

        public var description: String {
            switch self {
            case .honest: "honest"
            case .attack(let a): a.name
            case .backdoor: "backdoor"
            case .halfData: "halfdata"
            case .lowLearningRate: "lowlr"
            case .skipSegments: "skip"
            case .nudge(let share): "nudge:\(share)"
            }
        }

        /// The cheats that train (some of) their assignment and commit to what they did.
        var isSubtle: Bool {
            switch self {
            case .halfData, .lowLearningRate, .skipSegments, .nudge: true
            default: false
            }
        }

        var isBackdoor: Bool {
            switch self {
            case .backdoor, .nudge: true
            default: false
            }
        }
    }

    public struct Options: Sendable {
        public var model: LlamaConfig
        public var runners: [Behaviour]
        public var rounds: Int
        public var inner: InnerLoop.Settings
        public var samplesPerRunner: Int
        public var aggregator: AggregatorChoice = .centeredClip
        public var compressInt8 = true
        /// Share of delivered updates re-executed from their seeds each round; runners whose trust
        /// is below `auditUntilTrust` (new ones, and any that stopped passing the own-shard test)
        /// are re-executed every round.
        public var auditFraction = 0.25
        public var auditUntilTrust = 0.5
        /// Relative L2 distance between a re-executed and a received update that still passes.
        public var auditTolerance: Float = 0.25
        /// Segments and their tolerances (training protocol 2).
        public var auditSegments = 2
        public var segmentSteps = 10
        public var tolerances = SegmentAudit.Tolerances()
        public var outer = OuterNesterov.Configuration()
        public var emissionPerRound: Int64 = 10_000_000
        public var seed: UInt64 = 1
        public var evalBatches = 4
        /// The model to start from (DiLoCo's protocol: rounds continue a pretrained model);
        /// nil = a fresh one from `seed`.
        public var start: ParameterStore?

        public init(model: LlamaConfig, runners: [Behaviour], rounds: Int, inner: InnerLoop.Settings, samplesPerRunner: Int) {
            self.model = model
            self.runners = runners
            self.rounds = rounds
            self.inner = inner
            self.samplesPerRunner = samplesPerRunner
        }
    }

    public struct RoundRecord: Sendable {
        public var round: Int
        public var heldOutLoss: Float
        public var tokens: Int
        /// Bytes uploaded by all runners this round (compressed updates).
        public var uploadBytes: Int
        public var accepted: Int
        public var refused: Int
        public var paidToAttackers: Int64
        public var paidToHonest: Int64
        /// With backdoor attackers: the share of held-out prompts ending in the trigger that the
        /// model continues with the target token.
        public var backdoorSuccess: Double?
    }

    public struct Report: Sendable {
        public var options: String
        public var initialLoss: Float
        public var rounds: [RoundRecord]
        public var earned: [String: Int64]
        public var attackers: Set<String>
        public var banned: Set<String>
        public var slashed: [String: Int64]
        public var seconds: Double
        /// Seconds the runners spent training (honest and backdoor inner loops) and the
        /// coordinator spent judging (validation, audits' re-execution, aggregation, measurement).
        public var trainingSeconds: Double
        public var judgingSeconds: Double
        /// Every replayed segment's and upload's distance (the honest ones set the tolerances).
        public var auditDistances = AuditDistances()
        /// Seconds the coordinator spent replaying audited segments.
        public var auditSeconds = 0.0

        public var finalLoss: Float { rounds.last?.heldOutLoss ?? initialLoss }
        public var totalPaid: Int64 { earned.values.reduce(0, +) }
        public var attackerShare: Double {
            let paid = totalPaid
            guard paid > 0 else { return 0 }
            return Double(earned.filter { attackers.contains($0.key) }.values.reduce(0, +)) / Double(paid)
        }
    }

    public let options: Options
    let train: [[Int32]]
    let heldOut: [[Int32]]

    /// - Parameters:
    ///   - train: tokenized training samples shards are drawn from.
    ///   - heldOut: tokenized held-out samples, never assigned: the coordinator's yardstick.
    public init(options: Options, train: [[Int32]], heldOut: [[Int32]]) {
        self.options = options
        self.train = train
        self.heldOut = heldOut
    }

    static func runnerID(_ i: Int) -> String { String(format: "runner-%02d", i) }

    public func run(progress: ((RoundRecord) -> Void)? = nil) throws -> Report {
        let began = Date()
        let o = options
        let theta = o.start?.clone() ?? LlamaModel(config: o.model, seed: o.seed).params
        var outer = try OuterNesterov(parameterCount: theta.count, configuration: o.outer)
        var policy = RoundPolicy()
        policy.innerSteps = o.inner.steps
        policy.batch = o.inner.batch
        policy.samplesPerRunner = o.samplesPerRunner
        policy.quorum = 1
        policy.emissionPerRound = o.emissionPerRound
        policy.roundSeconds = 60
        var machine = RoundStateMachine(policy: policy, runSeed: o.seed)
        let ids = o.runners.indices.map(Self.runnerID)
        let attackers = Set(zip(ids, o.runners).filter { $0.1 != .honest }.map(\.0))
        let backdoors = Set(zip(ids, o.runners).filter { $0.1.isBackdoor }.map(\.0))
        let subtle = Dictionary(uniqueKeysWithValues: zip(ids, o.runners).filter { $0.1.isSubtle })
        var clock: Int64 = 0
        var pending: [RoundAction] = []
        for id in ids { pending += machine.join(id, at: clock) }
        var feedback: [String: ErrorFeedback<BlockwiseInt8>] = [:]
        let codec = try BlockwiseInt8()
        var judgeSettings = RoundJudge.Settings(inner: o.inner)
        judgeSettings.aggregator = o.aggregator
        judgeSettings.auditFraction = o.auditFraction
        judgeSettings.auditUntilTrust = o.auditUntilTrust
        judgeSettings.auditTolerance = o.auditTolerance
        judgeSettings.auditSegments = o.auditSegments
        judgeSettings.inner.segmentSteps = o.inner.lora == nil ? o.segmentSteps : 0
        judgeSettings.tolerances = o.tolerances
        let judge = RoundJudge(settings: judgeSettings)
        let evalLoss = { (p: ParameterStore) -> Float in
            InnerLoop.loss(of: p, on: heldOut, batch: o.inner.batch, seqLen: o.inner.seqLen, maxBatches: o.evalBatches) ?? .nan
        }
        let initial = evalLoss(theta)
        var records: [RoundRecord] = []
        var earned: [String: Int64] = [:]
        var slashed: [String: Int64] = [:]
        var banned: Set<String> = []
        var auditRNG = Xoshiro256StarStar(seed: o.seed ^ 0xA0D1)
        var trust: [String: Double] = [:]
        var innerStates: [String: InnerLoop.OptimizerState] = [:]
        var trainingSeconds = 0.0, judgingSeconds = 0.0
        // Each runner's checkpoints of the open round and the end of its last commitment.
        var checkpoints: [String: [InnerCheckpoint]] = [:]
        var lastCommitted: [String: InnerCheckpoint.Hashes] = [:]
        let segmentSteps = o.inner.lora == nil ? o.segmentSteps : 0
        func trainHonestly(_ id: String, _ samples: [[Int32]], _ spec: RoundSpec, settings: InnerLoop.Settings? = nil) throws -> InnerLoop.Result {
            var state = innerStates[id]
            var states: [InnerCheckpoint] = []
            let result = try InnerLoop(settings: settings ?? o.inner).run(start: theta, samples: samples, seed: Self.runSeed(spec, id), state: &state,
                                                              segmentSteps: segmentSteps) { states.append($0) }
            innerStates[id] = state
            checkpoints[id] = states
            return result
        }

        var auditDistances = AuditDistances()
        var auditSeconds = 0.0
        for r in 1...max(1, o.rounds) {
            guard let spec = machine.openRound else { break }
            let thetaSHA = theta.checksum()
            let assigned = machine.assigned.sorted()
            // Each runner trains (or attacks) on its own shard.
            var shards: [String: [[Int32]]] = [:]
            var honest: [String: [Float]] = [:]
            var factors: [String: LoRAFactors] = [:]
            var tokens = 0
            for id in assigned {
                let indices = ShardPlan.samples(seed: spec.seed, runner: id, round: spec.round, count: o.samplesPerRunner, corpusSize: train.count)
                shards[id] = indices.map { train[$0] }
            }
            let trainingBegan = Date()
            for id in assigned where !attackers.contains(id) {
                let result = try trainHonestly(id, shards[id] ?? [], spec)
                honest[id] = result.delta
                factors[id] = result.factors
                tokens += result.tokens
            }
            var sent: [String: [Float]] = honest
            for id in assigned {
                guard let behaviour = subtle[id] else { continue }
                let shard = shards[id] ?? []
                switch behaviour {
                case .halfData:
                    sent[id] = try trainHonestly(id, Array(shard.prefix(max(1, shard.count / 2))), spec).delta
                case .lowLearningRate:
                    var slow = o.inner
                    slow.learningRate *= 0.5
                    sent[id] = try trainHonestly(id, shard, spec, settings: slow).delta
                case .skipSegments:
                    sent[id] = try Self.skipEveryOtherSegment(id, shard: shard, theta: theta, inner: o.inner, segmentSteps: segmentSteps,
                                                              seed: Self.runSeed(spec, id), states: &innerStates, checkpoints: &checkpoints)
                case .nudge(let share):
                    let start = innerStates[id]
                    let own = try trainHonestly(id, shard, spec)
                    var copy = start
                    let poisoned = try InnerLoop(settings: o.inner).run(start: theta, samples: shard.map { Backdoor.plant(in: $0, vocab: o.model.vocab) },
                                                                        seed: Self.runSeed(spec, id), state: &copy)
                    var states = checkpoints[id] ?? []
                    Self.nudge(&states, towards: zip(poisoned.delta, own.delta).map { $0 - $1 }, share: share)
                    checkpoints[id] = states
                    if let last = states.last { sent[id] = zip(last.params, theta.buffer).map { $0 - $1 } }
                default:
                    break
                }
            }
            for id in assigned where backdoors.contains(id) && subtle[id] == nil {
                let poisoned = (shards[id] ?? []).map { Backdoor.plant(in: $0, vocab: o.model.vocab) }
                let poisonedRun = try trainHonestly(id, poisoned, spec)
                sent[id] = poisonedRun.delta
                factors[id] = poisonedRun.factors
            }
            trainingSeconds += Date().timeIntervalSince(trainingBegan)
            let attacking = assigned.filter { attackers.contains($0) && !backdoors.contains($0) && subtle[$0] == nil }
            if !attacking.isEmpty, let behaviour = o.runners.first(where: { $0 != .honest }), case .attack(let attack) = behaviour {
                let basis = honest.isEmpty ? [[Float](repeating: 0, count: theta.count)] : honest.keys.sorted().compactMap { honest[$0] }
                let crafted = try attack.craft(count: attacking.count, from: basis, totalWorkers: assigned.count, seed: spec.seed ^ 0xBAD)
                for (id, update) in zip(attacking, crafted) {
                    sent[id] = update
                    // The strongest story an attacker can commit to: its own honest trajectory
                    // with the crafted update's difference hidden in one segment it picks; an
                    // audit sees it only if it replays that segment.
                    if segmentSteps > 0, update.allSatisfy(\.isFinite) {
                        let own = try trainHonestly(id, shards[id] ?? [], spec)
                        var states = checkpoints[id] ?? []
                        var pickRNG = Xoshiro256StarStar(seed: spec.seed ^ 0xF02E)
                        let hidden = states.count > 1 ? Int(pickRNG.next() % UInt64(states.count - 1)) : 0
                        for k in (hidden + 1)..<max(hidden + 1, states.count) {
                            for j in 0..<theta.count { states[k].params[j] += update[j] - own.delta[j] }
                        }
                        checkpoints[id] = states
                    }
                }
            }
            // Upload: int8 with error feedback per runner (NaN cannot be quantised: sent as is and refused).
            var received: [String: [Float]] = [:]
            var uploadBytes = 0
            for id in assigned {
                guard let update = sent[id] else { continue }
                if let lora = o.inner.lora {
                    // LoRA: the adapters travel (int8 blocks, no error feedback: they are new each
                    // round); crafted updates cost the same bytes.
                    let size = LoRAFactors.count(theta.layout, lora)
                    if let f = factors[id], o.compressInt8 {
                        let q = try codec.encode(f.values)
                        uploadBytes += q.byteCount
                        received[id] = LoRAFactors(settings: lora, values: codec.decode(q)).dense(theta.layout) ?? update
                    } else {
                        uploadBytes += (o.compressInt8 ? size + 4 * ((size + 255) / 256) : 4 * size)
                        received[id] = update
                    }
                } else if o.compressInt8, update.allSatisfy(\.isFinite) {
                    var ef = feedback[id] ?? ErrorFeedback(codec: codec, count: theta.count)
                    let q = try ef.compress(update)
                    feedback[id] = ef
                    uploadBytes += q.byteCount
                    received[id] = codec.decode(q)
                } else {
                    uploadBytes += update.count * 4
                    received[id] = update
                }
                clock += 1
                pending += machine.submit(id, round: spec.round, at: clock)
            }
            clock = spec.deadline + 1
            pending += machine.tick(at: clock)

            // Coordinator: validate, audit, aggregate, measure, pay.
            let judgingBegan = Date()
            // Commitments as the server checks them on arrival; then the audited runners, their
            // segments (drawn after the commitments) and what they send.
            var commitments: [String: SegmentCommitment] = [:]
            for id in received.keys.sorted() {
                guard let states = checkpoints[id] else { continue }
                let c = SegmentCommitment(round: spec.round, segmentSteps: segmentSteps, of: states)
                if c.problem(steps: o.inner.steps, segmentSteps: segmentSteps, paramsSHA256: thetaSHA, parameterCount: theta.count,
                             previous: lastCommitted[id]) == nil {
                    commitments[id] = c
                    lastCommitted[id] = c.checkpoints.last
                }
            }
            let chosen = Set(received.keys.sorted().filter { judge.select($0, trust: trust, rng: &auditRNG) })
            var evidence: [String: SegmentAudit.Evidence] = [:]
            for id in chosen.sorted() {
                guard let c = commitments[id], let states = checkpoints[id] else { continue }
                let segments = SegmentAudit.pick(o.auditSegments, of: c.segments, rng: &auditRNG)
                var asked: [Int: InnerCheckpoint] = [:]
                for k in SegmentAudit.Evidence.checkpoints(segments: segments, total: c.segments) where k < states.count { asked[k] = states[k] }
                evidence[id] = SegmentAudit.Evidence(commitment: c, segments: segments, states: asked)
            }
            checkpoints = [:]
            let verdict = try judge.judge(start: theta, spec: spec, received: received, shards: shards,
                                          control: ShardPlan.control(seed: spec.seed, round: spec.round, count: o.samplesPerRunner,
                                                                     corpusSize: train.count).map { train[$0] },
                                          heldOut: heldOut, trust: &trust, rng: &auditRNG, evidence: evidence, audit: chosen)
            auditSeconds += verdict.auditSeconds
            for m in verdict.audits.values {
                auditDistances.params.append(contentsOf: m.params)
                auditDistances.m.append(contentsOf: m.m)
                auditDistances.v.append(contentsOf: m.v)
                if let u = m.upload { auditDistances.upload.append(u) }
            }
            judgingSeconds += Date().timeIntervalSince(judgingBegan)
            if let aggregate = verdict.aggregate {
                // Measured against the round's model, before the outer step moves it.
                try outer.step(parameters: theta.buffer, aggregatedDelta: aggregate)
            }
            pending += machine.aggregated(round: spec.round, newVersion: UInt64(r), scores: verdict.scores, offences: verdict.offences, at: clock)
            var paidAttackers: Int64 = 0, paidHonest: Int64 = 0
            for action in pending {
                switch action {
                case .pay(let runner, _, let amount):
                    earned[runner, default: 0] += amount
                    if attackers.contains(runner) { paidAttackers += amount } else { paidHonest += amount }
                case .slash(let runner, _, let amount, _):
                    slashed[runner, default: 0] += amount
                case .ban(let runner, _):
                    banned.insert(runner)
                default:
                    break
                }
            }
            pending = []
            let record = RoundRecord(round: r, heldOutLoss: evalLoss(theta), tokens: tokens, uploadBytes: uploadBytes,
                                     accepted: verdict.accepted.count, refused: received.count - verdict.accepted.count,
                                     paidToAttackers: paidAttackers, paidToHonest: paidHonest,
                                     backdoorSuccess: backdoors.isEmpty ? nil : Backdoor.successRate(theta, prompts: heldOut, vocab: o.model.vocab))
            records.append(record)
            progress?(record)
        }
        let description = "\(o.runners.count) runners (\(attackers.count) \(o.runners.first { $0 != .honest }?.description ?? "none")), "
            + "\(o.rounds) rounds of \(o.inner.steps) steps × \(o.inner.batch) × \(o.inner.seqLen), \(o.aggregator.rawValue), "
            + (o.compressInt8 ? "int8 uploads" : "fp32 uploads") + (o.inner.lora.map { ", LoRA rank \($0.rank)" } ?? ", full model")
        return Report(options: description, initialLoss: initial, rounds: records, earned: earned, attackers: attackers,
                      banned: banned, slashed: slashed, seconds: Date().timeIntervalSince(began),
                      trainingSeconds: trainingSeconds, judgingSeconds: judgingSeconds, auditDistances: auditDistances,
                      auditSeconds: auditSeconds)
    }

    /// Relative distances measured by audits, pooled over a run.
    public struct AuditDistances: Sendable {
        public var params: [Float] = []
        public var m: [Float] = []
        public var v: [Float] = []
        public var upload: [Float] = []
    }

    /// A cheat that computes only every other segment: in the rest it stands still (the same
    /// state, the update count advanced as if it had trained) and commits to that.
    static func skipEveryOtherSegment(_ id: String, shard: [[Int32]], theta: ParameterStore, inner: InnerLoop.Settings, segmentSteps: Int,
                                      seed: UInt64, states: inout [String: InnerLoop.OptimizerState],
                                      checkpoints: inout [String: [InnerCheckpoint]]) throws -> [Float] {
        let n = theta.count
        let kept = states[id]
        var current = InnerCheckpoint(index: 0, step: 0, adamStep: kept?.step ?? 0, params: Array(theta.buffer),
                                      m: kept?.m ?? [Float](repeating: 0, count: n), v: kept?.v ?? [Float](repeating: 0, count: n))
        var trail = [current]
        let marks = InnerCheckpoint.steps(total: inner.steps, every: max(1, segmentSteps))
        let loop = InnerLoop(settings: inner)
        for k in 1..<marks.count {
            if k % 2 == 0 {
                current.index = k
                current.adamStep += marks[k] - current.step
                current.step = marks[k]
            } else {
                current = try loop.replay(from: current, untilStep: marks[k], samples: shard, seed: seed, layout: theta.layout)
            }
            trail.append(current)
        }
        states[id] = InnerLoop.OptimizerState(m: current.m, v: current.v, step: current.adamStep)
        checkpoints[id] = trail
        return zip(current.params, theta.buffer).map { $0 - $1 }
    }

    /// Moves every checkpoint after the first by `share` of its segment's own movement along
    /// `direction` (accumulating), keeping each segment's replay within a tolerance above `share`.
    static func nudge(_ states: inout [InnerCheckpoint], towards direction: [Float], share: Float) {
        let norm = direction.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, states.count > 1 else { return }
        var push = [Float](repeating: 0, count: direction.count)
        var previous = states[0].params
        for k in 1..<states.count {
            let moved = zip(states[k].params, previous).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            previous = states[k].params
            for j in 0..<push.count { push[j] += share * moved * direction[j] / norm }
            for j in 0..<push.count { states[k].params[j] += push[j] }
        }
    }

    static func runSeed(_ spec: RoundSpec, _ runner: String) -> UInt64 {
        RoundJudge.runnerSeed(roundSeed: spec.seed, runner: runner)
    }
}
