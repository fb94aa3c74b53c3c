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
}
