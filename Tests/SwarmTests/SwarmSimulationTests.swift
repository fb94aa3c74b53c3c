import Aggregation
import ModelTraining
import NeuralCore
import Testing
@testable import Swarm

@Suite struct SwarmSimulationTests {
    static let config = LlamaConfig(dim: 32, hidden: 64, layers: 2, heads: 4, kvHeads: 2, vocab: 40, seqLen: 16)

    /// A small language with something to generalise and something to memorise: each sample
    /// counts up in a stride that depends on it (learnable from any shard), then has a tail of
    /// its own random tokens (learnable only by training on it), so that training on one's
    /// assignment shows, as it does on the real corpus.
    static func samples(_ count: Int, seed: Int) -> [[Int32]] {
        var rng = Xoshiro256StarStar(seed: UInt64(seed + 1))
        return (0..<count).map { i in
            let stride = Int32(1 + (i + seed) % 5)
            let counting = (0..<24).map { j in Int32((Int32(i * 7 + seed) + Int32(j) * stride) % 37) + 1 }
            return counting + (0..<16).map { _ in Int32(rng.next() % 37) + 1 }
        }
    }

    static func options(_ runners: [SwarmSimulation.Behaviour], rounds: Int = 3) -> SwarmSimulation.Options {
        var inner = InnerLoop.Settings(steps: 6, batch: 4, seqLen: 16)
        inner.learningRate = 3e-3
        var o = SwarmSimulation.Options(model: config, runners: runners, rounds: rounds, inner: inner, samplesPerRunner: 24)
        o.auditFraction = 0.5
        o.emissionPerRound = 1_000_000
        return o
    }

    static func run(_ runners: [SwarmSimulation.Behaviour], rounds: Int = 3) throws -> SwarmSimulation.Report {
        try SwarmSimulation(options: options(runners, rounds: rounds), train: samples(400, seed: 0), heldOut: samples(40, seed: 1_000)).run()
    }

    @Test("Honest runners lower the held-out loss round after round, and every round's emission is paid to them")
    func clean() throws {
        let report = try Self.run(Array(repeating: .honest, count: 4))
        #expect(report.finalLoss < report.initialLoss - 0.2, "\(report.initialLoss) -> \(report.finalLoss)")
        #expect(report.rounds.allSatisfy { $0.refused == 0 && $0.paidToHonest == 1_000_000 })
        #expect(report.totalPaid == 3_000_000)
        #expect(report.rounds.allSatisfy { $0.uploadBytes > 0 && $0.uploadBytes < 4 * 11_000 * 4 })
    }

    @Test("Sign-flipping, scaling, ALIE and random attackers are paid nothing and the model still learns", arguments: ["signflip", "scale:10", "alie", "random"])
    func byzantine(_ attack: String) throws {
        let bad = SwarmSimulation.Behaviour.attack(try Attack(parsing: attack))
        let report = try Self.run(Array(repeating: .honest, count: 5) + Array(repeating: bad, count: 2))
        #expect(report.attackerShare < 0.01, "attackers got \(report.attackerShare)")
        #expect(report.finalLoss < report.initialLoss - 0.1, "\(report.initialLoss) -> \(report.finalLoss)")
        #expect(report.totalPaid > 0)
    }

    @Test("Zero (free-riding) and copied updates earn nothing", arguments: ["zeros", "copy"])
    func freeriders(_ attack: String) throws {
        let bad = SwarmSimulation.Behaviour.attack(try Attack(parsing: attack))
        let report = try Self.run(Array(repeating: .honest, count: 4) + Array(repeating: bad, count: 2))
        #expect(report.attackerShare < 0.01, "attackers got \(report.attackerShare)")
    }

    @Test("Backdoor runners are caught by re-executing their assignment, banned, and leave no backdoor")
    func backdoor() throws {
        let report = try Self.run(Array(repeating: .honest, count: 4) + [.backdoor, .backdoor], rounds: 3)
        #expect(report.attackerShare == 0)
        #expect(report.banned == report.attackers)
        #expect((report.rounds.last?.backdoorSuccess ?? 1) <= 0.05)
    }

    @Test("NaN updates are refused, their senders slashed and then banned")
    func nan() throws {
        let report = try Self.run(Array(repeating: .honest, count: 3) + [.attack(.nan)], rounds: 3)
        #expect(report.rounds.allSatisfy { $0.refused <= 1 })
        let attacker = try #require(report.attackers.first)
        #expect((report.slashed[attacker] ?? 0) > 0)
        #expect(report.banned.contains(attacker))
        #expect((report.earned[attacker] ?? 0) == 0)
    }
}

@Suite struct SingleProcessBaselineTests {
    @Test("The single-process reference lowers the held-out loss and reports at the requested token counts")
    func baseline() throws {
        var inner = InnerLoop.Settings(steps: 6, batch: 4, seqLen: 16)
        inner.learningRate = 3e-3
        let points = try SingleProcessBaseline.run(model: SwarmSimulationTests.config, seed: 1, train: SwarmSimulationTests.samples(400, seed: 0),
                                                   heldOut: SwarmSimulationTests.samples(40, seed: 1_000), settings: inner,
                                                   totalSteps: 30, evaluateEvery: 10)
        #expect(points.map(\.tokens) == [640, 1_280, 1_920])
        #expect((points.last?.heldOutLoss ?? 99) < (points.first?.heldOutLoss ?? 0))
        #expect(throws: TrainingError.self) {
            try SingleProcessBaseline.run(model: SwarmSimulationTests.config, seed: 1, train: [[1, 2]], heldOut: [[1, 2]],
                                          settings: inner, totalSteps: 3, evaluateEvery: 1)
        }
    }
}

@Suite struct TrainingPlanTests {
    @Test("The estimate follows its formula: FLOPs over sustained FLOP/s, bytes over the link")
    func arithmetic() throws {
        var plan = TrainingPlan(parameters: 1e9, tokens: 20e9, runners: 100, uplinkMbps: 20, device: .consumerGPU)
        plan.innerSteps = 500
        plan.tokensPerStep = 65_536
        let e = try plan.estimate()
        let perRound = 500.0 * 65_536
        #expect(e.rounds == (20e9 / (100 * perRound)).rounded(.up))
        #expect(abs(e.computeSecondsPerRound - 6 * 1e9 * perRound / (165e12 * 0.35)) < 1e-6)
        #expect(abs(e.communicationSecondsPerRound - 2 * 1.016e9 * 8 / 20e6) < 1e-6)
        #expect(abs(e.referenceSeconds - 6 * 1e9 * 20e9 / (989e12 * 0.4)) < 1e-3)
        #expect(e.utilisation > 0 && e.utilisation < 1)
        #expect(abs(e.slowdown - e.swarmSeconds / e.referenceSeconds) < 1e-12)
    }

    @Test("More runners or a faster link never make the swarm slower; bad inputs are refused")
    func monotone() throws {
        let base = TrainingPlan(parameters: 2e6, tokens: 1e9, runners: 4, uplinkMbps: 20, device: .twoCoreCPU)
        var more = base
        more.runners = 16
        var faster = base
        faster.uplinkMbps = 100
        #expect(try more.estimate().swarmSeconds <= base.estimate().swarmSeconds)
        #expect(try faster.estimate().swarmSeconds <= base.estimate().swarmSeconds)
        var bad = base
        bad.uplinkMbps = 0
        #expect(throws: TrainingPlan.PlanError.invalid(field: "uplinkMbps", value: 0)) { try bad.estimate() }
    }
}
