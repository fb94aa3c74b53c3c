import CBLAS
import Foundation

/// Short name for the kernels in the two passes below.
private typealias K = TrainingKernels

/// The Llama-style decoder as the trainer sees it: parameters, gradients, and an explicit forward
/// and backward pass over a preallocated activation buffer.
///
/// ```swift
/// let model = LlamaModel(config: .r7, seed: 1)
/// model.grads.zero()
/// let loss = model.forwardBackward(inputs: x, targets: y, batch: 8, seqLen: 256)
/// ```
///
/// Reproducible: the same seed, inputs and `threads` give bit-identical losses and gradients
/// (a different thread count sums the same numbers in another order: equal to ~1e-6).
/// Not thread-safe; one owner drives it (its buffers are reused by every call).
public final class LlamaModel {
    public let config: LlamaConfig
    public let layout: ParameterLayout
    /// Weights, in the Hugging Face layout of ``ParameterLayout``.
    public let params: ParameterStore
    /// d(loss)/d(params), **accumulated** by ``forwardBackward(inputs:targets:batch:seqLen:)``;
    /// zero it between optimizer steps.
    public let grads: ParameterStore
    /// Splits each batch into this many gradient shares whatever the thread count, so that the
    /// sums, and so the result, do not depend on the machine: an AI runner's inner loop must be
    /// reproduced bit for bit by the coordinator's audit on another machine. nil: one share per
    /// thread (fastest; reproducible for a given thread count only).
    public var gradientShares: Int?
    /// Threads a pass uses: that many batch shares run concurrently, or, for a single sequence,
    /// that many OpenBLAS threads. Set before each pass, as OpenBLAS's setting is process-wide.
    public let threads: Int

    private let rotary: TrainingKernels.RotaryTable
    private let layerOffsets: [ParameterLayout.LayerOffsets]

    /// A freshly initialised model; see ``initializeParameters(_:seed:)``.
    /// - Precondition: `config.problem == nil`.
    public convenience init(config: LlamaConfig, seed: UInt64, threads: Int = 2) {
        let params = ParameterStore(layout: ParameterLayout(config: config))
        Self.initializeParameters(params, seed: seed)
        self.init(params: params, threads: threads)
    }

    /// A model over existing weights (e.g. from ``ModelFiles/load(from:)``); they are used, not copied.
    /// - Precondition: `params.layout.config.problem == nil`.
    public init(params: ParameterStore, threads: Int = 2) {
        BLASRuntime.selectKernels()
        let config = params.layout.config
        precondition(config.problem == nil, "invalid LlamaConfig: \(config.problem ?? "")")
        self.config = config
        self.layout = params.layout
        self.params = params
        self.grads = ParameterStore(layout: params.layout)
        self.threads = max(1, threads)
        self.rotary = TrainingKernels.RotaryTable(headDim: config.headDim, maxPositions: config.seqLen, theta: config.ropeTheta)
        self.layerOffsets = (0..<config.layers).map { params.layout.layer($0) }
        // The fused projections read q|k|v and gate|up as one matrix each; that relies on the
        // layout's documented order.
        for lo in layerOffsets {
            precondition(lo.k == lo.q + config.dim * config.dim && lo.v == lo.k + config.kvDim * config.dim
                && lo.up == lo.gate + config.hidden * config.dim, "ParameterLayout order changed")
        }
    }

    /// Seeded initialisation: norms 1, matrices N(0, 0.02²), except the projections that write into
    /// the residual stream (o_proj, down_proj), scaled by 1/sqrt(2·layers) as in GPT-2 so the
    /// stream's variance does not grow with depth. Draws in layout order from one ``TrainingRNG``.
    public static func initializeParameters(_ params: ParameterStore, seed: UInt64) {
        var rng = TrainingRNG(seed: seed)
        let layers = params.layout.config.layers
        let residualStd = 0.02 / Float(2 * layers).squareRoot()
        for entry in params.layout.entries {
            let p = params.pointer + entry.offset
            if entry.shape.count == 1 {
                p.update(repeating: 1, count: entry.count)
                continue
            }
            let std: Float = entry.name.hasSuffix("o_proj.weight") || entry.name.hasSuffix("down_proj.weight") ? residualStd : 0.02
            for i in 0..<entry.count { p[i] = rng.nextGaussian() * std }
        }
    }

    /// Allocates activations for up to `batch` sequences of `seqLen` tokens now rather than on the
    /// first call.
    public func reserve(batch: Int, seqLen: Int) {
        _ = prepareWorkers(batch: batch, seqLen: seqLen)
    }

    /// One training pass: the mean cross-entropy of `targets` given `inputs`, with its gradient
    /// **added** to ``grads``.
    ///
    /// With `threads` > 1 and at least as many sequences, the batch is split into `threads`
    /// contiguous shares run concurrently (OpenBLAS single-threaded inside each), each with its own
    /// activations and gradient buffer, summed at the end in a fixed order.
    ///
    /// - Parameters:
    ///   - inputs: `batch · seqLen` token ids, row-major (B, T), each in `0..<vocab`.
    ///   - targets: the same shape; a target of -1 marks a position without loss (padding).
    /// - Returns: the mean loss over the positions with a target (0 when there are none).
    /// - Precondition: shapes agree, `seqLen <= config.seqLen`, ids are in range.
    public func forwardBackward(inputs: [Int32], targets: [Int32], batch: Int, seqLen: Int) -> Float {
        run(inputs: inputs, targets: targets, batch: batch, seqLen: seqLen, withGradient: true)
    }

    /// The mean loss without touching ``grads`` (held-out evaluation).
    public func loss(inputs: [Int32], targets: [Int32], batch: Int, seqLen: Int) -> Float {
        run(inputs: inputs, targets: targets, batch: batch, seqLen: seqLen, withGradient: false)
    }

    /// Next-token logits for one sequence: `tokens.count × vocab` floats, row `t` predicting token `t+1`.
    public func logits(tokens: [Int32]) -> [Float] {
        let seqLen = tokens.count
        checkShapes(inputs: tokens, targets: nil, batch: 1, seqLen: seqLen)
        let shares = prepareWorkers(batch: 1, seqLen: seqLen)
        let a = workers[0].activations
        openblas_set_num_threads(Int32(threads))
        tokens.withUnsafeBufferPointer { forward(a, tokens: $0.baseAddress!, batch: shares[0].count, seqLen: seqLen) }
        return Array(UnsafeBufferPointer(start: a.logits, count: seqLen * config.vocab))
    }

    private func run(inputs: [Int32], targets: [Int32], batch: Int, seqLen: Int, withGradient: Bool) -> Float {
        checkShapes(inputs: inputs, targets: targets, batch: batch, seqLen: seqLen)
        let shares = prepareWorkers(batch: batch, seqLen: seqLen)
        // Several shares each call BLAS single-threaded; a single share lets BLAS use the threads.
        openblas_set_num_threads(Int32(shares.count > 1 ? 1 : threads))
        let count = targets.withUnsafeBufferPointer { TrainingKernels.countTargets($0.baseAddress!, batch * seqLen) }
        let scale: Float? = withGradient ? (count > 0 ? 1 / Float(count) : 0) : nil
        let lossSums = UnsafeMutableBufferPointer<Double>.allocate(capacity: shares.count)
        defer { lossSums.deallocate() }
        inputs.withUnsafeBufferPointer { ib in
            targets.withUnsafeBufferPointer { tb in
                let tokens = ib.baseAddress!, tgt = tb.baseAddress!
                Parallel.forEach(shares.count) { k in
                    let worker = workers[k]
                    let rows = shares[k], first = rows.lowerBound * seqLen
                    forward(worker.activations, tokens: tokens + first, batch: rows.count, seqLen: seqLen)
                    lossSums[k] = TrainingKernels.crossEntropy(
                        logits: worker.activations.logits, targets: tgt + first, n: rows.count * seqLen, vocab: config.vocab,
                        gradientScale: scale).lossSum
                    guard withGradient else { return }
                    let g = worker.grads ?? grads
                    if worker.grads != nil { g.zero() }
                    backward(worker.activations, grads: g, tokens: tokens + first, batch: rows.count, seqLen: seqLen)
                }
            }
        }
        if withGradient && shares.count > 1 { reduceWorkerGradients(shares.count) }
        let total = lossSums.reduce(0, +)
        return count > 0 ? Float(total / Double(count)) : 0
    }

    /// grads += Σ worker grads, in worker order, split by ranges of the buffer over the threads.
    private func reduceWorkerGradients(_ used: Int) {
        let g = grads.pointer
        let others = workers[1..<used].compactMap { $0.grads?.pointer }
        Parallel.forRanges(grads.count, parts: threads) { range in
            for w in others {
                for i in range { g[i] += w[i] }
            }
        }
    }

    // MARK: - Passes

    private func forward(_ a: TrainingActivations, tokens: UnsafePointer<Int32>, batch: Int, seqLen: Int) {
        let c = config, n = batch * seqLen, C = c.dim, H = c.hidden
        let qkvDim = (c.heads + 2 * c.kvHeads) * c.headDim, attDim = c.heads * c.headDim
        let shape = attentionShape(batch: batch, seqLen: seqLen)
        let p = params.pointer
        rotary.cos.withUnsafeBufferPointer { cosb in
            rotary.sin.withUnsafeBufferPointer { sinb in
                let cos = cosb.baseAddress!, sin = sinb.baseAddress!
                K.embeddingForward(out: a.residual[0], tokens: tokens, table: p + layout.embeddingOffset, n: n, c: C)
                for l in 0..<c.layers {
                    let lo = layerOffsets[l]
                    K.rmsnormForward(out: a.ln1[l], rstd: a.rstd1[l], x: a.residual[l], weight: p + lo.inputNorm, n: n, c: C, eps: c.normEps)
                    K.linearForward(y: a.qkv[l], x: a.ln1[l], weight: p + lo.q, n: n, inDim: C, outDim: qkvDim)
                    K.rotaryForward(x: a.qkv[l], rowStride: qkvDim, column: 0, heads: c.heads, headDim: c.headDim,
                                                  batch: batch, seqLen: seqLen, cos: cos, sin: sin)
                    K.rotaryForward(x: a.qkv[l], rowStride: qkvDim, column: attDim, heads: c.kvHeads, headDim: c.headDim,
                                                  batch: batch, seqLen: seqLen, cos: cos, sin: sin)
                    K.attentionForward(out: a.attOut[l], probs: a.probs[l], qkv: a.qkv[l], shape: shape)
                    a.resMid[l].update(from: a.residual[l], count: n * C)
                    K.linearForward(y: a.resMid[l], x: a.attOut[l], weight: p + lo.o, n: n, inDim: attDim, outDim: C, accumulate: true)
                    K.rmsnormForward(out: a.ln2[l], rstd: a.rstd2[l], x: a.resMid[l], weight: p + lo.postNorm, n: n, c: C, eps: c.normEps)
                    K.linearForward(y: a.gateUp[l], x: a.ln2[l], weight: p + lo.gate, n: n, inDim: C, outDim: 2 * H)
                    K.swigluForward(out: a.hmid[l], gateUp: a.gateUp[l], n: n, hidden: H)
                    a.residual[l + 1].update(from: a.resMid[l], count: n * C)
                    K.linearForward(y: a.residual[l + 1], x: a.hmid[l], weight: p + lo.down, n: n, inDim: H, outDim: C, accumulate: true)
                }
                K.rmsnormForward(out: a.lnf, rstd: a.rstdf, x: a.residual[c.layers], weight: p + layout.finalNormOffset, n: n, c: C, eps: c.normEps)
                // Tied output head: logits = lnf · Eᵀ.
                K.linearForward(y: a.logits, x: a.lnf, weight: p + layout.embeddingOffset, n: n, inDim: C, outDim: c.vocab)
            }
        }
    }

    /// Expects `a.logits` to hold d(loss)/d(logits) (see ``TrainingKernels/crossEntropy``).
    private func backward(_ a: TrainingActivations, grads: ParameterStore, tokens: UnsafePointer<Int32>, batch: Int, seqLen: Int) {
        let c = config, n = batch * seqLen, C = c.dim, H = c.hidden
        let qkvDim = (c.heads + 2 * c.kvHeads) * c.headDim, attDim = c.heads * c.headDim
        let shape = attentionShape(batch: batch, seqLen: seqLen)
        let p = params.pointer, g = grads.pointer
        let emb = layout.embeddingOffset, fin = layout.finalNormOffset
        rotary.cos.withUnsafeBufferPointer { cosb in
            rotary.sin.withUnsafeBufferPointer { sinb in
                let cos = cosb.baseAddress!, sin = sinb.baseAddress!
                K.linearBackward(dx: a.dln, dweight: g + emb, dy: a.logits, x: a.lnf, weight: p + emb, n: n, inDim: C, outDim: c.vocab)
                a.dres.update(repeating: 0, count: n * C)
                K.rmsnormBackward(dx: a.dres, dweight: g + fin, dout: a.dln, x: a.residual[c.layers], weight: p + fin, rstd: a.rstdf, n: n, c: C)
                // a.dres is d(loss)/d(residual[l + 1]) on entry to each iteration, d(residual[l]) on exit.
                for l in stride(from: c.layers - 1, through: 0, by: -1) {
                    let lo = layerOffsets[l]
                    K.linearBackward(dx: a.dhmid, dweight: g + lo.down, dy: a.dres, x: a.hmid[l], weight: p + lo.down, n: n, inDim: H, outDim: C)
                    K.swigluBackward(dGateUp: a.dGateUp, dout: a.dhmid, gateUp: a.gateUp[l], n: n, hidden: H)
                    K.linearBackward(dx: a.dln, dweight: g + lo.gate, dy: a.dGateUp, x: a.ln2[l], weight: p + lo.gate, n: n, inDim: C, outDim: 2 * H)
                    K.rmsnormBackward(dx: a.dres, dweight: g + lo.postNorm, dout: a.dln, x: a.resMid[l], weight: p + lo.postNorm,
                                      rstd: a.rstd2[l], n: n, c: C)
                    K.linearBackward(dx: a.dAttOut, dweight: g + lo.o, dy: a.dres, x: a.attOut[l], weight: p + lo.o, n: n, inDim: attDim, outDim: C)
                    K.attentionBackward(dqkv: a.dqkv, scratch: a.dprobs, dout: a.dAttOut, qkv: a.qkv[l], probs: a.probs[l], shape: shape)
                    K.rotaryBackward(dx: a.dqkv, rowStride: qkvDim, column: 0, heads: c.heads, headDim: c.headDim,
                                                   batch: batch, seqLen: seqLen, cos: cos, sin: sin)
                    K.rotaryBackward(dx: a.dqkv, rowStride: qkvDim, column: attDim, heads: c.kvHeads, headDim: c.headDim,
                                                   batch: batch, seqLen: seqLen, cos: cos, sin: sin)
                    K.linearBackward(dx: a.dln, dweight: g + lo.q, dy: a.dqkv, x: a.ln1[l], weight: p + lo.q, n: n, inDim: C, outDim: qkvDim)
                    K.rmsnormBackward(dx: a.dres, dweight: g + lo.inputNorm, dout: a.dln, x: a.residual[l], weight: p + lo.inputNorm,
                                      rstd: a.rstd1[l], n: n, c: C)
                }
                K.embeddingBackward(dTable: g + emb, dout: a.dres, tokens: tokens, n: n, c: C)
            }
        }
    }

    // MARK: - Helpers

    private func attentionShape(batch: Int, seqLen: Int) -> TrainingKernels.AttentionShape {
        TrainingKernels.AttentionShape(batch: batch, seqLen: seqLen, heads: config.heads, kvHeads: config.kvHeads, headDim: config.headDim)
    }

    /// One share of a batch: its activations, and a gradient buffer for every share but the
    /// first (which accumulates straight into ``grads``).
    private final class Worker {
        let activations: TrainingActivations
        let grads: ParameterStore?
        init(activations: TrainingActivations, grads: ParameterStore?) {
            self.activations = activations
            self.grads = grads
        }
    }

    private var workers: [Worker] = []

    /// The batch rows of each share, with every worker's buffers big enough for them. Allocates
    /// only when a shape exceeds what earlier calls needed.
    private func prepareWorkers(batch: Int, seqLen: Int) -> [Range<Int>] {
        let parts = gradientShares.map { max(1, min($0, batch)) } ?? (batch >= threads ? threads : 1)
        let shares = (0..<parts).map { k in (k * batch / parts)..<((k + 1) * batch / parts) }
        let rows = shares.map(\.count).max() ?? batch
        for k in 0..<parts {
            if k < workers.count, workers[k].activations.fits(batch: rows, seqLen: seqLen) { continue }
            let old = k < workers.count ? workers[k] : nil
            // Grow to cover both the old and the new shape, so alternating shapes allocate once.
            let a = TrainingActivations(
                config: config, batch: max(rows, old?.activations.batch ?? 0), seqLen: max(seqLen, old?.activations.seqLen ?? 0))
            let w = Worker(activations: a, grads: k == 0 ? nil : (old?.grads ?? ParameterStore(layout: layout)))
            if k < workers.count { workers[k] = w } else { workers.append(w) }
        }
        return shares
    }

    private func checkShapes(inputs: [Int32], targets: [Int32]?, batch: Int, seqLen: Int) {
        precondition(batch > 0 && seqLen > 0 && seqLen <= config.seqLen, "batch \(batch) × seqLen \(seqLen) outside 1...\(config.seqLen)")
        precondition(inputs.count == batch * seqLen, "inputs hold \(inputs.count) ids, expected \(batch * seqLen)")
        let vocab = Int32(config.vocab)
        precondition(inputs.allSatisfy { $0 >= 0 && $0 < vocab }, "input token id outside 0..<\(vocab)")
        if let targets {
            precondition(targets.count == batch * seqLen, "targets hold \(targets.count) ids, expected \(batch * seqLen)")
            precondition(targets.allSatisfy { $0 == TrainingKernels.ignoreIndex || ($0 >= 0 && $0 < vocab) },
                         "target id outside 0..<\(vocab) and not -1")
        }
    }
}
