import NeuralCore
import Testing
@testable import ModelTraining

@Suite struct LoRATests {
    @Test("The adapters' gradients match finite differences of a loss linear in the merged weight")
    func gradients() {
        let (out, inputs, rank): (Int, Int, Int) = (5, 7, 3)
        let scale: Float = 2
        var rng = TrainingRNG(seed: 9)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.next() % 2000) / 1000 - 1 } }
        let base = random(out * inputs), a = random(rank * inputs), b = random(out * rank), g = random(out * inputs)
        // L(A, B) = Σ G ⊙ (W₀ + s·B·A): its gradient w.r.t. the merged weight is G.
        func loss(_ a: [Float], _ b: [Float]) -> Double {
            var merged = [Float](repeating: 0, count: out * inputs)
            LowRank.merge(base: base, a: a, b: b, scale: scale, out: out, in: inputs, rank: rank, into: &merged)
            return zip(merged, g).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        var gradA = [Float](repeating: 0, count: rank * inputs), gradB = [Float](repeating: 0, count: out * rank)
        LowRank.factorGradients(g: g, a: a, b: b, scale: scale, out: out, in: inputs, rank: rank, gradA: &gradA, gradB: &gradB)
        let h: Float = 1e-2
        for i in 0..<a.count {
            var plus = a, minus = a
            plus[i] += h
            minus[i] -= h
            #expect(abs((loss(plus, b) - loss(minus, b)) / Double(2 * h) - Double(gradA[i])) < 1e-2, "dA[\(i)]")
        }
        for i in 0..<b.count {
            var plus = b, minus = b
            plus[i] += h
            minus[i] -= h
            #expect(abs((loss(a, plus) - loss(a, minus)) / Double(2 * h) - Double(gradB[i])) < 1e-2, "dB[\(i)]")
        }
    }

    @Test("A LoRA round is deterministic, touches only the attention and MLP projections, and lowers the loss")
    func round() throws {
        let start = LlamaModel(config: InnerLoopTests.config, seed: 3).params
        var settings = InnerLoop.Settings(steps: 20, batch: 4, seqLen: 16)
        settings.learningRate = 1e-2
        settings.lora = LoRASettings(rank: 4, alpha: 8)
        let data = InnerLoopTests.samples(32)
        let a = try InnerLoop(settings: settings).run(start: start, samples: data, seed: 5)
        let b = try InnerLoop(settings: settings).run(start: start, samples: data, seed: 5)
        #expect(a.delta == b.delta && a.factors == b.factors)
        let factors = try #require(a.factors)
        #expect(factors.values.count == LoRAFactors.count(start.layout, LoRASettings(rank: 4, alpha: 8)))
        #expect(factors.values.count * 4 < start.count, "adapters are far smaller than the model")
        for e in start.layout.entries {
            let touched = (e.offset..<(e.offset + e.count)).contains { a.delta[$0] != 0 }
            let target = LoRASettings.targets(start.layout).contains { $0.name == e.name }
            #expect(touched == target, "\(e.name)")
        }
        let before = try #require(InnerLoop.loss(of: start, on: data, batch: 4, seqLen: 16))
        let after = start.clone()
        for i in 0..<after.count { after.pointer[i] += a.delta[i] }
        let trained = try #require(InnerLoop.loss(of: after, on: data, batch: 4, seqLen: 16))
        #expect(trained < before - 0.1, "loss \(before) -> \(trained)")
    }
}
