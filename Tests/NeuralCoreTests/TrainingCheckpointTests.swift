import Foundation
@testable import NeuralCore
import Testing

@Suite struct TrainingCheckpointTests {
    /// A little training loop whose batches come from `rng`, like the real trainer's.
    func train(_ model: LlamaModel, _ adam: AdamW, _ rng: inout TrainingRNG, steps: Int) -> [Float] {
        let schedule = LearningRateSchedule(peak: 5e-3, floor: 5e-4, warmupSteps: 2, totalSteps: 8)
        return (0..<steps).map { _ in
            let tokens = (0..<(2 * 6)).map { _ in Int32(rng.next() % 13) }
            model.grads.zero()
            let loss = model.forwardBackward(inputs: tokens, targets: tokens.map { ($0 + 1) % 13 }, batch: 2, seqLen: 6)
            clipGradNorm(model.grads, maxNorm: 1)
            adam.update(params: model.params, grads: model.grads, lr: schedule.rate(at: adam.step))
            return loss
        }
    }

    @Test func resumingFromACheckpointContinuesExactly() throws {
        let model = LlamaModel(config: .gradientCheck, seed: 9)
        let adam = AdamW(layout: model.layout)
        var rng = TrainingRNG(seed: 10)
        _ = train(model, adam, &rng, steps: 3)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/ckpt.safetensors"
        try TrainingCheckpoint(params: model.params, optimizer: adam, step: 3, rng: rng, extra: ["cursor": "17"]).save(to: path)
        let straight = train(model, adam, &rng, steps: 4)

        let restored = try TrainingCheckpoint.load(from: path)
        #expect(restored.step == 3 && restored.extra == ["cursor": "17"] && restored.config == .gradientCheck)
        #expect(restored.optimizer.step == 3 && restored.optimizer.beta2 == adam.beta2 && restored.optimizer.weightDecay == adam.weightDecay)
        let resumedModel = LlamaModel(params: restored.params)
        var resumedRng = restored.rng
        let resumed = train(resumedModel, restored.optimizer, &resumedRng, steps: 4)
        #expect(resumed == straight)
        #expect(resumedModel.params.checksum() == model.params.checksum())
        #expect(restored.optimizer.m.checksum() == adam.m.checksum() && restored.optimizer.v.checksum() == adam.v.checksum())
        #expect(resumedRng == rng)
    }

    @Test func corruptCheckpointIsReported() throws {
        let model = LlamaModel(config: .gradientCheck, seed: 9)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/ckpt.safetensors"
        try TrainingCheckpoint(params: model.params, optimizer: AdamW(layout: model.layout), step: 0, rng: TrainingRNG(seed: 1)).save(to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.dropLast(1).write(to: URL(fileURLWithPath: path))
        #expect(throws: ModelFileError.self) { try TrainingCheckpoint.load(from: path) }
        do {
            _ = try TrainingCheckpoint.load(from: path)
        } catch {
            #expect(error.code == "truncated" && error.description.contains("adam.v"))
        }
    }
}
