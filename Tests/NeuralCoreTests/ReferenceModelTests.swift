import Foundation
@testable import NeuralCore
import Testing

/// LlamaModel against scripts/reference/llama_numpy.py, an independent float64 forward pass in
/// numpy following transformers' LlamaForCausalLM (fixture: Fixtures/tiny-llama).
@Suite struct ReferenceModelTests {
    static let config = LlamaConfig(dim: 32, hidden: 48, layers: 2, heads: 4, kvHeads: 2, vocab: 40, seqLen: 10)

    struct Reference: Decodable {
        let batch: Int
        let seqLen: Int
        let tokens: [Int32]
        let targets: [Int32]
        let loss: Double
        let logits: [Double]
    }

    func fixtureDirectory() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return url.appendingPathComponent("tiny-llama").path
    }

    @Test func logitsAndLossMatchTheNumpyReference() throws {
        let dir = try fixtureDirectory()
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/reference.json")))
        let (config, params) = try ModelFiles.load(from: dir)
        #expect(config == Self.config)
        let model = LlamaModel(params: params)
        let v = config.vocab, t = reference.seqLen
        var worst = 0.0
        for b in 0..<reference.batch {
            let logits = model.logits(tokens: Array(reference.tokens[(b * t)..<((b + 1) * t)]))
            for i in 0..<(t * v) { worst = max(worst, abs(Double(logits[i]) - reference.logits[b * t * v + i])) }
        }
        #expect(worst < 1e-4, "max |logit difference| \(worst)")
        let loss = model.loss(inputs: reference.tokens, targets: reference.targets, batch: reference.batch, seqLen: t)
        #expect(abs(Double(loss) - reference.loss) < 1e-4, "loss \(loss) vs \(reference.loss)")
        // The same loss through the training pass.
        let trainLoss = model.forwardBackward(inputs: reference.tokens, targets: reference.targets, batch: reference.batch, seqLen: t)
        #expect(abs(Double(trainLoss) - reference.loss) < 1e-4)
    }

    /// Writes the fixture's weights; run only to regenerate it (see the script's docstring).
    /// Weights are scaled up from the initialisation so that attention and the MLP are far from
    /// uniform and a wrong convention (e.g. rotary pairs) changes the logits well beyond 1e-4.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["NEURALCORE_EXPORT_REFERENCE"] != nil))
    func exportReferenceWeights() throws {
        let model = LlamaModel(config: Self.config, seed: 2024)
        var rng = TrainingRNG(seed: 99)
        for e in model.layout.entries {
            let p = model.params.pointer + e.offset
            for i in 0..<e.count { p[i] = e.shape.count == 1 ? 0.5 + rng.nextUniform() : p[i] * 12 }
        }
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tiny-llama").path
        try ModelFiles.save(params: model.params, config: model.config, to: dir)
    }
}
