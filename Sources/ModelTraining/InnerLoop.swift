import NeuralCore

/// One runner's work in a DiLoCo round: `steps` local AdamW steps from the round's model on
/// the runner's assigned samples, returning the delta Δ = θ_after − θ_round.
///
/// Deterministic for a given start model, samples, settings, seed and thread count, so the
/// coordinator can re-execute an assignment from its seed to audit a runner (equal within
/// float tolerance; OpenBLAS sums in a fixed order per thread count). The inner AdamW starts
/// fresh each round unless the runner keeps it (``Settings/keepOptimizerState``, DiLoCo proper),
/// in which case an audit replays the round from the state the runner declares it started from.
public struct InnerLoop: Sendable {
    public struct Settings: Codable, Hashable, Sendable {
        public var steps: Int
        public var batch: Int
        public var seqLen: Int
        public var learningRate: Float = 3e-4
        public var warmupSteps = 0
        public var clipNorm: Float = 1
        public var weightDecay: Float = 0.1
        public var threads = 2
        /// Batches whose gradients at the round's model estimate AdamW's moments before the
        /// first step (``AdamW/prime(firstMoment:secondMoment:)``); 0 = a cold start from zeros.
        public var warmStartBatches = 0
        /// Keep the inner AdamW's moments from round to round (DiLoCo proper) instead of a
        /// fresh optimizer each round.
        public var keepOptimizerState = false
        /// Local steps between committed checkpoints (training protocol 2); 0 = none.
        public var segmentSteps = 0
        /// Train low-rank adapters instead of every weight (``LoRASettings``); nil = full model.
        public var lora: LoRASettings?

        public init(steps: Int, batch: Int, seqLen: Int) {
            self.steps = steps
            self.batch = batch
            self.seqLen = seqLen
        }
    }

    public struct Result: Sendable {
        /// θ_after − θ_round, one float per parameter.
        public var delta: [Float]
        /// Training loss at each local step.
        public var losses: [Float]
        public var tokens: Int
        /// In LoRA mode, the adapters themselves (what a runner uploads); `delta` is their expansion.
        public var factors: LoRAFactors?
    }

    /// The inner AdamW's moments, kept by a runner from one round to the next.
    public struct OptimizerState: Sendable {
        public var m: [Float]
        public var v: [Float]
        public var step: Int

        public init(m: [Float], v: [Float], step: Int) {
            self.m = m
            self.v = v
            self.step = step
        }
    }

    public let settings: Settings
    /// Partial sums of the gradient norm: fixed, for the same reason as the gradient shares.
    static let normParts = 2

    public init(settings: Settings) { self.settings = settings }

    /// - Parameters:
    ///   - start: the round's model; not modified.
    ///   - samples: the assigned samples, tokenized (each with its start/end tokens).
    /// - Throws: `TrainingError.corpus` when the samples hold fewer tokens than one sequence.
    public func run(start: ParameterStore, samples: [[Int32]], seed: UInt64) throws -> Result {
        var none: OptimizerState?
        return try run(start: start, samples: samples, seed: seed, state: &none)
    }

    /// Like ``run(start:samples:seed:)``, continuing the optimizer from `state` when it is set
    /// (and leaving the final moments there): DiLoCo's persistent inner optimizer.
    public func run(start: ParameterStore, samples: [[Int32]], seed: UInt64, state: inout OptimizerState?) throws -> Result {
        try run(start: start, samples: samples, seed: seed, state: &state, segmentSteps: 0, checkpoint: nil)
    }

    /// The inner loop with checkpoints (training protocol 2): `checkpoint` receives the state
    /// before the first update and after every `segmentSteps` updates and the last one
    /// (``InnerCheckpoint/steps(total:every:)``); 0 = no checkpoints.
    public func run(start: ParameterStore, samples: [[Int32]], seed: UInt64, state: inout OptimizerState?, segmentSteps: Int,
                    checkpoint: ((InnerCheckpoint) throws -> Void)?) throws -> Result {
        if let lora = settings.lora {
            let r = try runLoRA(start: start, samples: samples, seed: seed, lora: lora)
            guard let delta = r.factors.dense(start.layout) else { throw TrainingError.corpus("LoRA factors of the wrong length") }
            return Result(delta: delta, losses: r.losses, tokens: r.tokens, factors: r.factors)
        }
        let windows = try Self.windows(samples, seqLen: settings.seqLen)
        let params = start.clone()
        let (model, optimizer) = makeTrainer(params)
        var rng = TrainingRNG(seed: seed)
        if let saved = state, saved.m.count == params.count, saved.v.count == params.count {
            optimizer.resume(firstMoment: saved.m, secondMoment: saved.v, step: saved.step)
        } else if settings.warmStartBatches > 0 {
            let count = params.count
            // Only the second moment is estimated: starting the first at the batches' mean
            // gradient measured worse (docs/distributed.md), so it starts at zero.
            let first = [Float](repeating: 0, count: count)
            var second = [Float](repeating: 0, count: count)
            let k = Float(settings.warmStartBatches)
            for _ in 0..<settings.warmStartBatches {
                let (x, y) = windows.randomBatch(settings.batch, rng: &rng)
                model.grads.zero()
                _ = model.forwardBackward(inputs: x, targets: y, batch: settings.batch, seqLen: settings.seqLen)
                _ = clipGradNorm(model.grads, maxNorm: settings.clipNorm, threads: Self.normParts)
                let g = model.grads.pointer
                for j in 0..<count { second[j] += g[j] * g[j] / k }
            }
            optimizer.prime(firstMoment: first, secondMoment: second)
        }
        let marks = segmentSteps > 0 ? InnerCheckpoint.steps(total: settings.steps, every: segmentSteps) : []
        var next = 0
        func mark(_ step: Int) throws {
            guard let checkpoint, next < marks.count, marks[next] == step else { return }
            try checkpoint(Self.snapshot(index: next, step: step, params: params, optimizer: optimizer))
            next += 1
        }
        var losses: [Float] = []
        try mark(0)
        for step in 0..<settings.steps {
            losses.append(self.step(step, model: model, optimizer: optimizer, windows: windows, rng: &rng))
            try mark(step + 1)
        }
        if state != nil || settings.keepOptimizerState {
            state = OptimizerState(m: Array(UnsafeBufferPointer(start: optimizer.m.pointer, count: params.count)),
                                   v: Array(UnsafeBufferPointer(start: optimizer.v.pointer, count: params.count)), step: optimizer.step)
        }
        var delta = [Float](repeating: 0, count: params.count)
        delta.withUnsafeMutableBufferPointer { d in
            for i in 0..<params.count { d[i] = params.pointer[i] - start.pointer[i] }
        }
        return Result(delta: delta, losses: losses, tokens: (settings.steps + settings.warmStartBatches) * settings.batch * settings.seqLen,
                      factors: nil)
    }

    /// Re-executes the local steps `from.step ..< untilStep` from checkpoint `from`: what an
    /// audit compares with the runner's next checkpoint. The batches are the ones the runner
    /// drew at those steps (the sampling generator is advanced past the earlier steps' draws).
    public func replay(from: InnerCheckpoint, untilStep: Int, samples: [[Int32]], seed: UInt64, layout: ParameterLayout) throws -> InnerCheckpoint {
        guard from.params.count == layout.totalCount, from.m.count == layout.totalCount, from.v.count == layout.totalCount else {
            throw TrainingError.corpus("a checkpoint of \(from.params.count) values for a model of \(layout.totalCount)")
        }
        let windows = try Self.windows(samples, seqLen: settings.seqLen)
        let params = ParameterStore(layout: layout)
        from.params.withUnsafeBufferPointer { params.pointer.update(from: $0.baseAddress!, count: layout.totalCount) }
        let (model, optimizer) = makeTrainer(params)
        optimizer.resume(firstMoment: from.m, secondMoment: from.v, step: from.adamStep)
        var rng = TrainingRNG(seed: seed)
        for _ in 0..<(max(0, from.step) * settings.batch) { _ = rng.next() }
        for step in from.step..<max(from.step, min(untilStep, settings.steps)) {
            _ = self.step(step, model: model, optimizer: optimizer, windows: windows, rng: &rng)
        }
        return Self.snapshot(index: from.index + 1, step: max(from.step, min(untilStep, settings.steps)), params: params, optimizer: optimizer)
    }

    static func windows(_ samples: [[Int32]], seqLen: Int) throws -> TokenWindows {
        let windows = TokenWindows(samples: samples, seqLen: seqLen)
        guard windows.startCount > 0 else {
            throw TrainingError.corpus("the assigned samples hold \(windows.tokens.count) tokens, fewer than one sequence of \(seqLen + 1)")
        }
        return windows
    }

    func makeTrainer(_ params: ParameterStore) -> (LlamaModel, AdamW) {
        let model = LlamaModel(params: params, threads: settings.threads)
        // One gradient share per sequence and a fixed split of the norm: the same numbers on
        // every machine, whatever its thread count.
        model.gradientShares = settings.batch
        model.reserve(batch: settings.batch, seqLen: settings.seqLen)
        let optimizer = AdamW(layout: model.layout, weightDecay: settings.weightDecay)
        optimizer.threads = settings.threads
        return (model, optimizer)
    }

    /// Local update number `step` (0-based): a batch, its loss and gradient, clipping, AdamW.
    func step(_ step: Int, model: LlamaModel, optimizer: AdamW, windows: TokenWindows, rng: inout TrainingRNG) -> Float {
        let schedule = LearningRateSchedule(peak: settings.learningRate, floor: settings.learningRate,
                                            warmupSteps: settings.warmupSteps, totalSteps: max(1, settings.steps))
        let (x, y) = windows.randomBatch(settings.batch, rng: &rng)
        model.grads.zero()
        let loss = model.forwardBackward(inputs: x, targets: y, batch: settings.batch, seqLen: settings.seqLen)
        _ = clipGradNorm(model.grads, maxNorm: settings.clipNorm, threads: Self.normParts)
        optimizer.update(params: model.params, grads: model.grads, lr: schedule.rate(at: step))
        return loss
    }

    static func snapshot(index: Int, step: Int, params: ParameterStore, optimizer: AdamW) -> InnerCheckpoint {
        let n = params.count
        return InnerCheckpoint(index: index, step: step, adamStep: optimizer.step,
                               params: Array(UnsafeBufferPointer(start: params.pointer, count: n)),
                               m: Array(UnsafeBufferPointer(start: optimizer.m.pointer, count: n)),
                               v: Array(UnsafeBufferPointer(start: optimizer.v.pointer, count: n)))
    }

    /// Mean loss of `model` over every full sequence of `samples` (at most `maxBatches` batches):
    /// how the coordinator measures an update's effect on held-out, assigned or random data.
    public static func loss(of params: ParameterStore, on samples: [[Int32]], batch: Int, seqLen: Int, maxBatches: Int = 4,
                            threads: Int = 2) -> Float? {
        let windows = TokenWindows(samples: samples, seqLen: seqLen)
        let batches = min(maxBatches, windows.sequentialBatchCount(batch))
        guard batches > 0 else { return nil }
        let model = LlamaModel(params: params, threads: threads)
        model.reserve(batch: batch, seqLen: seqLen)
        var total: Float = 0
        for i in 0..<batches {
            let (x, y) = windows.sequentialBatch(batch, index: i)
            total += model.loss(inputs: x, targets: y, batch: batch, seqLen: seqLen)
        }
        return total / Float(batches)
    }
}
