import NeuralCore

/// Light training: low-rank adapters on every attention and MLP projection, the rest frozen.
///
/// Each round a runner starts fresh adapters (`B = 0`, `A` drawn from its seed), trains only
/// them for the round's H steps, and uploads the factors, r·(in + out) numbers per matrix
/// instead of in·out. The coordinator expands them to `ΔW = s·B·A` and aggregates those like
/// full updates, so the outer step, the defences and the measurements are the same in both
/// modes; merging every round (as ReLoRA does) lets the model move beyond rank r over rounds.
public struct LoRASettings: Codable, Hashable, Sendable {
    public var rank: Int
    /// `s = alpha / rank` scales `B·A`.
    public var alpha: Float

    public init(rank: Int = 8, alpha: Float = 16) {
        self.rank = rank
        self.alpha = alpha
    }

    public var scale: Float { alpha / Float(max(1, rank)) }

    /// The adapted matrices: every layer's q, k, v, o, gate, up and down projections.
    public static func targets(_ layout: ParameterLayout) -> [ParameterLayout.Entry] {
        layout.entries.filter { $0.shape.count == 2 && ($0.name.contains(".self_attn.") || $0.name.contains(".mlp.")) }
    }
}

/// One round's adapters: for each target, `A` `[r, in]` then `B` `[out, r]`, row-major, in
/// ``LoRASettings/targets(_:)`` order, as one flat vector (what is quantised and uploaded).
public struct LoRAFactors: Sendable, Equatable {
    public let settings: LoRASettings
    public var values: [Float]

    /// How many numbers the factors of this layout hold.
    public static func count(_ layout: ParameterLayout, _ s: LoRASettings) -> Int {
        LoRASettings.targets(layout).reduce(0) { $0 + s.rank * ($1.shape[0] + $1.shape[1]) }
    }

    public init(settings: LoRASettings, values: [Float]) {
        self.settings = settings
        self.values = values
    }

    /// The full-size delta `s·B·A` in every target, zero elsewhere; nil when the length is wrong.
    public func dense(_ layout: ParameterLayout) -> [Float]? {
        guard values.count == Self.count(layout, settings) else { return nil }
        var delta = [Float](repeating: 0, count: layout.totalCount)
        let zero = [Float](repeating: 0, count: LoRASettings.targets(layout).map { $0.count }.max() ?? 0)
        let r = settings.rank
        var offset = 0
        values.withUnsafeBufferPointer { v in
            zero.withUnsafeBufferPointer { z in
                delta.withUnsafeMutableBufferPointer { d in
                    for t in LoRASettings.targets(layout) {
                        let (out, inputs) = (t.shape[0], t.shape[1])
                        let a = v.baseAddress! + offset
                        let b = a + r * inputs
                        LowRank.merge(base: z.baseAddress!, a: a, b: b, scale: settings.scale, out: out, in: inputs, rank: r,
                                      into: d.baseAddress! + t.offset)
                        offset += r * (inputs + out)
                    }
                }
            }
        }
        return delta
    }
}

extension InnerLoop {
    /// The round's work in LoRA mode: H AdamW steps on fresh adapters only. Deterministic like
    /// ``run(start:samples:seed:)`` (the adapters' start is drawn from `seed` too), so audits
    /// re-execute it the same way.
    public func runLoRA(start: ParameterStore, samples: [[Int32]], seed: UInt64, lora: LoRASettings) throws -> (factors: LoRAFactors, losses: [Float], tokens: Int) {
        let windows = TokenWindows(samples: samples, seqLen: settings.seqLen)
        guard windows.startCount > 0 else {
            throw TrainingError.corpus("the assigned samples hold \(windows.tokens.count) tokens, fewer than one sequence of \(settings.seqLen + 1)")
        }
        let layout = start.layout
        let targets = LoRASettings.targets(layout)
        let r = lora.rank, s = lora.scale
        let count = LoRAFactors.count(layout, lora)
        // A ~ U(−1/√in, 1/√in) (PEFT's default), B = 0: the first merged weight is W₀.
        var factors = [Float](repeating: 0, count: count)
        var draw = TrainingRNG(seed: seed ^ 0x4C6F_5241_0000_0001)
        var offset = 0
        for t in targets {
            let inputs = t.shape[1]
            let bound = 1 / Float(inputs).squareRoot()
            for j in 0..<(r * inputs) {
                let u = Float(draw.next() >> 40) / Float(1 << 24)
                factors[offset + j] = (2 * u - 1) * bound
            }
            offset += r * (inputs + t.shape[0])
        }
        var m = [Float](repeating: 0, count: count), v = [Float](repeating: 0, count: count)
        var grads = [Float](repeating: 0, count: count)
        let params = start.clone()
        let model = LlamaModel(params: params, threads: settings.threads)
        model.gradientShares = settings.batch
        model.reserve(batch: settings.batch, seqLen: settings.seqLen)
        var rng = TrainingRNG(seed: seed)
        var losses: [Float] = []
        let (beta1, beta2, eps): (Float, Float, Float) = (0.9, 0.95, 1e-8)
        var beta1Power: Float = 1, beta2Power: Float = 1
        for _ in 0..<settings.steps {
            factors.withUnsafeBufferPointer { f in
                var o = 0
                for t in targets {
                    let (out, inputs) = (t.shape[0], t.shape[1])
                    LowRank.merge(base: start.pointer + t.offset, a: f.baseAddress! + o, b: f.baseAddress! + o + r * inputs, scale: s,
                                  out: out, in: inputs, rank: r, into: params.pointer + t.offset)
                    o += r * (inputs + out)
                }
            }
            let (x, y) = windows.randomBatch(settings.batch, rng: &rng)
            model.grads.zero()
            losses.append(model.forwardBackward(inputs: x, targets: y, batch: settings.batch, seqLen: settings.seqLen))
            factors.withUnsafeBufferPointer { f in
                grads.withUnsafeMutableBufferPointer { g in
                    var o = 0
                    for t in targets {
                        let (out, inputs) = (t.shape[0], t.shape[1])
                        LowRank.factorGradients(g: model.grads.pointer + t.offset, a: f.baseAddress! + o, b: f.baseAddress! + o + r * inputs,
                                                scale: s, out: out, in: inputs, rank: r,
                                                gradA: g.baseAddress! + o, gradB: g.baseAddress! + o + r * inputs)
                        o += r * (inputs + out)
                    }
                }
            }
            var norm: Float = 0
            for g in grads { norm += g * g }
            norm = norm.squareRoot()
            let clip = norm > settings.clipNorm && norm > 0 ? settings.clipNorm / norm : 1
            beta1Power *= beta1
            beta2Power *= beta2
            let c1 = 1 - beta1Power, c2 = 1 - beta2Power
            let lr = settings.learningRate
            for j in 0..<count {
                let g = grads[j] * clip
                m[j] = beta1 * m[j] + (1 - beta1) * g
                v[j] = beta2 * v[j] + (1 - beta2) * g * g
                factors[j] -= lr * (m[j] / c1) / ((v[j] / c2).squareRoot() + eps)
            }
        }
        return (LoRAFactors(settings: lora, values: factors), losses, settings.steps * settings.batch * settings.seqLen)
    }
}
