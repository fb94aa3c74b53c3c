import Coordinator
import ModelTraining
import NeuralCore
import Testing
@testable import Swarm

/// Re-execution audits when runners keep their inner optimizer across rounds.
@Suite struct RoundJudgeTests {
    static let spec = RoundSpec(round: 2, version: 1, seed: 77, innerSteps: 6, batch: 4, samplesPerRunner: 24, deadline: 0)

    static func setting() -> RoundJudge.Settings {
        var inner = InnerLoop.Settings(steps: 6, batch: 4, seqLen: 16)
        inner.learningRate = 3e-3
        inner.keepOptimizerState = true
        var s = RoundJudge.Settings(inner: inner)
        s.auditUntilTrust = 1
        return s
    }

    /// A runner's second round: its optimizer state after round one, and its round-two update.
    static func secondRound(runner: String, shard: [[Int32]], start: ParameterStore) throws
        -> (state: InnerLoop.OptimizerState, update: [Float]) {
        let loop = InnerLoop(settings: setting().inner)
        var state: InnerLoop.OptimizerState?
        _ = try loop.run(start: start, samples: shard, seed: 5, state: &state)
        let before = try #require(state)
        let update = try loop.run(start: start, samples: shard, seed: RoundJudge.runnerSeed(roundSeed: spec.seed, runner: runner), state: &state)
        return (before, update.delta)
    }

    @Test("An honest runner with a kept optimizer passes when it declares its start state, and fails without it")
    func declaredState() throws {
        let start = LlamaModel(config: SwarmSimulationTests.config, seed: 1).params
        let shard = SwarmSimulationTests.samples(24, seed: 3)
        let heldOut = SwarmSimulationTests.samples(16, seed: 900)
        let (state, update) = try Self.secondRound(runner: "r1", shard: shard, start: start)
        let judge = RoundJudge(settings: Self.setting())
        var trust: [String: Double] = [:]
        var rng = Xoshiro256StarStar(seed: 1)
        let passed = try judge.judge(start: start, spec: Self.spec, received: ["r1": update], shards: ["r1": shard], control: heldOut,
                                     heldOut: heldOut, trust: &trust, rng: &rng, startStates: ["r1": state])
        #expect(passed.offences.isEmpty && passed.accepted == ["r1"])
        let failed = try judge.judge(start: start, spec: Self.spec, received: ["r1": update], shards: ["r1": shard], control: heldOut,
                                     heldOut: heldOut, trust: &trust, rng: &rng)
        #expect(failed.offences["r1"]?.hasPrefix("audit.mismatch") == true, "replayed from a fresh optimizer it does not match")
    }

    @Test("A made-up optimizer state (moments clipped gradients cannot produce) is an offence")
    func madeUpState() throws {
        let start = LlamaModel(config: SwarmSimulationTests.config, seed: 1).params
        let shard = SwarmSimulationTests.samples(24, seed: 3)
        let (state, update) = try Self.secondRound(runner: "r1", shard: shard, start: start)
        var forged = state
        forged.v[10] = 50
        forged.m[11] = 3
        let judge = RoundJudge(settings: Self.setting())
        var trust: [String: Double] = [:]
        var rng = Xoshiro256StarStar(seed: 1)
        let verdict = try judge.judge(start: start, spec: Self.spec, received: ["r1": update], shards: ["r1": shard], control: shard,
                                      heldOut: shard, trust: &trust, rng: &rng, startStates: ["r1": forged])
        #expect(verdict.offences["r1"]?.hasPrefix("audit.bad_state") == true)
        #expect(RoundJudge.implausible(state, count: start.count, clipNorm: 1) == nil)
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
