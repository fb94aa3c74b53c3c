import ModelTraining
import NeuralCore

/// The reference every swarm run is compared with: one process training the same model from
/// the same initialisation with one AdamW run over the same number of tokens, evaluated on the
/// same held-out samples at the same token counts.
public enum SingleProcessBaseline {
    public struct Point: Sendable {
        public var tokens: Int
        public var heldOutLoss: Float
    }

    /// - Parameter evaluateEvery: steps between evaluations (a swarm round's worth of tokens).
    public static func run(model config: LlamaConfig, seed: UInt64, train: [[Int32]], heldOut: [[Int32]],
                           settings: InnerLoop.Settings, totalSteps: Int, evaluateEvery: Int, evalBatches: Int = 4,
                           start: ParameterStore? = nil, trained: ((ParameterStore) -> Void)? = nil) throws -> [Point] {
        let windows = TokenWindows(samples: train, seqLen: settings.seqLen)
        guard windows.startCount > 0, totalSteps > 0, evaluateEvery > 0 else {
            throw TrainingError.corpus("the baseline needs training data for one sequence and a positive step count")
        }
        let model = start.map { LlamaModel(params: $0.clone(), threads: settings.threads) }
            ?? LlamaModel(config: config, seed: seed, threads: settings.threads)
        let optimizer = AdamW(layout: model.layout, weightDecay: settings.weightDecay)
        optimizer.threads = settings.threads
        var rng = TrainingRNG(seed: seed ^ 0xBA5E)
        model.reserve(batch: settings.batch, seqLen: settings.seqLen)
        var points: [Point] = []
        for step in 1...totalSteps {
            let (x, y) = windows.randomBatch(settings.batch, rng: &rng)
            model.grads.zero()
            _ = model.forwardBackward(inputs: x, targets: y, batch: settings.batch, seqLen: settings.seqLen)
            _ = clipGradNorm(model.grads, maxNorm: settings.clipNorm, threads: settings.threads)
            optimizer.update(params: model.params, grads: model.grads, lr: settings.learningRate)
            if step % evaluateEvery == 0 || step == totalSteps {
                let loss = InnerLoop.loss(of: model.params, on: heldOut, batch: settings.batch, seqLen: settings.seqLen,
                                          maxBatches: evalBatches, threads: settings.threads) ?? .nan
                points.append(Point(tokens: step * settings.batch * settings.seqLen, heldOutLoss: loss))
            }
        }
        trained?(model.params)
        return points
    }
}
