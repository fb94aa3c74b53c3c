import NeuralCore
import Testing
@testable import ModelTraining

@Suite struct InnerLoopTests {
    static let config = LlamaConfig(dim: 32, hidden: 64, layers: 2, heads: 4, kvHeads: 2, vocab: 40, seqLen: 16)

    /// Samples of a simple repeating language the tiny model can learn quickly.
    static func samples(_ count: Int, offset: Int32 = 0) -> [[Int32]] {
        (0..<count).map { i in (0..<40).map { j in Int32((Int32(i) + Int32(j) * 3 + offset) % 37) + 1 } }
    }

    @Test("A round's delta is deterministic for its seed and lowers the loss on the assigned data")
    func deterministicAndUseful() throws {
        let start = LlamaModel(config: Self.config, seed: 3).params
        var settings = InnerLoop.Settings(steps: 20, batch: 4, seqLen: 16)
        settings.learningRate = 3e-3
        let loop = InnerLoop(settings: settings)
        let data = Self.samples(32)
        let a = try loop.run(start: start, samples: data, seed: 11)
        let b = try loop.run(start: start, samples: data, seed: 11)
        #expect(a.delta == b.delta, "re-execution from the seed reproduces the update exactly")
        let c = try loop.run(start: start, samples: data, seed: 12)
        #expect(a.delta != c.delta)
        #expect(a.losses.count == 20 && a.tokens == 20 * 4 * 16)
        let before = try #require(InnerLoop.loss(of: start, on: data, batch: 4, seqLen: 16))
        let after = start.clone()
        for i in 0..<after.count { after.pointer[i] += a.delta[i] }
        let trained = try #require(InnerLoop.loss(of: after, on: data, batch: 4, seqLen: 16))
        #expect(trained < before - 0.3, "loss \(before) -> \(trained)")
        // The start model is untouched.
        #expect(start.checksum() == LlamaModel(config: Self.config, seed: 3).params.checksum())
    }

    @Test("Too little data for one sequence is refused")
    func tooLittleData() {
        let start = LlamaModel(config: Self.config, seed: 3).params
        let loop = InnerLoop(settings: InnerLoop.Settings(steps: 1, batch: 1, seqLen: 16))
        #expect(throws: TrainingError.self) { try loop.run(start: start, samples: [[1, 2, 3]], seed: 1) }
        #expect(InnerLoop.loss(of: start, on: [[1, 2]], batch: 1, seqLen: 16) == nil)
    }
}

extension InnerLoopTests {
    @Test("A round gives the same bits on 1 and 2 threads (audits replay runners on other machines)")
    func threadCountInvariant() throws {
        let start = LlamaModel(config: Self.config, seed: 3).params
        var one = InnerLoop.Settings(steps: 8, batch: 4, seqLen: 16)
        one.learningRate = 3e-3
        one.threads = 1
        var two = one
        two.threads = 2
        let data = Self.samples(32)
        let a = try InnerLoop(settings: one).run(start: start, samples: data, seed: 4)
        let b = try InnerLoop(settings: two).run(start: start, samples: data, seed: 4)
        #expect(a.delta == b.delta)
    }
}
