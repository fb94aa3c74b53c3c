import Ledger
import ModelTraining
import Swarm

extension ServerConfig {
    /// AI-runner training (docs/distributed.md): the model being trained, the rounds, the
    /// defences and the economics. Off by default; `purr serve` with `training.enabled` turns the
    /// server into the coordinator runners connect to.
    public struct Training: Codable, Sendable, Equatable {
        public var enabled = false
        /// "fresh": a new model initialised from `seed`; "shipped": continue from `model.path`.
        public var start = "fresh"
        /// Shape of a fresh model; 0 = the shipped model's.
        public var dim = 0
        public var layers = 0
        public var seqLen = 128
        /// Run seed: round seeds, shards and a fresh model's initial weights follow from it.
        public var seed: UInt64 = 1
        /// Quest corpus directory (relative to `world.root`): shards are drawn from its training
        /// split; the held-out yardstick from the first `heldOutSamples` of its held-out split.
        public var corpus = "quests"
        public var heldOutSamples = 64
        /// Local AdamW steps per round (DiLoCo's H), sequences per step, samples per shard.
        public var innerSteps = 20
        public var batch = 4
        /// Several times what the local steps read: a shard read over and over trains worse.
        public var samplesPerRunner = 256
        public var learningRate: Float = 2e-3
        /// Longest a round stays open; it closes earlier once every assigned runner delivered.
        public var roundSeconds = 120.0
        public var quorum = 1
        public var minSecondsToJoinRound = 5.0
        /// PUR minted per closed round, split by measured contribution × reputation.
        public var emissionPerRound = Amount.pur(10)
        /// Escrowed on train.join, returned on train.leave, slashed on proven cheating.
        public var stake = Amount.pur(5)
        public var slashFraction = 0.5
        public var banAfterOffences = 2
        /// Outer Nesterov step on the aggregated delta (DiLoCo: 0.7 and 0.9; 0.6 and 0.85
        /// measured best for the quest model, docs/distributed.md).
        public var outerLearningRate: Float = 0.6
        public var outerMomentum: Float = 0.85
        /// "centeredClip" (default), "trimmedMean" or "mean" (no defence; experiments only).
        public var aggregator = "centeredClip"
        public var auditFraction = 0.25
        public var auditUntilTrust = 0.5
        /// LoRA mode only: its adapters are replayed whole (relative L2 distance allowed).
        public var auditTolerance: Float = 0.25
        /// Training protocol 2: runners commit to a checkpoint every `segmentSteps` local steps;
        /// an audit replays `auditSegments` of those segments, drawn after the commitment, and
        /// compares with these relative tolerances (docs/distributed.md, "Verification").
        public var segmentSteps = 10
        public var auditSegments = 2
        public var segmentTolerance: Float = 0.05
        public var momentTolerance: Float = 0.05
        public var uploadTolerance: Float = 0.05
        /// "full": runners train every weight; "lora": only low-rank adapters on the attention
        /// and MLP projections, uploading the factors (far fewer bytes).
        public var mode = "full"
        public var loraRank = 8
        public var loraAlpha: Float = 16
        /// Runners keep their inner AdamW across rounds (DiLoCo proper; about half the held-out
        /// loss of a fresh optimizer each round in docs/distributed.md). An audited runner then
        /// sends the state it started the round from, and the audit replays from it.
        public var keepInnerState = true
        /// How long the coordinator waits for audited runners' optimizer states; an update whose
        /// state does not come in time is left out of the round (not paid, not slashed).
        public var auditStateSeconds = 60.0
        /// Model diffs kept so a runner a few versions behind downloads only what changed.
        public var keepDiffs = 16
        /// Threads for the coordinator's audits and measurements.
        public var threads = 2

        public init() {}

        /// Every value checked, with the key that is wrong.
        func validated() throws -> Training {
            func fail(_ key: String, _ why: String) -> StartupError { StartupError(message: "training.\(key): \(why)") }
            guard ["fresh", "shipped"].contains(start) else { throw fail("start", "must be \"fresh\" or \"shipped\", not \"\(start)\"") }
            guard dim >= 0, dim % 32 == 0, layers >= 0, layers <= 32 else { throw fail("dim", "dim must be 0 or a multiple of 32, layers 0…32") }
            guard (8...1024).contains(seqLen) else { throw fail("seqLen", "must be 8…1024") }
            guard (1...10_000).contains(heldOutSamples) else { throw fail("heldOutSamples", "must be 1…10000") }
            guard (1...10_000).contains(innerSteps) else { throw fail("innerSteps", "must be 1…10000") }
            guard (1...256).contains(batch) else { throw fail("batch", "must be 1…256") }
            guard (1...100_000).contains(samplesPerRunner) else { throw fail("samplesPerRunner", "must be 1…100000") }
            guard learningRate > 0, learningRate.isFinite else { throw fail("learningRate", "must be a positive number") }
            guard roundSeconds >= 1, roundSeconds <= 86_400 else { throw fail("roundSeconds", "must be 1…86400") }
            guard quorum >= 1 else { throw fail("quorum", "must be at least 1") }
            guard minSecondsToJoinRound >= 0, minSecondsToJoinRound < roundSeconds else {
                throw fail("minSecondsToJoinRound", "must be ≥ 0 and below roundSeconds")
            }
            guard (0...1).contains(slashFraction) else { throw fail("slashFraction", "must be 0…1") }
            guard banAfterOffences >= 1 else { throw fail("banAfterOffences", "must be at least 1") }
            guard outerLearningRate > 0, outerLearningRate.isFinite else { throw fail("outerLearningRate", "must be positive") }
            guard outerMomentum >= 0, outerMomentum < 1 else { throw fail("outerMomentum", "must be in [0, 1)") }
            guard aggregatorChoice != nil else { throw fail("aggregator", "must be centeredClip, trimmedMean or mean") }
            guard (0...1).contains(auditFraction), (0...1).contains(auditUntilTrust) else {
                throw fail("auditFraction", "auditFraction and auditUntilTrust must be 0…1")
            }
            guard auditTolerance > 0 else { throw fail("auditTolerance", "must be positive") }
            guard (1...10_000).contains(segmentSteps) else { throw fail("segmentSteps", "must be 1…10000") }
            guard (1...1_000).contains(auditSegments) else { throw fail("auditSegments", "must be 1…1000") }
            for (key, value) in [("segmentTolerance", segmentTolerance), ("momentTolerance", momentTolerance),
                                 ("uploadTolerance", uploadTolerance)] where !(value > 0 && value.isFinite) {
                throw fail(key, "must be a positive number")
            }
            guard ["full", "lora"].contains(mode) else { throw fail("mode", "must be \"full\" or \"lora\", not \"\(mode)\"") }
            guard (1...256).contains(loraRank), loraAlpha > 0, loraAlpha.isFinite else {
                throw fail("loraRank", "loraRank must be 1…256 and loraAlpha positive")
            }
            guard auditStateSeconds > 0, auditStateSeconds <= 3_600 else { throw fail("auditStateSeconds", "must be in (0, 3600]") }
            guard (1...1_000).contains(keepDiffs) else { throw fail("keepDiffs", "must be 1…1000") }
            guard (1...64).contains(threads) else { throw fail("threads", "must be 1…64") }
            return self
        }

        var lora: LoRASettings? { mode == "lora" ? LoRASettings(rank: loraRank, alpha: loraAlpha) : nil }

        var aggregatorChoice: AggregatorChoice? { AggregatorChoice(rawValue: aggregator) }
    }
}
