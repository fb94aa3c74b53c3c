import Foundation
@testable import NeuralCore
import Testing

@Suite struct LlamaModelTests {
    /// A model with weights large enough that finite differences see every path.
    func gradientCheckModel() -> LlamaModel {
        let model = LlamaModel(config: .gradientCheck, seed: 3)
        let p = model.params.pointer
        for e in model.layout.entries {
            for i in 0..<e.count {
                p[e.offset + i] = e.shape.count == 1 ? 1 + 0.3 * p[e.offset + i].magnitude.squareRoot() - 0.1 * Float(i % 3) : p[e.offset + i] * 15
            }
        }
        return model
    }

    @Test func wholeModelGradientMatchesFiniteDifferences() {
        let model = gradientCheckModel()
        let (b, t) = (2, 5)
        var rng = TrainingRNG(seed: 5)
        let inputs = (0..<(b * t)).map { _ in Int32(rng.next() % 13) }
        var targets = (0..<(b * t)).map { _ in Int32(rng.next() % 13) }
        targets[3] = -1
        model.grads.zero()
        _ = model.forwardBackward(inputs: inputs, targets: targets, batch: b, seqLen: t)
        let analytic = Array(model.grads.buffer)
        let original = Array(model.params.buffer)
        for e in model.layout.entries {
            // A few coordinates of every tensor, spread over it.
            let picks = Set((0..<5).map { (e.offset + ($0 * 7919 + 13) % e.count) })
            let indices = picks.sorted()
            let numeric = numericGradient(original, indices: indices, eps: 1e-2) { x in
                x.withUnsafeBufferPointer { model.params.pointer.update(from: $0.baseAddress!, count: x.count) }
                return Double(model.loss(inputs: inputs, targets: targets, batch: b, seqLen: t))
            }
            expectGradientsClose(analytic, numeric, indices: indices, atol: 1e-3, rtol: 3e-2, e.name)
        }
        _ = model.params.buffer.update(fromContentsOf: original)
    }

    @Test func lossAtInitialisationIsNearLogVocab() {
        let config = LlamaConfig(dim: 32, hidden: 64, layers: 2, heads: 4, kvHeads: 2, vocab: 64, seqLen: 16)
        let model = LlamaModel(config: config, seed: 1)
        var rng = TrainingRNG(seed: 2)
        let tokens = (0..<(4 * 16)).map { _ in Int32(rng.next() % 64) }
        let loss = model.loss(inputs: tokens, targets: tokens.shuffled(using: &rng), batch: 4, seqLen: 16)
        #expect(abs(Double(loss) - Foundation.log(64.0)) < 0.05, "loss \(loss)")
    }

    @Test func tinyModelOverfitsOneBatch() {
        let config = LlamaConfig(dim: 16, hidden: 32, layers: 2, heads: 2, kvHeads: 1, vocab: 16, seqLen: 8)
        let model = LlamaModel(config: config, seed: 7)
        let adam = AdamW(layout: model.layout, weightDecay: 0)
        var rng = TrainingRNG(seed: 8)
        let tokens = (0..<(2 * 9)).map { _ in Int32(rng.next() % 16) }
        let inputs = Array(tokens[0..<8] + tokens[9..<17]), targets = Array(tokens[1..<9] + tokens[10..<18])
        var loss: Float = .infinity
        var steps = 0
        // Reaches 0.05 in about 50 steps; 150 leaves room for BLAS rounding differences.
        while loss >= 0.05 && steps < 150 {
            model.grads.zero()
            loss = model.forwardBackward(inputs: inputs, targets: targets, batch: 2, seqLen: 8)
            clipGradNorm(model.grads, maxNorm: 1)
            adam.update(params: model.params, grads: model.grads, lr: 1e-2)
            steps += 1
        }
        #expect(loss < 0.05, "loss \(loss) after \(steps) steps")
    }

    @Test func trainingIsReproducibleForASeed() {
        func run() -> (Float, String, String) {
            let model = LlamaModel(config: .gradientCheck, seed: 11)
            let tokens: [Int32] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
            let loss = model.forwardBackward(inputs: tokens, targets: tokens.reversed(), batch: 2, seqLen: 6)
            return (loss, model.params.checksum(), model.grads.checksum())
        }
        let (a, b) = (run(), run())
        #expect(a == b)
    }

    @Test func logitsOfOneSequenceMatchTheBatchedPass() {
        let model = LlamaModel(config: .gradientCheck, seed: 4)
        let seqA: [Int32] = [3, 1, 4, 1, 5], seqB: [Int32] = [9, 2, 6, 5, 3]
        let a = model.logits(tokens: seqA), b = model.logits(tokens: seqB)
        // Loss of the pair as a batch equals the mean of the two single-sequence losses.
        let targets: [Int32] = [1, 4, 1, 5, 9]
        let lossA = model.loss(inputs: seqA, targets: targets, batch: 1, seqLen: 5)
        let lossB = model.loss(inputs: seqB, targets: targets, batch: 1, seqLen: 5)
        let both = model.loss(inputs: seqA + seqB, targets: targets + targets, batch: 2, seqLen: 5)
        #expect(abs(both - (lossA + lossB) / 2) < 1e-5)
        #expect(a.count == 5 * 13 && a != b)
        // A prefix sees the same logits as the full sequence (causality through the whole model).
        let prefix = model.logits(tokens: Array(seqA[0..<3]))
        for i in 0..<prefix.count { #expect(abs(prefix[i] - a[i]) < 1e-5) }
    }

    @Test func ignoredTargetsContributeNothing() {
        let model = LlamaModel(config: .gradientCheck, seed: 5)
        let inputs: [Int32] = [1, 2, 3, 4]
        let loss = model.forwardBackward(inputs: inputs, targets: [-1, -1, -1, -1], batch: 1, seqLen: 4)
        #expect(loss == 0)
        #expect(model.grads.buffer.allSatisfy { $0 == 0 })
    }

    @Test func initialisationIsSeededAndScaled() {
        let a = LlamaModel(config: .gradientCheck, seed: 1), b = LlamaModel(config: .gradientCheck, seed: 1)
        let c = LlamaModel(config: .gradientCheck, seed: 2)
        #expect(a.params.checksum() == b.params.checksum())
        #expect(a.params.checksum() != c.params.checksum())
        #expect(a.params.view("model.norm.weight")!.allSatisfy { $0 == 1 })
        let big = LlamaModel(config: LlamaConfig(dim: 64, hidden: 128, layers: 2, heads: 4, kvHeads: 4, vocab: 256, seqLen: 8), seed: 1)
        func std(_ name: String) -> Double {
            let v = big.params.view(name)!
            return (v.reduce(0) { $0 + Double($1) * Double($1) } / Double(v.count)).squareRoot()
        }
        #expect(abs(std("model.embed_tokens.weight") - 0.02) < 0.001)
        #expect(abs(std("model.layers.1.mlp.down_proj.weight") - 0.01) < 0.001)
    }

    @Test func splittingTheBatchOverThreadsGivesTheSameGradient() {
        let one = LlamaModel(config: .gradientCheck, seed: 12, threads: 1)
        let three = LlamaModel(config: .gradientCheck, seed: 12, threads: 3)
        var rng = TrainingRNG(seed: 13)
        let inputs = (0..<(4 * 6)).map { _ in Int32(rng.next() % 13) }
        var targets = inputs.reversed().map { $0 }
        targets[20] = -1
        let a = one.forwardBackward(inputs: inputs, targets: targets, batch: 4, seqLen: 6)
        let b = three.forwardBackward(inputs: inputs, targets: targets, batch: 4, seqLen: 6)
        #expect(abs(a - b) < 1e-6)
        let worst = zip(one.grads.buffer, three.grads.buffer).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-6, "max |gradient difference| \(worst)")
        // Accumulation: a second pass doubles the gradient on both paths.
        _ = three.forwardBackward(inputs: inputs, targets: targets, batch: 4, seqLen: 6)
        let doubled = zip(one.grads.buffer, three.grads.buffer).map { abs(2 * $0 - $1) }.max() ?? 0
        #expect(doubled < 2e-6)
    }
}

