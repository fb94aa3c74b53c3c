import Coordinator
import ModelTraining
import NeuralCore
import Testing
@testable import Swarm

/// Segment audits (training protocol 2) when runners keep their inner optimizer across rounds.
@Suite struct RoundJudgeTests {
    static let spec = RoundSpec(round: 2, version: 1, seed: 77, innerSteps: 6, batch: 4, samplesPerRunner: 24, deadline: 0)

    static func setting() -> RoundJudge.Settings {
        var inner = InnerLoop.Settings(steps: 6, batch: 4, seqLen: 16)
        inner.learningRate = 3e-3
        inner.keepOptimizerState = true
        inner.segmentSteps = 2
        var s = RoundJudge.Settings(inner: inner)
        s.auditUntilTrust = 1
        return s
    }

    /// A runner's second round: its checkpoints (optimizer kept from round one) and its update.
    static func secondRound(runner: String, shard: [[Int32]], start: ParameterStore, settings: RoundJudge.Settings = setting()) throws
        -> (checkpoints: [InnerCheckpoint], update: [Float], before: InnerCheckpoint.Hashes) {
        let loop = InnerLoop(settings: settings.inner)
        var state: InnerLoop.OptimizerState?
        var first: [InnerCheckpoint] = []
        _ = try loop.run(start: start, samples: shard, seed: 5, state: &state, segmentSteps: settings.inner.segmentSteps) { first.append($0) }
        var states: [InnerCheckpoint] = []
        let update = try loop.run(start: start, samples: shard, seed: RoundJudge.runnerSeed(roundSeed: spec.seed, runner: runner),
                                  state: &state, segmentSteps: settings.inner.segmentSteps) { states.append($0) }
        return (states, update.delta, try #require(first.last).hashes)
    }

    static func evidence(_ states: [InnerCheckpoint], segments: [Int], committed: [InnerCheckpoint]? = nil) -> SegmentAudit.Evidence {
        let c = SegmentCommitment(round: spec.round, segmentSteps: setting().inner.segmentSteps, of: committed ?? states)
        var asked: [Int: InnerCheckpoint] = [:]
        for k in SegmentAudit.Evidence.checkpoints(segments: segments, total: c.segments) { asked[k] = states[k] }
        return SegmentAudit.Evidence(commitment: c, segments: segments, states: asked)
    }

    static func judged(_ update: [Float], _ e: SegmentAudit.Evidence, start: ParameterStore, shard: [[Int32]]) throws -> RoundJudge.Verdict {
        var trust: [String: Double] = [:]
        var rng = Xoshiro256StarStar(seed: 1)
        return try RoundJudge(settings: setting()).judge(start: start, spec: spec, received: ["r1": update], shards: ["r1": shard],
                                                         control: SwarmSimulationTests.samples(16, seed: 900),
                                                         heldOut: SwarmSimulationTests.samples(16, seed: 901), trust: &trust, rng: &rng,
                                                         evidence: ["r1": e], audit: ["r1"])
    }

    @Test("An honest runner with a kept optimizer passes every segment's replay, its checkpoints chained to its last commitment")
    func honestSegments() throws {
        let start = LlamaModel(config: SwarmSimulationTests.config, seed: 1).params
        let shard = SwarmSimulationTests.samples(24, seed: 3)
        let (states, update, before) = try Self.secondRound(runner: "r1", shard: shard, start: start)
        #expect(states.map(\.step) == [0, 2, 4, 6])
        let c = SegmentCommitment(round: Self.spec.round, segmentSteps: 2, of: states)
        #expect(c.problem(steps: 6, segmentSteps: 2, paramsSHA256: start.checksum(), parameterCount: start.count, previous: before) == nil)
        for segment in 0..<3 {
            let verdict = try Self.judged(update, Self.evidence(states, segments: [segment]), start: start, shard: shard)
            #expect(verdict.offences.isEmpty && verdict.audited == ["r1"], "\(verdict.offences)")
            let measured = try #require(verdict.audits["r1"])
            #expect(measured.params == [0] && measured.m == [0] && measured.v == [0], "the same arithmetic replays exactly")
            #expect((measured.upload ?? 1) < 1e-6)
        }
    }

    @Test("Commitment rules: the round's model at checkpoint 0, a fresh or chained optimizer, steps and update counts in order")
    func commitmentRules() throws {
        let start = LlamaModel(config: SwarmSimulationTests.config, seed: 1).params
        let shard = SwarmSimulationTests.samples(24, seed: 3)
        let (states, _, before) = try Self.secondRound(runner: "r1", shard: shard, start: start)
        let sha = start.checksum(), n = start.count
        let c = SegmentCommitment(round: 2, segmentSteps: 2, of: states)
        #expect(c.problem(steps: 6, segmentSteps: 2, paramsSHA256: sha, parameterCount: n, previous: nil)?.contains("neither fresh") == true,
                "a kept optimizer must continue the last accepted commitment")
        #expect(c.problem(steps: 6, segmentSteps: 3, paramsSHA256: sha, parameterCount: n, previous: before)?.contains("segmentSteps") == true)
        #expect(c.problem(steps: 8, segmentSteps: 2, paramsSHA256: sha, parameterCount: n, previous: before)?.contains("checkpoints") == true)
        #expect(c.problem(steps: 6, segmentSteps: 2, paramsSHA256: String(repeating: "0", count: 64), parameterCount: n,
                          previous: before)?.contains("round's model") == true)
        var skipped = c
        skipped.checkpoints[2].adamStep += 1
        #expect(skipped.problem(steps: 6, segmentSteps: 2, paramsSHA256: sha, parameterCount: n, previous: before)?.contains("adamStep") == true)
        // A fresh optimizer (what a restarted runner has) is always allowed.
        var fresh: [InnerCheckpoint] = []
        var none: InnerLoop.OptimizerState?
        _ = try InnerLoop(settings: Self.setting().inner).run(start: start, samples: shard, seed: 9, state: &none, segmentSteps: 2) { fresh.append($0) }
        let f = SegmentCommitment(round: 2, segmentSteps: 2, of: fresh)
        #expect(f.problem(steps: 6, segmentSteps: 2, paramsSHA256: sha, parameterCount: n, previous: before) == nil)
        #expect(f.problem(steps: 6, segmentSteps: 2, paramsSHA256: sha, parameterCount: n, previous: nil) == nil)
    }

    @Test("Caught: a state that is not the committed one, a forged segment, an upload that is not the trajectory's end, made-up moments")
    func offences() throws {
        let start = LlamaModel(config: SwarmSimulationTests.config, seed: 1).params
        let shard = SwarmSimulationTests.samples(24, seed: 3)
        let (states, update, _) = try Self.secondRound(runner: "r1", shard: shard, start: start)
        // A state swapped after committing.
        var swapped = states
        swapped[1].params[3] += 1e-3
        let v1 = try Self.judged(update, Self.evidence(swapped, segments: [1], committed: states), start: start, shard: shard)
        #expect(v1.offences["r1"]?.hasPrefix("audit.commitment_mismatch") == true, "\(v1.offences)")
        // A forged segment committed as such: segment 1's end is the start moved elsewhere (half the work skipped).
        var forged = states
        for k in 2..<forged.count { for j in 0..<start.count { forged[k].params[j] -= 0.5 * (states[2].params[j] - states[1].params[j]) } }
        var forgedUpdate = update
        for j in 0..<start.count { forgedUpdate[j] = forged[3].params[j] - start.pointer[j] }
        let v2 = try Self.judged(forgedUpdate, Self.evidence(forged, segments: [1]), start: start, shard: shard)
        #expect(v2.offences["r1"]?.hasPrefix("audit.segment_mismatch") == true, "\(v2.offences)")
        // The same forgery passes when another segment is replayed: why segments are drawn after the commitment.
        let v3 = try Self.judged(forgedUpdate, Self.evidence(forged, segments: [0]), start: start, shard: shard)
        #expect(v3.offences.isEmpty)
        // An honest trajectory with a sign-flipped upload.
        let v4 = try Self.judged(update.map { -$0 }, Self.evidence(states, segments: [2]), start: start, shard: shard)
        #expect(v4.offences["r1"]?.hasPrefix("audit.upload_mismatch") == true, "\(v4.offences)")
        // Moments no clipped gradient can produce, committed as such.
        var madeUp = states
        madeUp[0].v[10] = 50
        madeUp[0].m[11] = 3
        let v5 = try Self.judged(update, Self.evidence(madeUp, segments: [0]), start: start, shard: shard)
        #expect(v5.offences["r1"]?.hasPrefix("audit.bad_state") == true, "\(v5.offences)")
        #expect(SegmentAudit.implausible(m: states[1].m, v: states[1].v, clipNorm: 1) == nil)
    }

    @Test("An update far larger than the others is clipped to three times the median norm before aggregation")
    func normClipping() throws {
        let start = LlamaModel(config: SwarmSimulationTests.config, seed: 1).params
        let n = start.count
        var settings = Self.setting()
        settings.aggregator = .mean
        settings.auditFraction = 0
        settings.auditUntilTrust = 0
        let judge = RoundJudge(settings: settings)
        let small = (0..<n).map { Float(($0 % 7) - 3) * 1e-4 }
        let huge = small.map { $0 * 1_000 }
        var trust: [String: Double] = [:]
        var rng = Xoshiro256StarStar(seed: 1)
        let shard = SwarmSimulationTests.samples(24, seed: 3)
        let verdict = try judge.judge(start: start, spec: Self.spec, received: ["a": small, "b": small, "c": small, "d": huge],
                                      shards: ["a": shard, "b": shard, "c": shard, "d": shard], control: shard, heldOut: shard,
                                      trust: &trust, rng: &rng)
        let aggregate = try #require(verdict.aggregate)
        let norm = { (v: [Float]) in v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() }
        // Mean of three honest updates and one clipped to 3× theirs: (1 + 1 + 1 + 3) / 4 = 1.5× an honest norm.
        #expect(abs(norm(aggregate) / norm(small) - 1.5) < 0.01, "\(norm(aggregate) / norm(small))")
    }
}
