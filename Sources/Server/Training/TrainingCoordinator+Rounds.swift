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

/// Rounds: opening, closing, audits, judging off the actor, and committing what was decided.
extension TrainingCoordinator {
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

    /// Distances as logged: 6 significant digits, infinities as -1 (JSON has no infinity).
    static func rounded(_ x: Float) -> Double {
        guard x.isFinite else { return -1 }
        return Double(String(format: "%.6g", Double(x))) ?? Double(x)
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

    /// Whether audits replay committed segments (training protocol 2); LoRA adapters start
    /// fresh each round and are replayed whole instead.
    var segmentAudits: Bool { judge.settings.inner.lora == nil }

    /// Judges the closed round: first asks the runners picked for audit for the checkpoints of
    /// the segments drawn for them (`train.audit`), then judges on the worker queue and commits.
    func startJudging(_ spec: RoundSpec) {
        judging = true
        unverified = []
        var rng = SystemRandomNumberGenerator()
        let chosen = machine.delivered.filter { received[$0] != nil }.sorted().filter { judge.select($0, trust: trust, rng: &rng) }
        guard segmentAudits, !chosen.isEmpty else { return runJudge(spec, audit: Set(chosen), evidence: [:]) }
        var segments: [String: [Int]] = [:], asked: [String: [Int]] = [:]
        for id in chosen {
            guard let c = commitments[id], c.round == spec.round else { continue }
            let picked = SegmentAudit.pick(judge.settings.auditSegments, of: c.segments, rng: &rng)
            segments[id] = picked
            asked[id] = SegmentAudit.Evidence.checkpoints(segments: picked, total: c.segments)
        }
        guard !segments.isEmpty else { return runJudge(spec, audit: [], evidence: [:]) }
        pendingAudit = PendingAudit(spec: spec, runners: Set(segments.keys), segments: segments, asked: asked,
                                    deadline: now().addingTimeInterval(settings.auditStateSeconds))
        send(asked.keys.sorted().map { id in
            (AccountID(rawValue: id), "train.audit", ["round": .int(Int64(spec.round)),
                                                      "checkpoints": .array((asked[id] ?? []).map { .int(Int64($0)) })])
        })
    }

    func runJudge(_ spec: RoundSpec, audit: Set<String>?, evidence: [String: SegmentAudit.Evidence]) {
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
                                            audit: audit, evidence: evidence)
                    })
                }
            }
            self.finishJudging(spec, outcome)
        }
    }

    static func judgeRound(spec: RoundSpec, start: ParameterStore, updates: [String: [Float]], shards: [String: [[Int32]]],
                           control: [[Int32]], heldOut: [[Int32]], judge: RoundJudge, trust: [String: Double],
                           outer: OuterNesterov, feedback: ErrorFeedback<BlockwiseInt8>, codec: BlockwiseInt8,
                           audit: Set<String>?, evidence: [String: SegmentAudit.Evidence]) throws -> Judged {
        let began = Date()
        var trust = trust, outer = outer, feedback = feedback
        var rng = SystemRandomNumberGenerator()
        let verdict = try judge.judge(start: start, spec: spec, received: updates, shards: shards, control: control, heldOut: heldOut,
                                      trust: &trust, rng: &rng, evidence: evidence, audit: audit)
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
            audits: judged.verdict.audits.isEmpty ? nil : judged.verdict.audits.mapValues { a in
                AuditRecord(segments: a.segments, params: a.params.map(Self.rounded), m: a.m.map(Self.rounded), v: a.v.map(Self.rounded),
                            upload: a.upload.map(Self.rounded))
            },
            onProbation: judged.verdict.onProbation.isEmpty ? nil : judged.verdict.onProbation,
            auditSeconds: (judged.verdict.auditSeconds * 1000).rounded() / 1000, judgingSeconds: (judged.seconds * 1000).rounded() / 1000,
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
            for id in Set(judged.verdict.accepted).union(offences.keys).union(judged.verdict.onProbation).union(unverified) {
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
