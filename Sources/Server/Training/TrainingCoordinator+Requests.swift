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

/// The `train.*` requests and runners' frames: what a runner may ask and send.
extension TrainingCoordinator {
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
        o["protocol"] = .int(Int64(TrainingProtocol.version))
        o["arithmetic"] = arithmetic
        if let spec = currentSpec { o["round"] = .int(Int64(spec.round)); o["deadline"] = .int(spec.deadline) }
        if let loss = lastHeldOutLoss { o["heldOutLoss"] = .double(loss) }
        return .object(o)
    }

    /// The conventions a runner's arithmetic must follow beyond the shape (docs/distributed.md,
    /// "A runner's arithmetic"), so a runner written elsewhere need not guess them.
    var arithmetic: JSONValue {
        let inner = judge.settings.inner
        return [
            "normEps": .double(Double(model.normEps)), "ropeTheta": .double(Double(model.ropeTheta)),
            "rope": "rotate_half", "tiedEmbeddings": true, "activation": "silu",
            "loss": "cross-entropy summed over the batch's targets that are not -1, divided by their count",
            "adamW": ["beta1": 0.9, "beta2": 0.95, "eps": 1e-8, "weightDecay": .double(Double(inner.weightDecay)),
                      "decay": "tensors of rank 2 (matrices and the embedding), not norm weights", "biasCorrection": true],
            "clipNorm": .double(Double(inner.clipNorm)), "updateBlockSize": 256,
            "segmentSteps": .int(Int64(judge.settings.inner.segmentSteps)), "auditSegments": .int(Int64(judge.settings.auditSegments)),
            "tolerances": ["params": .double(Double(judge.settings.tolerances.params)),
                           "moments": .double(Double(judge.settings.tolerances.moments)),
                           "upload": .double(Double(judge.settings.tolerances.upload))],
        ]
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
        if let audit = auditWaiting(for: id) {
            o["auditRound"] = .int(Int64(audit.round))
            o["auditCheckpoints"] = .array(audit.checkpoints.map { .int(Int64($0)) })
        }
        return .object(o)
    }

    func join(_ account: AccountID, protocol version: Int64?) throws -> JSONValue {
        let id = account.rawValue
        guard version == Int64(TrainingProtocol.version) else {
            let said = version.map { "protocol \($0)" } ?? "no protocol (protocol 1 runners send none)"
            throw refusal("train.protocol", "this server speaks training protocol \(TrainingProtocol.version); your runner speaks \(said). "
                          + "Update it: docs/distributed.md describes protocol \(TrainingProtocol.version)")
        }
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
            if let audit = auditWaiting(for: id) {
                waiting["auditRound"] = .int(Int64(audit.round))
                waiting["auditCheckpoints"] = .array(audit.checkpoints.map { .int(Int64($0)) })
                waiting["reason"] = .string("round \(audit.round) is audited: send checkpoints \(audit.checkpoints) as auditState frames")
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
        if segmentAudits { innerJSON["segmentSteps"] = .int(Int64(judge.settings.inner.segmentSteps)) }
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
        if frame.messageType == .optimizerState || frame.messageType == .auditState { return try submitState(id, frame: frame) }
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
        if segmentAudits, commitments[id]?.round != frame.round {
            throw refusal("train.no_commitment", "commit to your checkpoints (train.commit) before uploading the update for round \(frame.round)")
        }
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

    /// The round whose audit waits for this runner's checkpoints, and which (a runner that
    /// missed the `train.audit` notification learns it from `train.assignment` and `train.status`).
    func auditWaiting(for id: String) -> (round: UInt64, checkpoints: [Int])? {
        guard let p = pendingAudit, p.runners.contains(id), !p.complete(id) else { return nil }
        return (p.spec.round, p.asked[id] ?? [])
    }

    /// One checkpoint an audit asked of this runner.
    func submitState(_ id: String, frame: TensorFrame) throws -> JSONValue {
        guard frame.messageType == .auditState else {
            throw refusal("train.protocol", "optimizerState frames (message type 4) belong to training protocol 1; "
                          + "this server speaks protocol \(TrainingProtocol.version): answer audits with auditState frames (type 5)")
        }
        guard var pending = pendingAudit, frame.round == pending.spec.round, pending.runners.contains(id),
              let commitment = commitments[id], commitment.round == frame.round else {
            throw refusal("train.not_audited", "no audit of your update for round \(frame.round) is waiting for a state")
        }
        let sent: (index: Int, params: [Float], m: [Float], v: [Float])
        do { sent = try ModelFrames.auditState(of: frame, count: theta.count) } catch { throw refusal(error.code, error.message) }
        guard (pending.asked[id] ?? []).contains(sent.index), sent.index < commitment.checkpoints.count else {
            throw refusal("train.not_audited", "checkpoint \(sent.index) was not asked; the audit asks \(pending.asked[id] ?? [])")
        }
        guard pending.states[id]?[sent.index] == nil else {
            throw refusal(RoundRefusal.duplicate.rawValue, "checkpoint \(sent.index) of round \(frame.round) was already received")
        }
        let c = commitment.checkpoints[sent.index]
        pending.states[id, default: [:]][sent.index] = InnerCheckpoint(index: sent.index, step: c.step, adamStep: c.adamStep,
                                                                      params: sent.params, m: sent.m, v: sent.v)
        pendingAudit = pending
        if pending.runners.allSatisfy({ pending.complete($0) }) { finishAudit() }
        return ["accepted": true, "round": .int(Int64(frame.round)), "checkpoint": .int(Int64(sent.index))]
    }

    /// Every asked checkpoint arrived, or time is up: judge with what came; updates whose
    /// checkpoints did not all come are left out of the round (not paid, not slashed).
    func finishAudit() {
        guard let pending = pendingAudit else { return }
        pendingAudit = nil
        let complete = pending.runners.filter { pending.complete($0) }
        let missing = pending.runners.subtracting(complete)
        unverified = missing.sorted()
        for id in missing { received[id] = nil }
        var evidence: [String: SegmentAudit.Evidence] = [:]
        for id in complete {
            guard let c = commitments[id] else { continue }
            evidence[id] = SegmentAudit.Evidence(commitment: c, segments: pending.segments[id] ?? [], states: pending.states[id] ?? [:])
        }
        runJudge(pending.spec, audit: complete, evidence: evidence)
    }

    /// `train.commit`: the hashes of every checkpoint of this runner's round, before its update.
    func commit(_ account: AccountID, round: UInt64, segmentSteps: Int, checkpoints: [InnerCheckpoint.Hashes]) throws -> JSONValue {
        let id = account.rawValue
        guard let member = machine.members[id] else { throw refusal(RoundRefusal.notMember.rawValue, "join first (train.join)") }
        if member.banned { throw refusal(RoundRefusal.banned.rawValue, "this runner is banned from training") }
        guard segmentAudits else { throw refusal("train.bad_commitment", "this server trains LoRA adapters: no commitments are taken") }
        guard case .open(let spec) = machine.phase, spec.round == round else {
            throw refusal(RoundRefusal.wrongRound.rawValue, "round \(round) is not the open round")
        }
        guard machine.assigned.contains(id) else { throw refusal(RoundRefusal.notAssigned.rawValue, "you are not assigned to round \(round)") }
        if let c = commitments[id], c.round == round {
            throw refusal("train.duplicate_commitment", "your commitment for round \(round) was already accepted")
        }
        let c = SegmentCommitment(round: round, segmentSteps: segmentSteps, checkpoints: checkpoints)
        if let why = c.problem(steps: judge.settings.inner.steps, segmentSteps: judge.settings.inner.segmentSteps, paramsSHA256: paramsSHA256,
                               parameterCount: theta.count, previous: commitments[id]?.checkpoints.last) {
            throw refusal("train.bad_commitment", why)
        }
        try db.write { db in try TrainingStore.saveCommitment(db, runner: id, c) }
        commitments[id] = c
        return ["accepted": true, "round": .int(Int64(round)), "checkpoints": .int(Int64(checkpoints.count))]
    }
}
