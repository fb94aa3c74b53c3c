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
    /// A closed round waiting for its audited runners' optimizer states.
    struct PendingAudit {
        var spec: RoundSpec
        var runners: Set<String>
        var states: [String: InnerLoop.OptimizerState?] = [:]
        var deadline: Date
    }
    var pendingAudit: PendingAudit?
    var unverified: [String] = []
    var lastHeldOutLoss: Double?
    /// Sends a notification to every connection of an account (set by the game).
    var notifier: (@Sendable (AccountID, String, JSONValue) -> Void)?
    private let worker = DispatchQueue(label: "purr.training.judge", qos: .utility)

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
        var judgeSettings = RoundJudge.Settings(inner: inner)
        judgeSettings.aggregator = settings.aggregatorChoice ?? .centeredClip
        judgeSettings.auditFraction = settings.auditFraction
        judgeSettings.auditUntilTrust = settings.auditUntilTrust
        judgeSettings.auditTolerance = settings.auditTolerance
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

    // MARK: Requests

    func refusal(_ code: String, _ message: String) -> RPCErrorObject {
        RPCErrorObject(.trainingRefused, message, extra: ["reason": .string(code)])
    }

    func info() -> JSONValue {
        var o: [String: JSONValue] = [
            "enabled": true, "version": .int(Int64(machine.version)), "paramsSHA256": .string(paramsSHA256),
            "members": .int(Int64(machine.members.values.filter { !$0.banned }.count)),
            "phase": .string(phaseName),
            "model": ["dim": .int(Int64(model.dim)), "hidden": .int(Int64(model.hidden)), "layers": .int(Int64(model.layers)),
                      "heads": .int(Int64(model.heads)), "kvHeads": .int(Int64(model.kvHeads)), "vocab": .int(Int64(model.vocab)),
                      "maxPositions": .int(Int64(model.seqLen)), "parameters": .int(Int64(theta.count))],
            "policy": ["innerSteps": .int(Int64(settings.innerSteps)), "batch": .int(Int64(settings.batch)),
                       "seqLen": .int(Int64(settings.seqLen)), "samplesPerRunner": .int(Int64(settings.samplesPerRunner)),
                       "roundSeconds": .double(settings.roundSeconds), "quorum": .int(Int64(settings.quorum)),
                       "emissionPerRound": .string(settings.emissionPerRound.decimalString),
                       "stake": .string(settings.stake.decimalString), "aggregator": .string(settings.aggregator),
                       "mode": .string(settings.mode)],
        ]
        if let spec = currentSpec { o["round"] = .int(Int64(spec.round)); o["deadline"] = .int(spec.deadline) }
        if let loss = lastHeldOutLoss { o["heldOutLoss"] = .double(loss) }
        return .object(o)
    }

    var phaseName: String {
        switch machine.phase {
        case .idle: "idle"
        case .open: "open"
        case .aggregating: "aggregating"
        }
    }

    var currentSpec: RoundSpec? {
        switch machine.phase {
        case .idle: nil
        case .open(let s), .aggregating(let s): s
        }
    }

    func status(_ account: AccountID) -> JSONValue {
        let id = account.rawValue
        guard let m = machine.members[id] else {
            return ["member": false, "version": .int(Int64(machine.version)), "phase": .string(phaseName)]
        }
        var o: [String: JSONValue] = [
            "member": true, "banned": .bool(m.banned), "reputation": .double(m.reputation.value),
            "roundsScored": .int(Int64(m.reputation.rounds)), "trust": .double(trust[id] ?? 0),
            "earned": .string(String(m.earned)), "stakeHeld": .string(String(m.stakeHeld)), "offences": .int(Int64(m.offences)),
            "version": .int(Int64(machine.version)), "phase": .string(phaseName),
        ]
        if let spec = currentSpec {
            o["round"] = .int(Int64(spec.round))
            o["assigned"] = .bool(machine.assigned.contains(id))
            o["delivered"] = .bool(machine.delivered.contains(id))
        }
        if let round = auditWaiting(for: id) { o["auditRound"] = .int(Int64(round)) }
        return .object(o)
    }

    func join(_ account: AccountID) throws -> JSONValue {
        let id = account.rawValue
        if let m = machine.members[id] {
            if m.banned { throw refusal(RoundRefusal.banned.rawValue, "this runner is banned from training") }
            return status(account)
        }
        var m = machine
        let actions = m.join(id, at: nowMillis)
        if case .refuse(_, let code, let reason)? = actions.first { throw refusal(code.rawValue, reason) }
        let at = now()
        let stake = settings.stake
        let notes = try db.write { db -> [(AccountID, String, JSONValue)] in
            if stake > .zero {
                let escrow = AccountID.escrow("train:\(id)")
                try LedgerStore.ensureAccount(db, escrow, kind: .escrow, at: at)
                try LedgerStore.move(db, kind: "train.stake", from: account, to: escrow, amount: stake, ref: "train:\(id)",
                                     uniqueRef: false, memo: "AI-runner stake", at: at)
            }
            try LedgerStore.appendEvent(db, kind: "train.joined", payload: TrainingJoined(runner: id, stake: stake.decimalString), at: at)
            let notes = try perform(actions, db, at: at)
            try TrainingStore.saveMachine(db, m)
            return notes
        }
        machine = m
        send(notes)
        logger.info("runner joined", metadata: ["runner": "\(id.prefix(12))", "members": "\(machine.members.count)"])
        return status(account)
    }

    func leave(_ account: AccountID) throws -> JSONValue {
        let id = account.rawValue
        guard let member = machine.members[id] else { throw refusal(RoundRefusal.notMember.rawValue, "not taking part") }
        if machine.delivered.contains(id) || arrivalOffences[id] != nil {
            throw refusal("train.update_pending", "your update for the current round is still to be judged; leave after the round closes")
        }
        var m = machine
        m.leave(id)
        let at = now()
        let refund = Amount(micro: member.stakeHeld) ?? .zero
        try db.write { db in
            if refund > .zero {
                try LedgerStore.move(db, kind: "train.unstake", from: .escrow("train:\(id)"), to: account, amount: refund,
                                     ref: "train:\(id)", uniqueRef: false, memo: "AI-runner stake returned", at: at)
            }
            try LedgerStore.appendEvent(db, kind: "train.left", payload: TrainingLeft(runner: id, refunded: refund.decimalString), at: at)
            try TrainingStore.saveMachine(db, m)
        }
        machine = m
        return ["left": true, "refunded": .string(refund.decimalString), "earned": .string(String(member.earned))]
    }

    /// The runner's work in the open round: the inner-loop settings, its seed and its samples.
    func assignment(_ account: AccountID) throws -> JSONValue {
        let id = account.rawValue
        guard let member = machine.members[id] else { throw refusal(RoundRefusal.notMember.rawValue, "join first (train.join)") }
        if member.banned { throw refusal(RoundRefusal.banned.rawValue, "this runner is banned from training") }
        guard case .open(let spec) = machine.phase, machine.assigned.contains(id), !machine.delivered.contains(id),
              arrivalOffences[id] == nil else {
            let why: String
            switch machine.phase {
            case .idle: why = "no round is open"
            case .aggregating: why = "the round is being judged"
            case .open: why = machine.delivered.contains(id) ? "your update for this round was received" : "you join from the next round"
            }
            var waiting: [String: JSONValue] = ["waiting": true, "reason": .string(why), "version": .int(Int64(machine.version)),
                                                "retryAfterMs": .int(Int64(500))]
            if let round = auditWaiting(for: id) {
                waiting["auditRound"] = .int(Int64(round))
                waiting["reason"] = .string("round \(round) is audited: send the optimizer state it started from")
            }
            return .object(waiting)
        }
        let indices = ShardPlan.samples(seed: spec.seed, runner: id, round: spec.round, count: spec.samplesPerRunner, corpusSize: train.count)
        let inner = judge.settings.inner
        var innerJSON: [String: JSONValue] = [
            "steps": .int(Int64(inner.steps)), "batch": .int(Int64(inner.batch)), "seqLen": .int(Int64(inner.seqLen)),
            "learningRate": .double(Double(inner.learningRate)), "warmupSteps": .int(Int64(inner.warmupSteps)),
            "clipNorm": .double(Double(inner.clipNorm)), "weightDecay": .double(Double(inner.weightDecay))]
        innerJSON["keepOptimizerState"] = .bool(inner.keepOptimizerState)
        if let lora = inner.lora {
            innerJSON["lora"] = ["rank": .int(Int64(lora.rank)), "alpha": .double(Double(lora.alpha)),
                                 "factors": .int(Int64(LoRAFactors.count(theta.layout, lora)))]
        }
        return [
            "round": .int(Int64(spec.round)), "version": .int(Int64(spec.version)), "seed": .string(String(spec.seed)),
            "runnerSeed": .string(String(RoundJudge.runnerSeed(roundSeed: spec.seed, runner: id))),
            "deadline": .int(spec.deadline), "paramsSHA256": .string(paramsSHA256),
            "inner": .object(innerJSON),
            "sampleIndices": .array(indices.map { .int(Int64($0)) }),
            "samples": .array(indices.map { i in .array(train[i].map { .int(Int64($0)) }) }),
        ]
    }

    /// The frames that bring a runner from version `have` to the current one, and the call's result.
    func model(have: UInt64?, requestID: UInt64) throws -> (frames: [[UInt8]], result: JSONValue) {
        let version = machine.version
        var result: [String: JSONValue] = ["version": .int(Int64(version)), "paramsSHA256": .string(paramsSHA256)]
        if let have, have == version {
            result["kind"] = "upToDate"
            result["frames"] = 0
            return ([], .object(result))
        }
        if let have, have < version, (have + 1...version).allSatisfy({ diffs[$0] != nil }) {
            let frames = try (have + 1...version).map { v -> [UInt8] in
                guard let q = diffs[v] else { throw RPCErrorObject(.internalError, "diff \(v) vanished") }
                return try ModelFrames.diff(q, version: v, requestID: requestID).encode()
            }
            result["kind"] = "diff"
            result["frames"] = .int(Int64(frames.count))
            result["bytes"] = .int(Int64(frames.reduce(0) { $0 + $1.count }))
            return (frames, .object(result))
        }
        let frame = try ModelFrames.state(theta, version: version, requestID: requestID).encode()
        result["kind"] = "state"
        result["frames"] = 1
        result["bytes"] = .int(Int64(frame.count))
        return ([frame], .object(result))
    }

    /// A runner's update frame arrived (already decoded).
    func submit(_ account: AccountID, frame: TensorFrame, bytes: [UInt8]) throws -> JSONValue {
        let id = account.rawValue
        guard machine.members[id] != nil else { throw refusal(RoundRefusal.notMember.rawValue, "join first (train.join)") }
        if frame.messageType == .optimizerState { return try submitState(id, frame: frame) }
        guard frame.messageType == .update else {
            throw refusal("train.bad_frame", "runners send update frames (message type 3), not \(frame.messageType)")
        }
        var delta: [Float]
        let lora = judge.settings.inner.lora
        do { delta = try ModelFrames.delta(of: frame, count: lora.map { LoRAFactors.count(theta.layout, $0) } ?? theta.count) } catch {
            throw refusal(error.code, error.message)
        }
        if let lora {
            // The adapters expand to the full-size delta the defences and the outer step work on
            // (non-finite factors stay non-finite and are caught below).
            delta = LoRAFactors(settings: lora, values: delta).dense(theta.layout) ?? delta
        }
        var m = machine
        let actions = m.submit(id, round: frame.round, at: nowMillis)
        if case .refuse(_, let code, let reason)? = actions.first { throw refusal(code.rawValue, reason) }
        var offence: String?
        if let bad = delta.firstIndex(where: { !$0.isFinite }) {
            offence = "update.non_finite: element \(bad) of the update is NaN or infinite"
        }
        let at = now()
        let event = TrainingUpdateReceived(round: frame.round, runner: id, bytes: bytes.count, sha256: Hex.encode(SHA256.hash(bytes)), offence: offence)
        try db.write { db in
            try TrainingStore.insertUpdate(db, round: frame.round, runner: id, delta: offence == nil ? delta : nil, offence: offence)
            try LedgerStore.appendEvent(db, kind: "train.update.received", payload: event, at: at)
            try TrainingStore.saveMachine(db, m)
        }
        machine = m
        if let offence {
            arrivalOffences[id] = offence
            throw refusal("update.non_finite", "\(offence); refused, and recorded as an offence: part of the stake is slashed when the round closes")
        }
        received[id] = delta
        return ["accepted": true, "round": .int(Int64(frame.round)), "bytes": .int(Int64(bytes.count))]
    }

    /// The round whose audit waits for this runner's optimizer state (a runner that missed the
    /// `train.audit` notification learns it from `train.assignment` and `train.status`).
    func auditWaiting(for id: String) -> UInt64? {
        guard let p = pendingAudit, p.runners.contains(id), p.states[id] == nil else { return nil }
        return p.spec.round
    }

    /// An audited runner's optimizer state for the round being judged.
    func submitState(_ id: String, frame: TensorFrame) throws -> JSONValue {
        guard var pending = pendingAudit, frame.round == pending.spec.round, pending.runners.contains(id) else {
            throw refusal("train.not_audited", "no audit of your update for round \(frame.round) is waiting for a state")
        }
        guard pending.states[id] == nil else { throw refusal(RoundRefusal.duplicate.rawValue, "your state for round \(frame.round) was already received") }
        let state: InnerLoop.OptimizerState?
        do { state = try ModelFrames.optimizerState(of: frame, count: theta.count) } catch { throw refusal(error.code, error.message) }
        pending.states[id] = .some(state)
        pendingAudit = pending
        if pending.states.count == pending.runners.count { finishAudit() }
        return ["accepted": true, "round": .int(Int64(frame.round))]
    }

    /// Every asked state arrived, or time is up: judge with what came; updates whose state did
    /// not come are left out of the round.
    func finishAudit() {
        guard let pending = pendingAudit else { return }
        pendingAudit = nil
        let missing = pending.runners.subtracting(pending.states.keys)
        unverified = missing.sorted()
        for id in missing { received[id] = nil }
        var states: [String: InnerLoop.OptimizerState] = [:]
        for (id, s) in pending.states { if let s { states[id] = s } }
        runJudge(pending.spec, audit: Set(pending.states.keys), states: states)
    }

    // MARK: Rounds

    /// Time passes: opens, closes or abandons rounds.
    func tick() {
        if let pending = pendingAudit, now() > pending.deadline { finishAudit() }
        guard !judging else { return }
        var m = machine
        let actions = m.tick(at: nowMillis)
        guard !actions.isEmpty else { return }
        let at = now()
        do {
            let notes = try db.write { db -> [(AccountID, String, JSONValue)] in
                let notes = try perform(actions, db, at: at)
                try TrainingStore.saveMachine(db, m)
                return notes
            }
            machine = m
            send(notes)
        } catch {
            logger.error("training tick failed", metadata: ["error": "\(error)"])
            return
        }
        for case .aggregate(let spec, _) in actions { startJudging(spec) }
    }

    /// Writes what the state machine decided (inside `db`'s transaction); returns the
    /// notifications to send once it commits.
    func perform(_ actions: [RoundAction], _ db: Database, at: Date) throws -> [(AccountID, String, JSONValue)] {
        var notes: [(AccountID, String, JSONValue)] = []
        for action in actions {
            switch action {
            case .openRound(let spec):
                let runners = actions.compactMap { a -> String? in if case .assign(let r, _) = a { r } else { nil } }
                try LedgerStore.appendEvent(db, kind: "train.round.opened", payload: TrainingRoundOpened(
                    round: spec.round, version: spec.version, seed: String(spec.seed), deadline: spec.deadline, runners: runners), at: at)
                try TrainingStore.deleteUpdates(db, round: spec.round - 1)
            case .assign(let runner, let spec):
                notes.append((AccountID(rawValue: runner), "train.round", [
                    "round": .int(Int64(spec.round)), "version": .int(Int64(spec.version)), "deadline": .int(spec.deadline)]))
            case .aggregate:
                break
            case .abandonRound(let spec, let updates):
                try LedgerStore.appendEvent(db, kind: "train.round.abandoned", payload: TrainingRoundAbandoned(
                    round: spec.round, version: spec.version, updates: updates), at: at)
            case .pay(let runner, let round, let amount):
                guard let value = Amount(micro: amount), value > .zero else { continue }
                let account = AccountID(rawValue: runner)
                try LedgerStore.ensureAccount(db, account, kind: .player, at: at)
                try LedgerStore.move(db, kind: "train.reward", from: .issuance, to: account, amount: value,
                                     ref: "round:\(round):\(runner)", uniqueRef: true, memo: "training round \(round)", at: at)
            case .slash(let runner, let round, let amount, let reason):
                guard let value = Amount(micro: amount), value > .zero else { continue }
                try LedgerStore.move(db, kind: "train.slash", from: .escrow("train:\(runner)"), to: .treasury, amount: value,
                                     ref: "round:\(round):\(runner)", uniqueRef: true, memo: String(reason.prefix(200)), at: at)
            case .ban(let runner, let reason):
                try LedgerStore.appendEvent(db, kind: "train.banned", payload: TrainingBanned(runner: runner, reason: reason), at: at)
                notes.append((AccountID(rawValue: runner), "train.banned", ["reason": .string(reason)]))
            case .refuse:
                break
            }
        }
        return notes
    }

    func send(_ notes: [(AccountID, String, JSONValue)]) {
        guard let notifier else { return }
        for (account, method, params) in notes { notifier(account, method, params) }
    }

    struct Judged: Sendable {
        var verdict: RoundJudge.Verdict
        var diff: QuantisedDelta?
        var newParams: ParameterStore
        var outer: OuterNesterov
        var feedback: ErrorFeedback<BlockwiseInt8>
        var trust: [String: Double]
        var heldOutLoss: Float?
        var seconds: Double
    }

    /// Judges the closed round: with kept inner optimizers, first asks the runners picked for
    /// audit for the state they started from (`train.audit`), then judges on the worker queue
    /// and commits the result.
    func startJudging(_ spec: RoundSpec) {
        judging = true
        unverified = []
        guard judge.settings.inner.keepOptimizerState else { return runJudge(spec, audit: nil, states: [:]) }
        var rng = SystemRandomNumberGenerator()
        let chosen = Set(machine.delivered.filter { received[$0] != nil }.sorted().filter { judge.select($0, trust: trust, rng: &rng) })
        guard !chosen.isEmpty else { return runJudge(spec, audit: [], states: [:]) }
        pendingAudit = PendingAudit(spec: spec, runners: chosen, deadline: now().addingTimeInterval(settings.auditStateSeconds))
        send(chosen.sorted().map { (AccountID(rawValue: $0), "train.audit", ["round": .int(Int64(spec.round))]) })
    }

    func runJudge(_ spec: RoundSpec, audit: Set<String>?, states: [String: InnerLoop.OptimizerState]) {
        let start = theta.clone()
        let runners = machine.delivered
        let updates = received.filter { runners.contains($0.key) }
        var shards: [String: [[Int32]]] = [:]
        for id in updates.keys {
            shards[id] = ShardPlan.samples(seed: spec.seed, runner: id, round: spec.round, count: spec.samplesPerRunner, corpusSize: train.count)
                .map { train[$0] }
        }
        let control = ShardPlan.control(seed: spec.seed, round: spec.round, count: spec.samplesPerRunner, corpusSize: train.count).map { train[$0] }
        let (judge, heldOut, trust, outer, feedback, codec) = (self.judge, self.heldOut, self.trust, self.outer, self.feedback, self.codec)
        let worker = self.worker
        let assigned = shards
        Task {
            let outcome: Result<Judged, any Error> = await withCheckedContinuation { continuation in
                worker.async {
                    continuation.resume(returning: Result {
                        try Self.judgeRound(spec: spec, start: start, updates: updates, shards: assigned, control: control, heldOut: heldOut,
                                            judge: judge, trust: trust, outer: outer, feedback: feedback, codec: codec,
                                            audit: audit, states: states)
                    })
                }
            }
            self.finishJudging(spec, outcome)
        }
    }

    static func judgeRound(spec: RoundSpec, start: ParameterStore, updates: [String: [Float]], shards: [String: [[Int32]]],
                           control: [[Int32]], heldOut: [[Int32]], judge: RoundJudge, trust: [String: Double],
                           outer: OuterNesterov, feedback: ErrorFeedback<BlockwiseInt8>, codec: BlockwiseInt8,
                           audit: Set<String>?, states: [String: InnerLoop.OptimizerState]) throws -> Judged {
        let began = Date()
        var trust = trust, outer = outer, feedback = feedback
        var rng = SystemRandomNumberGenerator()
        let verdict = try judge.judge(start: start, spec: spec, received: updates, shards: shards, control: control, heldOut: heldOut,
                                      trust: &trust, rng: &rng, startStates: states, audit: audit)
        let next = start.clone()
        var diff: QuantisedDelta?
        if let aggregate = verdict.aggregate {
            // The outer step, quantised with error feedback: the published diff is exactly what
            // moves the parameters, so runners applying it get the same bits.
            let stepped = start.clone()
            try outer.step(parameters: stepped.buffer, aggregatedDelta: aggregate)
            var step = [Float](repeating: 0, count: start.count)
            for j in 0..<start.count { step[j] = stepped.pointer[j] - start.pointer[j] }
            let q = try feedback.compress(step)
            try ModelFrames.apply(codec.decode(q), to: next)
            diff = q
        }
        let inner = judge.settings.inner
        let loss = InnerLoop.loss(of: next, on: heldOut, batch: inner.batch, seqLen: inner.seqLen, maxBatches: 4, threads: inner.threads)
        return Judged(verdict: verdict, diff: diff, newParams: next, outer: outer, feedback: feedback, trust: trust, heldOutLoss: loss,
                      seconds: Date().timeIntervalSince(began))
    }

    func finishJudging(_ spec: RoundSpec, _ outcome: Result<Judged, any Error>) {
        let judged: Judged
        switch outcome {
        case .success(let j): judged = j
        case .failure(let error):
            logger.error("judging a round failed; retrying in 5 s", metadata: ["round": "\(spec.round)", "error": "\(error)"])
            Task {
                try? await Task.sleep(for: .seconds(5))
                self.startJudging(spec)
            }
            return
        }
        var m = machine
        var offences = judged.verdict.offences
        for (id, why) in arrivalOffences { offences[id] = why }
        let newVersion = judged.diff == nil ? m.version : m.version + 1
        let actions = m.aggregated(round: spec.round, newVersion: newVersion, scores: judged.verdict.scores, offences: offences, at: nowMillis)
        let newSHA = judged.newParams.checksum()
        var payments: [String: String] = [:]
        for case .pay(let runner, _, let amount) in actions { payments[runner] = String(amount) }
        var reputation: [String: Double] = [:]
        for id in Set(judged.verdict.accepted).union(offences.keys).union(machine.assigned) {
            if let r = m.members[id]?.reputation.value { reputation[id] = r }
        }
        let closed = TrainingRoundClosed(
            round: spec.round, version: spec.version, newVersion: newVersion, paramsSHA256: newSHA,
            heldOutLoss: judged.heldOutLoss.map(Double.init), accepted: judged.verdict.accepted, audited: judged.verdict.audited,
            unverified: unverified.isEmpty ? nil : unverified,
            offences: offences, scores: judged.verdict.scores, reputation: reputation, payments: payments,
            emission: settings.emissionPerRound.decimalString)
        let checkpoint = TrainingStore.Checkpoint(
            model: modelName, machine: m, trust: judged.trust, version: newVersion, params: Array(judged.newParams.buffer),
            paramsSHA256: newSHA, outer: judged.outer.state, residual: judged.feedback.residual)
        let at = now()
        let keep = settings.keepDiffs
        do {
            let notes = try db.write { db -> [(AccountID, String, JSONValue)] in
                try LedgerStore.appendEvent(db, kind: "train.round.closed", payload: closed, at: at)
                let notes = try perform(actions, db, at: at)
                try TrainingStore.save(db, checkpoint, at: at)
                if let q = judged.diff { try TrainingStore.insertDiff(db, version: newVersion, q, keep: keep) }
                try TrainingStore.deleteUpdates(db, round: spec.round)
                return notes
            }
            machine = m
            trust = judged.trust
            theta = judged.newParams
            paramsSHA256 = newSHA
            outer = judged.outer
            feedback = judged.feedback
            if let q = judged.diff {
                diffs[newVersion] = q
                for v in diffs.keys where v + UInt64(keep) <= newVersion { diffs[v] = nil }
            }
            lastHeldOutLoss = judged.heldOutLoss.map(Double.init)
            received = [:]
            arrivalOffences = [:]
            judging = false
            let summary: [String: JSONValue] = ["round": .int(Int64(spec.round)), "version": .int(Int64(newVersion)),
                                                "paramsSHA256": .string(newSHA),
                                                "heldOutLoss": judged.heldOutLoss.map { .double(Double($0)) } ?? .null]
            var all = notes
            for id in Set(judged.verdict.accepted).union(offences.keys) {
                var s = summary
                s["paid"] = .string(payments[id] ?? "0")
                if let why = offences[id] { s["offence"] = .string(why) }
                all.insert((AccountID(rawValue: id), "train.round.closed", .object(s)), at: 0)
            }
            send(all)
            logger.info("training round closed", metadata: [
                "round": "\(spec.round)", "version": "\(newVersion)", "accepted": "\(judged.verdict.accepted.count)",
                "offences": "\(offences.count)", "heldOutLoss": "\(judged.heldOutLoss.map { String(format: "%.4f", $0) } ?? "-")",
                "seconds": "\(String(format: "%.2f", judged.seconds))"])
        } catch {
            logger.error("committing a judged round failed; retrying in 5 s", metadata: ["round": "\(spec.round)", "error": "\(error)"])
            Task {
                try? await Task.sleep(for: .seconds(5))
                self.finishJudging(spec, outcome)
            }
        }
    }
}
