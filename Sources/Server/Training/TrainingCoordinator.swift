import Aggregation
import Coordinator
import Foundation
import GRDB
import Ledger
import Logging
import ModelTraining
import NeuralCore
import PurrCrypto
import QuestModel
import RPC
import Swarm
import Tokenizer
import WireFormat

/// The networked AI-runner coordinator (docs/distributed.md): the I/O shell around
/// ``RoundStateMachine`` (rounds, members, stakes, reputations) and ``RoundJudge`` (validation,
/// audits, robust aggregation, contribution measurement).
///
/// Every decision that moves PUR is written in one transaction with the checkpoint that explains
/// it: stakes on join, refunds on leave, payments, slashes and the new model at each round's
/// close, each as ledger events (so leaves of the transparency log). Judging a round takes
/// seconds of CPU, so it runs on its own queue while this actor keeps answering; the round
/// stays `aggregating` (in memory and on disk) until the result is committed, so a restart
/// judges it again from the stored updates.
public actor TrainingCoordinator {
    let settings: ServerConfig.Training
    let db: any DatabaseWriter
    let logger: Logger
    let now: @Sendable () -> Date
    let model: LlamaConfig
    let modelName: String
    let train: [[Int32]]
    let heldOut: [[Int32]]
    let judge: RoundJudge
    let codec: BlockwiseInt8
    let outerConfiguration: OuterNesterov.Configuration

    var machine: RoundStateMachine
    var trust: [String: Double]
    var theta: ParameterStore
    var paramsSHA256: String
    var outer: OuterNesterov
    var feedback: ErrorFeedback<BlockwiseInt8>
    /// The open round's accepted updates and the offences found on arrival.
    var received: [String: [Float]] = [:]
    var arrivalOffences: [String: String] = [:]
    var diffs: [UInt64: QuantisedDelta]
    var judging = false
    /// A closed round waiting for its audited runners' checkpoint states.
    struct PendingAudit {
        var spec: RoundSpec
        var runners: Set<String>
        /// Segments asked of each runner, and the checkpoints that takes.
        var segments: [String: [Int]]
        var asked: [String: [Int]]
        var states: [String: [Int: InnerCheckpoint]] = [:]
        var deadline: Date

        func complete(_ id: String) -> Bool { (asked[id] ?? []).allSatisfy { states[id]?[$0] != nil } }
    }
    /// Each runner's latest accepted commitment (this round's, or where its optimizer stands).
    var commitments: [String: SegmentCommitment] = [:]
    var pendingAudit: PendingAudit?
    var unverified: [String] = []
    var lastHeldOutLoss: Double?
    /// Sends a notification to every connection of an account (set by the game).
    var notifier: (@Sendable (AccountID, String, JSONValue) -> Void)?
    let worker = DispatchQueue(label: "purr.training.judge", qos: .utility)

    /// Loads the tokenizer, corpus and model, and the checkpoint when the database has one.
    /// - Throws: ``StartupError`` naming the setting or file that is wrong.
    public init(settings: ServerConfig.Training, root: URL, modelPath: String, db: any DatabaseWriter, logger: Logger,
         now: @escaping @Sendable () -> Date) throws {
        let settings = try settings.validated()
        self.settings = settings
        self.db = db
        self.logger = logger
        self.now = now
        let modelDir = modelPath.hasPrefix("/") ? modelPath : root.appendingPathComponent(modelPath).path
        let tokenizer: BPETokenizer
        do { tokenizer = try BPETokenizer(contentsOf: URL(fileURLWithPath: modelDir).appendingPathComponent("tokenizer.json")) } catch {
            throw StartupError(message: "training: tokenizer in \(modelDir): \(error)")
        }
        let shipped: (LlamaConfig, ParameterStore)
        do { shipped = try ModelFiles.load(from: modelDir) } catch {
            throw StartupError(message: "training: model \(modelDir): \(error)")
        }
        var config = shipped.0
        if settings.start == "fresh", settings.dim > 0 || settings.layers > 0 {
            let dim = settings.dim > 0 ? settings.dim : config.dim
            config = LlamaConfig(dim: dim, hidden: dim * 8 / 3 / 32 * 32, layers: settings.layers > 0 ? settings.layers : config.layers,
                                 heads: max(1, dim / 32), kvHeads: max(1, dim / 64), vocab: tokenizer.vocabSize,
                                 seqLen: max(settings.seqLen, 8))
        }
        guard settings.seqLen <= config.seqLen else {
            throw StartupError(message: "training.seqLen: \(settings.seqLen) exceeds the model's \(config.seqLen) positions")
        }
        model = config
        modelName = "\(config)"
        let corpus: (train: [String], heldOut: [String])
        do { corpus = try QuestCorpus.load(directory: root.appendingPathComponent(settings.corpus)) } catch {
            throw StartupError(message: "training.corpus: \(error)")
        }
        train = QuestTrainer.encode(corpus.train, tokenizer)
        heldOut = QuestTrainer.encode(Array(corpus.heldOut.prefix(settings.heldOutSamples)), tokenizer)
        guard !train.isEmpty, !heldOut.isEmpty else { throw StartupError(message: "training.corpus: no samples") }

        var inner = InnerLoop.Settings(steps: settings.innerSteps, batch: settings.batch, seqLen: settings.seqLen)
        inner.learningRate = settings.learningRate
        inner.threads = settings.threads
        inner.lora = settings.lora
        inner.keepOptimizerState = settings.keepInnerState
        inner.segmentSteps = settings.lora == nil ? settings.segmentSteps : 0
        var judgeSettings = RoundJudge.Settings(inner: inner)
        judgeSettings.aggregator = settings.aggregatorChoice ?? .centeredClip
        judgeSettings.auditFraction = settings.auditFraction
        judgeSettings.auditUntilTrust = settings.auditUntilTrust
        judgeSettings.auditTolerance = settings.auditTolerance
        judgeSettings.auditSegments = settings.auditSegments
        judgeSettings.tolerances.params = settings.segmentTolerance
        judgeSettings.tolerances.moments = settings.momentTolerance
        judgeSettings.tolerances.upload = settings.uploadTolerance
        judge = RoundJudge(settings: judgeSettings)
        codec = try BlockwiseInt8()
        outerConfiguration = OuterNesterov.Configuration(learningRate: settings.outerLearningRate, momentum: settings.outerMomentum)

        let layout = ParameterLayout(config: config)
        let stored = try db.read { db in try TrainingStore.load(db) }
        if let c = stored {
            guard c.model == modelName, c.params.count == layout.totalCount else {
                throw StartupError(message: "training: the database holds a run of \(c.model); the config asks for \(modelName). "
                                   + "Use another database or the same training shape.")
            }
            var m = c.machine
            m.policy = Self.policy(settings)
            machine = m
            trust = c.trust
            let params = ParameterStore(layout: layout)
            c.params.withUnsafeBufferPointer { params.pointer.update(from: $0.baseAddress!, count: c.params.count) }
            theta = params
            guard params.checksum() == c.paramsSHA256 else {
                throw StartupError(message: "training: the stored parameters do not match their SHA-256; the checkpoint is damaged")
            }
            paramsSHA256 = c.paramsSHA256
            outer = try OuterNesterov(configuration: outerConfiguration, state: c.outer)
            var residual = ErrorFeedback(codec: codec, count: layout.totalCount)
            residual.load(residual: c.residual)
            feedback = residual
            diffs = try db.read { db in try TrainingStore.diffs(db) }
            commitments = try db.read { db in try TrainingStore.commitments(db) }
        } else {
            let start = settings.start == "shipped" ? shipped.1 : LlamaModel(config: config, seed: settings.seed).params
            let fresh = RoundStateMachine(policy: Self.policy(settings), runSeed: settings.seed)
            let sha = start.checksum()
            let optimizer = try OuterNesterov(parameterCount: layout.totalCount, configuration: outerConfiguration)
            machine = fresh
            trust = [:]
            theta = start
            paramsSHA256 = sha
            outer = optimizer
            feedback = ErrorFeedback(codec: codec, count: layout.totalCount)
            diffs = [:]
            let checkpoint = TrainingStore.Checkpoint(model: "\(config)", machine: fresh, trust: [:], version: fresh.version,
                                                      params: Array(start.buffer), paramsSHA256: sha, outer: optimizer.state,
                                                      residual: [Float](repeating: 0, count: layout.totalCount))
            let at = now()
            try db.write { db in try TrainingStore.save(db, checkpoint, at: at) }
        }
        logger.info("training coordinator ready", metadata: [
            "model": "\(config)", "parameters": "\(layout.totalCount)", "version": "\(stored?.version ?? 0)",
            "members": "\(stored?.machine.members.count ?? 0)"])
    }

    static func policy(_ s: ServerConfig.Training) -> RoundPolicy {
        var p = RoundPolicy()
        p.innerSteps = s.innerSteps
        p.batch = s.batch
        p.samplesPerRunner = s.samplesPerRunner
        p.roundSeconds = s.roundSeconds
        p.quorum = s.quorum
        p.minSecondsToJoinRound = s.minSecondsToJoinRound
        p.emissionPerRound = s.emissionPerRound.micro
        p.stake = s.stake.micro
        p.slashFraction = s.slashFraction
        p.banAfterOffences = s.banAfterOffences
        return p
    }

    func setNotifier(_ notifier: @escaping @Sendable (AccountID, String, JSONValue) -> Void) { self.notifier = notifier }

    var nowMillis: Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// After a restart: the open round's updates come back from the database, and a round that
    /// was being judged is judged again.
    func resume() throws {
        if case .open(let spec) = machine.phase {
            let stored = try db.read { db in try TrainingStore.updates(db, round: spec.round) }
            received = stored.deltas
            arrivalOffences = stored.offences
        }
        if case .aggregating(let spec) = machine.phase {
            let stored = try db.read { db in try TrainingStore.updates(db, round: spec.round) }
            received = stored.deltas
            arrivalOffences = stored.offences
            startJudging(spec)
        }
    }
}
