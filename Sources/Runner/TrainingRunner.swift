import Aggregation
import Foundation
import ModelTraining
import NeuralCore
import PurrClient
import PurrCrypto
import RPC
import Synchronization
import Swarm
import WireFormat

/// Why the runner stopped for good (not a dropped connection, which it survives).
public struct RunnerError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An AI runner (`purr runner`): connects, signs in, joins training, and then round after round
/// fetches the model (only the diffs when it is a few versions behind), runs its assignment's
/// local AdamW steps, uploads its delta as int8 blocks with error feedback, and reports progress.
/// A dropped connection or a restarted server is waited out and resumed: the runner reconnects,
/// signs in again and carries on with the model it has.
public struct TrainingRunner: Sendable {
    public struct Options: Sendable {
        public var server: String
        public var key: Ed25519PrivateKey
        /// BLAS and kernel threads for local training.
        public var threads = 2
        /// Misbehave (tests and benchmarks only).
        public var attack: RunnerAttack?
        /// Stop after delivering this many updates (nil: run until stopped).
        public var rounds: Int?
        /// Upload f32 instead of int8 blocks.
        public var fp32 = false
        /// Leave (and get the stake back) when done.
        public var leaveWhenDone = false
        /// First reconnect delay; doubles up to 30 s.
        public var reconnectDelay = 0.5
        /// Give up after this many failed connection attempts in a row (nil: never).
        public var maxReconnects: Int?
        /// On a --dev server: take the stake from wallet.faucet when the balance is short.
        public var faucet = false
        /// The client runtime (one service thread for all connections).
        public var runtime: ClientRuntime = .shared

        public init(server: String, key: Ed25519PrivateKey) {
            self.server = server
            self.key = key
        }
    }

    /// What happened, for the progress display.
    public enum Event: Sendable {
        case connected(account: String)
        case joined(stake: String)
        case model(version: UInt64, kind: String, bytes: Int)
        case trained(Trained)
        case refused(code: String, message: String)
        case roundClosed(round: UInt64, version: UInt64, paid: String, heldOutLoss: Double?, offence: String?)
        case status(earned: Int64, reputation: Double, stakeHeld: Int64)
        case disconnected(String)
        /// The coordinator audited a round: the optimizer state it started from was sent.
        case audited(round: UInt64, checkpoints: [Int], bytes: Int)
    }

    public struct Trained: Sendable {
        public var round: UInt64
        public var version: UInt64
        public var firstLoss: Float
        public var lastLoss: Float
        public var tokens: Int
        public var seconds: Double
        public var uploadBytes: Int
        public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }
    }

    public struct Summary: Sendable {
        public var delivered = 0
        public var refused = 0
        public var reconnects = 0
        public var downloadedBytes = 0
        public var uploadedBytes = 0
        public var earned: Int64 = 0
        /// Seconds spent training, fetching the model, uploading updates, and in all (the rest
        /// is waiting for rounds to open and close).
        public var trainingSeconds = 0.0
        public var downloadSeconds = 0.0
        public var uploadSeconds = 0.0
        public var wallSeconds = 0.0
        /// Training time over training plus transfer time: how much of the runner's work the
        /// network costs.
        public var computeShareOfWork: Double {
            let work = trainingSeconds + downloadSeconds + uploadSeconds
            return work > 0 ? trainingSeconds / work : 0
        }
    }

    public let options: Options

    public init(options: Options) { self.options = options }

    /// What survives a reconnect: the model, its version, the compression residual.
    final class State: @unchecked Sendable {
        var params: ParameterStore?
        var version: UInt64?
        var feedback: ErrorFeedback<BlockwiseInt8>?
        var lastUpdate: [Float]?
        /// The inner optimizer kept across rounds (only while the server accepted the last
        /// commitment: the next round must start where that one ended, or fresh).
        var optimizer: InnerLoop.OptimizerState?
        /// The round whose checkpoints are kept for its audit, and where they are.
        var auditable: (round: UInt64, store: CheckpointStore)?
        /// The last round whose audit was answered (the notification and polling both answer).
        let answeredAudit = Mutex<UInt64?>(nil)
        var summary = Summary()
        var lastClosedRound: UInt64 = 0
    }

    public func run(log: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> Summary {
        let state = State()
        let began = ContinuousClock.now
        var delay = options.reconnectDelay
        var failures = 0
        while true {
            do {
                let done = try await session(state, log: log)
                if done {
                    state.summary.wallSeconds = Self.seconds(since: began)
                    return state.summary
                }
                failures = 0
                delay = options.reconnectDelay
            } catch let error as RunnerError {
                throw error
            } catch is CancellationError {
                state.summary.wallSeconds = Self.seconds(since: began)
                return state.summary
            } catch {
                failures += 1
                state.summary.reconnects += 1
                log(.disconnected("\(error)"))
                if let limit = options.maxReconnects, failures > limit {
                    throw RunnerError("gave up after \(failures) failed attempts: \(error)")
                }
                try await Task.sleep(for: .seconds(delay))
                delay = min(30, delay * 2)
            }
        }
    }

    /// One connection's worth of work; true when the requested rounds are done.
    func session(_ state: State, log: @escaping @Sendable (Event) -> Void) async throws -> Bool {
        let conn = try await PurrConnection.connect(to: options.server, runtime: options.runtime)
        defer { conn.close() }
        let session = try await conn.signIn(with: options.key)
        log(.connected(account: session.account))
        let info = try await conn.call("train.info")
        guard info["enabled"]?.boolValue == true else { throw RunnerError("training is not enabled on \(options.server)") }
        let config = try Self.modelConfig(info)
        if let p = state.params, p.layout.config != config {
            state.params = nil
            state.version = nil
        }
        if options.faucet, let stake = Int64(info["policy"]?["stake"]?.stringValue ?? ""), stake > 0 {
            let balance = Int64(try await conn.call("wallet.balance")["balance"]?.stringValue ?? "") ?? 0
            if balance < stake {
                _ = try await conn.call("wallet.faucet", ["amount": .string(String(stake - balance))])
            }
        }
        do {
            let joined = try await conn.call("train.join", ["protocol": .int(Int64(TrainingProtocol.version))])
            log(.joined(stake: joined["stakeHeld"]?.stringValue ?? "0"))
        } catch PurrClientError.rpc(let e) {
            throw RunnerError("train.join refused: \(e.message)")
        }
        var frames = conn.binaryMessages.makeAsyncIterator()
        let notifications = Task {
            for await n in conn.notifications {
                let p = n.params
                switch n.method {
                case "train.round.closed":
                    log(.roundClosed(round: UInt64(p["round"]?.intValue ?? 0), version: UInt64(p["version"]?.intValue ?? 0),
                                     paid: p["paid"]?.stringValue ?? "0", heldOutLoss: p["heldOutLoss"]?.doubleValue,
                                     offence: p["offence"]?.stringValue))
                case "train.audit":
                    if let round = p["round"]?.intValue.map(UInt64.init) {
                        await Self.answerAudit(conn, round: round, checkpoints: Self.indices(p["checkpoints"]), state, log: log)
                    }
                default:
                    continue
                }
            }
        }
        defer { notifications.cancel() }
        var lastReported: UInt64?
        while true {
            if let limit = options.rounds, state.summary.delivered >= limit {
                // Stay until the last update is judged: its audit may ask for the optimizer state.
                if let last = state.auditable?.round {
                    while true {
                        let s = try await conn.call("train.status")
                        if let round = s["auditRound"]?.intValue.map(UInt64.init) {
                            await Self.answerAudit(conn, round: round, checkpoints: Self.indices(s["auditCheckpoints"]), state, log: log)
                        }
                        let judged = s["member"]?.boolValue != true || (s["round"]?.intValue.map(UInt64.init) ?? 0) != last
                            || s["phase"]?.stringValue == "idle" || s["delivered"]?.boolValue == false
                        if judged { break }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                if options.leaveWhenDone {
                    // Wait for the last round to be judged, then leave with the stake.
                    while true {
                        do {
                            _ = try await conn.call("train.leave")
                            break
                        } catch PurrClientError.rpc(let e) where e.data?["reason"]?.stringValue == "train.update_pending" {
                            try await Task.sleep(for: .milliseconds(300))
                        }
                    }
                }
                let status = try await conn.call("train.status")
                state.summary.earned = Int64(status["earned"]?.stringValue ?? "") ?? state.summary.earned
                return true
            }
            let a: JSONValue
            do { a = try await conn.call("train.assignment") } catch PurrClientError.rpc(let e) {
                throw RunnerError("train.assignment refused: \(e.message)")
            }
            if let round = a["auditRound"]?.intValue.map(UInt64.init) {
                await Self.answerAudit(conn, round: round, checkpoints: Self.indices(a["auditCheckpoints"]), state, log: log)
            }
            if a["waiting"]?.boolValue == true {
                try await Task.sleep(for: .milliseconds(Int(a["retryAfterMs"]?.intValue ?? 500)))
                continue
            }
            guard let round = a["round"]?.intValue.map(UInt64.init), let version = a["version"]?.intValue.map(UInt64.init),
                  let sha = a["paramsSHA256"]?.stringValue, let seedText = a["runnerSeed"]?.stringValue, let seed = UInt64(seedText),
                  let samples = a["samples"]?.arrayValue else {
                throw RunnerError("the server's assignment is malformed: \(a.serialized().prefix(200))")
            }
            if lastReported != round {
                let status = try await conn.call("train.status")
                let earned = Int64(status["earned"]?.stringValue ?? "") ?? 0
                state.summary.earned = earned
                log(.status(earned: earned, reputation: status["reputation"]?.doubleValue ?? 0,
                            stakeHeld: Int64(status["stakeHeld"]?.stringValue ?? "") ?? 0))
                lastReported = round
            }
            let fetching = ContinuousClock.now
            try await syncModel(conn, &frames, state, config: config, version: version, sha: sha, log: log)
            state.summary.downloadSeconds += Self.seconds(since: fetching)
            guard let params = state.params else { continue }
            let inner = try Self.innerSettings(a["inner"], threads: options.threads)
            let tokens = samples.map { s in (s.arrayValue ?? []).compactMap { $0.intValue.map { Int32(truncatingIfNeeded: $0) } } }
            let began = Date()
            let (update, losses, trainedTokens) = try train(params, tokens: tokens, inner: inner, seed: seed, round: round, state: state)
            let seconds = Date().timeIntervalSince(began)
            state.summary.trainingSeconds += seconds
            var sentBytes = 0
            let uploading = ContinuousClock.now
            defer { state.summary.uploadSeconds += Self.seconds(since: uploading) }
            do {
                if let store = state.auditable?.store, state.auditable?.round == round, inner.lora == nil {
                    do {
                        _ = try await conn.call("train.commit", [
                            "round": .int(Int64(round)), "segmentSteps": .int(Int64(inner.segmentSteps)),
                            "checkpoints": .array(store.hashes.map { h in
                                ["step": .int(Int64(h.step)), "adamStep": .int(Int64(h.adamStep)), "params": .string(h.params),
                                 "m": .string(h.m), "v": .string(h.v)] }),
                        ])
                    } catch {
                        // Not accepted: the next round starts a fresh optimizer, as the server expects.
                        state.optimizer = nil
                        throw error
                    }
                }
                let fp32 = options.fp32 || update.contains { !$0.isFinite }
                let codec = try BlockwiseInt8()
                var feedback = state.feedback ?? ErrorFeedback(codec: codec, count: params.count)
                // LoRA factors are new every round: no error feedback for them.
                let q = fp32 ? nil : (inner.lora != nil ? try codec.encode(update) : try feedback.compress(update))
                _ = try await conn.callBinary { id in
                    let frame: TensorFrame
                    if let q {
                        frame = try ModelFrames.update(q, round: round, requestID: UInt64(id))
                    } else {
                        frame = try ModelFrames.update(fp32: update, round: round, requestID: UInt64(id))
                    }
                    let bytes = frame.encode()
                    sentBytes = bytes.count
                    return bytes
                }
                state.feedback = feedback
                state.lastUpdate = update
                state.summary.delivered += 1
                state.summary.uploadedBytes += sentBytes
            } catch PurrClientError.rpc(let e) {
                state.summary.refused += 1
                log(.refused(code: e.data?["reason"]?.stringValue ?? e.name ?? "\(e.code)", message: e.message))
                if e.data?["reason"]?.stringValue == "train.banned" { throw RunnerError("banned: \(e.message)") }
                if e.data?["reason"]?.stringValue == "update.non_finite" { state.summary.delivered += 1 }
                continue
            }
            log(.trained(Trained(round: round, version: version, firstLoss: losses.first ?? .nan, lastLoss: losses.last ?? .nan,
                                 tokens: trainedTokens, seconds: seconds, uploadBytes: sentBytes)))
        }
    }

    /// Sends the checkpoints an audit of round `round` asks for, once each.
    static func answerAudit(_ conn: PurrConnection, round: UInt64, checkpoints: [Int], _ state: State, log: @Sendable (Event) -> Void) async {
        guard let pending = state.auditable, pending.round == round, !checkpoints.isEmpty,
              state.answeredAudit.withLock({ answered in
                  guard answered != round else { return false }
                  answered = round
                  return true
              }) else { return }
        var bytes = 0
        do {
            for k in checkpoints {
                let c = try pending.store.load(k)
                _ = try await conn.callBinary(timeout: 120) { id in
                    let encoded = try ModelFrames.auditState(c, round: round, requestID: UInt64(id)).encode()
                    bytes += encoded.count
                    return encoded
                }
            }
        } catch {
            state.answeredAudit.withLock { $0 = nil }
            return
        }
        state.summary.uploadedBytes += bytes
        log(.audited(round: round, checkpoints: checkpoints, bytes: bytes))
    }

    static func indices(_ v: JSONValue?) -> [Int] {
        (v?.arrayValue ?? []).compactMap { $0.intValue }.filter { $0 >= 0 && $0 <= 100_000 }.map { Int($0) }
    }

    /// Brings the local model to `version`: diffs when the server has them, else the full state;
    /// the result must hash to the server's `paramsSHA256`.
    func syncModel(_ conn: PurrConnection, _ frames: inout AsyncStream<[UInt8]>.Iterator, _ state: State, config: LlamaConfig,
                   version: UInt64, sha: String, log: @Sendable (Event) -> Void) async throws {
        if state.version == version, state.params?.checksum() == sha { return }
        for attempt in 0..<2 {
            var params: [String: JSONValue] = [:]
            if attempt == 0, let have = state.version, state.params != nil { params["have"] = .int(Int64(have)) }
            let (id, result) = try await conn.callWithID("train.model", .object(params), timeout: 120)
            let kind = result["kind"]?.stringValue ?? ""
            let count = Int(result["frames"]?.intValue ?? 0)
            var bytes = 0
            var received: [TensorFrame] = []
            while received.count < count {
                guard let data = await frames.next() else { throw PurrClientError.closed(code: 1006, reason: "closed during train.model") }
                let frame = try TensorFrame.decode(data)
                guard frame.requestID == UInt64(id) else { continue }
                bytes += data.count
                received.append(frame)
            }
            state.summary.downloadedBytes += bytes
            switch kind {
            case "state":
                let p = ParameterStore(layout: ParameterLayout(config: config))
                guard let first = received.first else { continue }
                try ModelFrames.load(first, into: p)
                state.params = p
            case "diff":
                guard let p = state.params else { continue }
                for frame in received { try ModelFrames.apply(try ModelFrames.delta(of: frame, count: p.count), to: p) }
            default:
                break
            }
            let serverVersion = UInt64(result["version"]?.intValue ?? 0)
            state.version = serverVersion
            log(.model(version: serverVersion, kind: kind, bytes: bytes))
            if state.params?.checksum() == (result["paramsSHA256"]?.stringValue ?? sha) { return }
            state.params = nil
            state.version = nil
        }
        throw RunnerError("the model from the server does not match its published SHA-256 twice in a row")
    }

    /// The local work: honest training, or the configured attack. Returns what is uploaded: the
    /// delta, or in LoRA mode the adapters' factors (attacks then act on the factors). The
    /// round's checkpoints go to `state.auditable` (what `train.commit` hashes, what audits ask).
    func train(_ params: ParameterStore, tokens: [[Int32]], inner: InnerLoop.Settings, seed: UInt64, round: UInt64,
               state: State) throws -> (update: [Float], losses: [Float], tokens: Int) {
        let loop = InnerLoop(settings: inner)
        let store = try CheckpointStore(round: round)
        state.auditable?.store.remove()
        state.auditable = (round, store)
        func honest(_ samples: [[Int32]]) throws -> InnerLoop.Result {
            var kept = inner.keepOptimizerState && inner.lora == nil ? state.optimizer : nil
            let r = try loop.run(start: params, samples: samples, seed: seed, state: &kept, segmentSteps: inner.segmentSteps) { try store.save($0) }
            state.optimizer = kept
            return r
        }
        /// A runner that did no work can only commit to standing still.
        func idle() throws {
            let n = params.count
            let zeros = [Float](repeating: 0, count: n)
            let still = Array(UnsafeBufferPointer(start: params.pointer, count: n))
            for (k, step) in InnerCheckpoint.steps(total: inner.steps, every: inner.segmentSteps).enumerated() {
                try store.save(InnerCheckpoint(index: k, step: step, adamStep: step, params: still, m: zeros, v: zeros))
            }
            state.optimizer = nil
        }
        switch options.attack {
        case nil:
            let r = try honest(tokens)
            return (r.factors?.values ?? r.delta, r.losses, r.tokens)
        case .backdoor:
            let vocab = params.layout.config.vocab
            let r = try honest(tokens.map { Backdoor.plant(in: $0, vocab: vocab) })
            return (r.factors?.values ?? r.delta, r.losses, r.tokens)
        case .freerideZeros:
            try idle()
            return ([Float](repeating: 0, count: inner.lora.map { LoRAFactors.count(params.layout, $0) } ?? params.count), [], 0)
        case .freerideStale:
            if let last = state.lastUpdate {
                try idle()
                return (last, [], 0)
            }
            let r = try honest(tokens)
            return (r.factors?.values ?? r.delta, r.losses, r.tokens)
        case .craft(let attack):
            // The attacker's own honest work is the basis (and what it commits to); ALIE
            // estimates the honest spread from three inner loops on its shard with different seeds.
            let runs: Int
            if case .alie = attack { runs = 3 } else { runs = 1 }
            var basis: [[Float]] = []
            var losses: [Float] = []
            for k in 0..<runs {
                let r = k == 0 ? try honest(tokens) : try loop.run(start: params, samples: tokens, seed: seed &+ UInt64(k))
                basis.append(r.factors?.values ?? r.delta)
                losses = r.losses
            }
            let crafted = try attack.craft(count: 1, from: basis, totalWorkers: 16, seed: seed ^ round)
            return (crafted.first ?? basis[0], losses, runs * inner.steps * inner.batch * inner.seqLen)
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func modelConfig(_ info: JSONValue) throws -> LlamaConfig {
        let m = info["model"] ?? .null
        func field(_ name: String) throws -> Int {
            guard let v = m[name]?.intValue, v > 0, v < 1 << 31 else {
                throw RunnerError("train.info does not describe the model (model.\(name)): \(info.serialized().prefix(200))")
            }
            return Int(v)
        }
        let config = LlamaConfig(dim: try field("dim"), hidden: try field("hidden"), layers: try field("layers"), heads: try field("heads"),
                                 kvHeads: try field("kvHeads"), vocab: try field("vocab"), seqLen: try field("maxPositions"))
        if let why = config.problem { throw RunnerError("the server's model shape is not usable: \(why)") }
        return config
    }

    static func innerSettings(_ v: JSONValue?, threads: Int) throws -> InnerLoop.Settings {
        guard let v, let steps = v["steps"]?.intValue, let batch = v["batch"]?.intValue, let seqLen = v["seqLen"]?.intValue,
              let lr = v["learningRate"]?.doubleValue, steps > 0, batch > 0, seqLen > 0 else {
            throw RunnerError("the assignment's inner-loop settings are malformed")
        }
        var s = InnerLoop.Settings(steps: Int(steps), batch: Int(batch), seqLen: Int(seqLen))
        s.learningRate = Float(lr)
        s.warmupSteps = Int(v["warmupSteps"]?.intValue ?? 0)
        s.clipNorm = Float(v["clipNorm"]?.doubleValue ?? 1)
        s.weightDecay = Float(v["weightDecay"]?.doubleValue ?? 0.1)
        s.threads = max(1, threads)
        s.keepOptimizerState = v["keepOptimizerState"]?.boolValue ?? false
        s.segmentSteps = Int(v["segmentSteps"]?.intValue ?? 0)
        if let lora = v["lora"], let rank = lora["rank"]?.intValue, let alpha = lora["alpha"]?.doubleValue {
            guard (1...256).contains(rank), alpha > 0 else { throw RunnerError("the assignment's LoRA settings are malformed") }
            s.lora = LoRASettings(rank: Int(rank), alpha: Float(alpha))
        }
        return s
    }
}
