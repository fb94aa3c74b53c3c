import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a Llama-style model for generation: a KV cache for `maxStreams` independent streams,
/// prompt prefill, and a batched decode step that advances many streams in one pass.
///
/// ```swift
/// let session = try InferenceSession(parameters: store)
/// var logits = try session.prefill(stream: 0, tokens: prompt)
/// let next = try sampler.sample(logits)
/// logits = try session.step(tokens: [next], streams: [0])
/// ```
///
/// Why one session serves many players: a decode step's cost is dominated by the weights, and
/// a batched step streams each weight block once per thread for all of that thread's streams
/// (one `sgemm`, or an int8 kernel that uses each weight load for four inputs); only attention
/// is per stream, over that stream's own cache. On R7 with int8 weights, 8 streams together
/// give about 1.3× the tokens per CPU-second of one: the SSE2 kernels are bound by multiply
/// throughput more than by memory, so sharing weight loads buys less than with fp32.
///
/// The math is the Hugging Face Llama forward pass (see ``InferenceKernels``), so logits agree
/// with the trainer's and with `transformers` to float rounding (int8 weights: see
/// ``WeightFormat/int8``).
///
/// Ownership: one thread (or one actor) at a time calls the session; it is not `Sendable`. The
/// fp32 path reads the ``ParameterStore`` in place, so the store must not change while the
/// session lives. Returned logits are borrowed: they stay valid until the next `prefill`,
/// `step` or the session's end; copy them to keep them.
///
/// With fp32 weights the session calls `openblas_set_num_threads(1)` before each forward pass:
/// it parallelises itself (``Options/threads``), and OpenBLAS threads inside its workers would
/// only fight them. The int8 path does not use OpenBLAS at all.
public final class InferenceSession {
    /// How projection weights are stored while generating.
    public enum WeightFormat: String, Sendable, CaseIterable, Codable {
        /// The store's own Float32 weights, multiplied with OpenBLAS.
        case fp32
        /// int8 with one scale per output row, activations int16; a quarter of the bytes.
        case int8
    }

    /// How the KV cache stores keys and values (see ``InferenceKVCache``).
    public enum KVCacheFormat: String, Sendable, CaseIterable, Codable {
        /// Float32: logits equal a full recompute up to float rounding.
        case fp32
        /// int16 with a scale per position and head: half the bytes, `pmaddwd` products;
        /// logits within ~1e-3 of fp32 (4e-4 on R7 with random weights).
        case int16
    }

    public struct Options: Sendable, Hashable {
        /// Independent streams (players) the cache holds.
        public var maxStreams: Int
        /// Positions per stream; nil means the model's `seqLen`.
        public var maxSeq: Int?
        /// Threads for the forward pass, the caller's included.
        public var threads: Int
        public var weights: WeightFormat
        public var kvCache: KVCacheFormat
        /// With int8 weights, also quantise the tied output head (the largest matrix).
        public var quantizeHead: Bool
        /// Prompt tokens per prefill pass; bounds activation memory, keeps `sgemm` efficient.
        public var prefillChunk: Int
        /// The int8 products' implementation (an unsupported one falls back to portable).
        public var int8Kernel: Int8Kernel

        public init(maxStreams: Int = 8, maxSeq: Int? = nil, threads: Int = 2,
                    weights: WeightFormat = .int8, kvCache: KVCacheFormat = .int16, quantizeHead: Bool = true,
                    prefillChunk: Int = 64, int8Kernel: Int8Kernel = .preferred) {
            self.maxStreams = maxStreams
            self.maxSeq = maxSeq
            self.threads = threads
            self.weights = weights
            self.kvCache = kvCache
            self.quantizeHead = quantizeHead
            self.prefillChunk = prefillChunk
            self.int8Kernel = int8Kernel
        }
    }

    public let config: LlamaConfig
    public let options: Options
    public let maxStreams: Int
    public let maxSeq: Int
    /// The int8 kernel actually in use.
    public var int8Kernel: Int8Kernel { quantized.kernel }
    /// The weights the session was built from (kept alive; read in place on the fp32 path).
    public var parameters: ParameterStore { weights.store }

    let weights: InferenceWeights
    /// Whether any product goes through OpenBLAS (fp32 weights). Only then is its thread count
    /// touched: even setting it wakes OpenBLAS's idle threads, which then spin for a while.
    private let usesBLAS: Bool
    private let pool: InferenceThreadPool
    /// Rows one forward pass can hold: `max(maxStreams, prefillChunk)`.
    private let capacity: Int
    private let qkvWidth: Int

    private let cache: InferenceKVCache
    private var positions: [Int]

    // Activations, `capacity` rows each.
    private let x: UnsafeMutablePointer<Float>       // residual stream (rows, dim)
    private let xb: UnsafeMutablePointer<Float>      // normed input of a block (rows, dim)
    private let qkv: UnsafeMutablePointer<Float>     // (rows, dim + 2·kvDim)
    private let att: UnsafeMutablePointer<Float>     // attention output (rows, dim)
    private let gate: UnsafeMutablePointer<Float>    // (rows, hidden); SwiGLU output in place
    private let up: UnsafeMutablePointer<Float>      // (rows, hidden)
    private let logitBuffer: UnsafeMutablePointer<Float> // (maxStreams, vocab)
    private let scratch: [InferenceKVCache.Scratch]  // one per thread
    private let quantized: Int16Activations
    private let ropeCos: UnsafeMutablePointer<Float> // (maxSeq, headDim/2)
    private let ropeSin: UnsafeMutablePointer<Float>
    private let rowStream: UnsafeMutablePointer<Int>
    private let rowPosition: UnsafeMutablePointer<Int>
    private let rowToken: UnsafeMutablePointer<Int32>
    private let sampleErrors: UnsafeMutablePointer<SamplingError?>

    /// Builds the session, quantising weights if asked; allocates every buffer it will use.
    ///
    /// - Throws: ``InferenceError/invalidConfig(_:)`` for a shape that cannot run,
    ///   ``InferenceError/invalidOption(_:)`` for out-of-range options.
    public init(parameters: ParameterStore, options: Options = Options()) throws(InferenceError) {
        let c = parameters.layout.config
        if let problem = c.problem { throw .invalidConfig(problem) }
        guard options.maxStreams >= 1 else { throw .invalidOption("maxStreams must be at least 1") }
        guard options.threads >= 1 else { throw .invalidOption("threads must be at least 1") }
        guard options.prefillChunk >= 1 else { throw .invalidOption("prefillChunk must be at least 1") }
        let maxSeq = options.maxSeq ?? c.seqLen
        guard maxSeq >= 1 else { throw .invalidOption("maxSeq must be at least 1") }
        config = c
        self.options = options
        maxStreams = options.maxStreams
        self.maxSeq = maxSeq
        weights = try InferenceWeights(store: parameters, format: options.weights, quantizeHead: options.quantizeHead)
        pool = InferenceThreadPool(threadCount: options.threads)
        usesBLAS = options.weights == .fp32 || !options.quantizeHead
        capacity = max(options.maxStreams, options.prefillChunk)
        qkvWidth = c.dim + 2 * c.kvDim

        func buffer<T: Numeric>(_ count: Int, _ type: T.Type = T.self) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
            p.initialize(repeating: 0, count: max(1, count))
            return p
        }
        let cache = InferenceKVCache(format: options.kvCache, layers: c.layers, streams: maxStreams, maxSeq: maxSeq,
                                     kvHeads: c.kvHeads, headDim: c.headDim)
        self.cache = cache
        positions = Array(repeating: 0, count: maxStreams)
        x = buffer(capacity * c.dim)
        xb = buffer(capacity * c.dim)
        qkv = buffer(capacity * qkvWidth)
        att = buffer(capacity * c.dim)
        gate = buffer(capacity * c.hidden)
        up = buffer(capacity * c.hidden)
        logitBuffer = buffer(maxStreams * c.vocab)
        scratch = (0..<options.threads).map { _ in InferenceKVCache.Scratch(seqStride: cache.seqStride, headDim: c.headDim) }
        quantized = Int16Activations(capacity: capacity, maxWidth: max(c.dim, c.hidden), kernel: options.int8Kernel)
        rowStream = buffer(capacity)
        rowPosition = buffer(capacity)
        rowToken = buffer(capacity, Int32.self)
        sampleErrors = .allocate(capacity: options.maxStreams)
        sampleErrors.initialize(repeating: nil, count: options.maxStreams)

        // Rotary tables: cos/sin of pos · θ^(−2i/headDim). Frequencies and angles are rounded to
        // Float32 where `transformers` computes them in float32, so positions late in the
        // sequence get the same angles as the reference.
        let half = c.headDim / 2
        ropeCos = buffer(maxSeq * half)
        ropeSin = buffer(maxSeq * half)
        for i in 0..<half {
            let exponent = Float(2 * i) / Float(c.headDim)
            let invFreq = 1 / Float(pow(Double(c.ropeTheta), Double(exponent)))
            for pos in 0..<maxSeq {
                let angle = Double(Float(pos) * invFreq)
                ropeCos[pos * half + i] = Float(cos(angle))
                ropeSin[pos * half + i] = Float(sin(angle))
            }
        }
    }

    deinit {
        for p in [x, xb, qkv, att, gate, up, logitBuffer, ropeCos, ropeSin] {
            p.deallocate()
        }
        rowStream.deallocate()
        rowPosition.deallocate()
        rowToken.deallocate()
        sampleErrors.deinitialize(count: maxStreams)
        sampleErrors.deallocate()
    }

    /// Threads that actually run the forward pass (fewer than asked if the system refused some).
    public var threadCount: Int { pool.activeThreads }

    /// How many positions `stream` holds (the position its next token will take).
    public func position(of stream: Int) -> Int {
        positions.indices.contains(stream) ? positions[stream] : 0
    }

    /// Forgets a stream's tokens so it can start a new sequence. Cache memory is reused as is.
    public func reset(stream: Int) throws(InferenceError) {
        guard positions.indices.contains(stream) else { throw .streamOutOfRange(stream: stream, maxStreams: maxStreams) }
        positions[stream] = 0
    }

    /// Forgets every stream.
    public func resetAll() {
        for s in positions.indices { positions[s] = 0 }
    }

    /// Feeds a prompt to one stream (continuing after what it already holds) and returns the
    /// logits after its last token: `vocab` floats, borrowed until the next call.
    ///
    /// The prompt runs `prefillChunk` tokens at a time, each chunk's projections as one `sgemm`.
    ///
    /// - Throws: ``InferenceError`` if the stream, a token or the length is out of range; then
    ///   the stream is unchanged.
    @discardableResult
    public func prefill(stream: Int, tokens: [Int32]) throws(InferenceError) -> UnsafeBufferPointer<Float> {
        guard positions.indices.contains(stream) else { throw .streamOutOfRange(stream: stream, maxStreams: maxStreams) }
        guard !tokens.isEmpty else { throw .emptyPrompt }
        for t in tokens where t < 0 || Int(t) >= config.vocab { throw .tokenOutOfRange(token: t, vocab: config.vocab) }
        guard positions[stream] + tokens.count <= maxSeq else { throw .sequenceFull(stream: stream, maxSeq: maxSeq) }
        var start = 0
        while start < tokens.count {
            let n = min(options.prefillChunk, tokens.count - start)
            let first = positions[stream]
            for r in 0..<n {
                rowStream[r] = stream
                rowPosition[r] = first + r
                rowToken[r] = tokens[start + r]
            }
            let last = start + n == tokens.count
            forward(rows: n, logits: last ? .lastRow : .none)
            positions[stream] += n
            start += n
        }
        return UnsafeBufferPointer(start: logitBuffer, count: config.vocab)
    }

    /// Advances several independent streams by one token each, in one pass, and returns their
    /// logits as `[streams.count × vocab]` row-major floats (row `i` belongs to `streams[i]`),
    /// borrowed until the next call.
    ///
    /// Each stream is at its own position; the projections run over the whole batch at once.
    ///
    /// - Throws: ``InferenceError`` for mismatched lengths, a repeated or unknown stream, a token
    ///   outside the vocabulary or a full stream; then no stream advances.
    public func step(tokens: [Int32], streams: [Int]) throws(InferenceError) -> UnsafeBufferPointer<Float> {
        let n = streams.count
        guard tokens.count == n, n >= 1, n <= maxStreams else {
            throw .batchMismatch(tokens: tokens.count, streams: n, maxStreams: maxStreams)
        }
        for i in 0..<n {
            let s = streams[i]
            guard positions.indices.contains(s) else { throw .streamOutOfRange(stream: s, maxStreams: maxStreams) }
            for j in 0..<i where streams[j] == s { throw .duplicateStream(s) }
            let t = tokens[i]
            guard t >= 0, Int(t) < config.vocab else { throw .tokenOutOfRange(token: t, vocab: config.vocab) }
            guard positions[s] < maxSeq else { throw .sequenceFull(stream: s, maxSeq: maxSeq) }
        }
        for i in 0..<n {
            rowStream[i] = streams[i]
            rowPosition[i] = positions[streams[i]]
            rowToken[i] = tokens[i]
        }
        forward(rows: n, logits: .allRows)
        for i in 0..<n { positions[streams[i]] += 1 }
        return UnsafeBufferPointer(start: logitBuffer, count: n * config.vocab)
    }

    /// Samples one token from each row of `logits` (the result of ``step(tokens:streams:)``),
    /// rows spread over the session's threads: row `i` uses `samplers[i]` and `masks?[i]`, and
    /// its token goes to `tokens[i]`.
    ///
    /// With a batch of streams, sampling is per row and otherwise runs on one thread while the
    /// others wait for the next step.
    ///
    /// - Throws: the first row's ``SamplingError`` (every row is still attempted), or
    ///   ``SamplingError/vocabMismatch(expected:got:)`` when the counts do not match.
    public func sample(_ logits: UnsafeBufferPointer<Float>, samplers: inout [Sampler], masks: [TokenMask?]? = nil,
                       into tokens: inout [Int32]) throws(SamplingError) {
        let vocab = config.vocab
        let rows = samplers.count
        guard rows <= maxStreams, logits.count == rows * vocab, tokens.count == rows,
              masks == nil || masks?.count == rows, let base = logits.baseAddress else {
            throw .vocabMismatch(expected: rows * vocab, got: logits.count)
        }
        let errors = sampleErrors
        samplers.withUnsafeMutableBufferPointer { samplerBuffer in
            tokens.withUnsafeMutableBufferPointer { tokenBuffer in
                let samplerRows = samplerBuffer.baseAddress!, out = tokenBuffer.baseAddress!
                pool.run(chunks: rows) { r, _ in
                    do throws(SamplingError) {
                        out[r] = try samplerRows[r].sample(UnsafeBufferPointer(start: base + r * vocab, count: vocab),
                                                           mask: masks?[r] ?? nil)
                        errors[r] = nil
                    } catch {
                        errors[r] = error
                    }
                }
            }
        }
        for r in 0..<rows { if let error = errors[r] { throw error } }
    }

    // MARK: - Forward pass

    private enum LogitRows { case none, lastRow, allRows }

    /// One pass over `n` rows (stream, position, token) already in `rowStream`/`rowPosition`/
    /// `rowToken`. Writes each row's K/V into its stream's cache at its position; attention of a
    /// row covers its stream's positions `0...position`, which includes earlier rows of the
    /// same prefill chunk.
    ///
    /// Two ways to spread it over the threads:
    /// - A decode step of at least four rows per thread (every row its own stream) gives each
    ///   thread whole rows, start to finish: no row reads another's state, so the step is one
    ///   parallel region, and each thread's int8 products still use four inputs per weight
    ///   load. The weights are read once per thread, which the compute-bound batched kernel
    ///   can afford.
    /// - Otherwise (one stream, small batches, prefill) every product is split by output rows,
    ///   in ~30 regions per step, with the per-row work between them on the calling thread.
    private func forward(rows n: Int, logits: LogitRows) {
        if usesBLAS { openblas_set_num_threads(1) }
        for r in 0..<n {
            (x + r * config.dim).update(from: weights.embedding + Int(rowToken[r]) * config.dim, count: config.dim)
        }
        let threads = pool.activeThreads
        if logits == .allRows, threads > 1, n >= 4 * threads {
            pool.run(chunks: threads) { group, thread in
                let lo = n * group / threads, hi = n * (group + 1) / threads
                self.forwardRows(lo..<hi, thread: thread)
            }
        } else {
            forwardSplittingOutputs(rows: n, logits: logits)
        }
    }

    /// Rows `rows`, every layer and the head, on the calling thread.
    private func forwardRows(_ rows: Range<Int>, thread: Int) {
        let c = config
        let dim = c.dim, hidden = c.hidden
        let first = rows.lowerBound
        for (l, layer) in weights.layers.enumerated() {
            normRows(rows, weight: layer.inputNorm)
            prepare(layer.qkv, input: xb, rows: rows)
            project(layer.qkv, input: xb, rows: rows, outputs: 0..<qkvWidth, into: qkv, ldy: qkvWidth, accumulate: false)
            writeCache(layer: l, rows: rows)
            for task in (first * c.heads)..<(rows.upperBound * c.heads) { attention(layer: l, task: task, thread: thread) }
            prepare(layer.o, input: att, rows: rows)
            project(layer.o, input: att, rows: rows, outputs: 0..<dim, into: x, ldy: dim, accumulate: true)
            normRows(rows, weight: layer.postNorm)
            prepare(layer.gate, input: xb, rows: rows)
            project(layer.gate, input: xb, rows: rows, outputs: 0..<hidden, into: gate, ldy: hidden, accumulate: false)
            project(layer.up, input: xb, rows: rows, outputs: 0..<hidden, into: up, ldy: hidden, accumulate: false)
            for r in rows { InferenceKernels.swiglu(gate + r * hidden, up + r * hidden, hidden) }
            prepare(layer.down, input: gate, rows: rows)
            project(layer.down, input: gate, rows: rows, outputs: 0..<dim, into: x, ldy: dim, accumulate: true)
        }
        for r in rows {
            InferenceKernels.rmsnorm(x + r * dim, weight: weights.finalNorm, eps: c.normEps, into: xb + r * dim, dim)
        }
        prepare(weights.head, input: xb, rows: rows)
        project(weights.head, input: xb, rows: rows, outputs: 0..<c.vocab, into: logitBuffer, ldy: c.vocab, accumulate: false)
    }

    /// Every product split by output rows over the threads.
    private func forwardSplittingOutputs(rows n: Int, logits: LogitRows) {
        let c = config
        let dim = c.dim, hidden = c.hidden
        let all = 0..<n
        let size = InferenceSession.rowsPerChunk
        for (l, layer) in weights.layers.enumerated() {
            // Attention block: x += o(attention(rope(q), rope(k), v)) over rmsnorm(x).
            normRows(all, weight: layer.inputNorm)
            prepare(layer.qkv, input: xb, rows: all)
            pool.run(chunks: InferenceThreadPool.chunks(qkvWidth, size: size)) { chunk, _ in
                let outputs = InferenceThreadPool.rows(self.qkvWidth, chunk: chunk, size: size)
                self.project(layer.qkv, input: self.xb, rows: all, outputs: outputs, into: self.qkv, ldy: self.qkvWidth, accumulate: false)
            }
            writeCache(layer: l, rows: all)
            pool.run(chunks: n * c.heads) { task, thread in self.attention(layer: l, task: task, thread: thread) }
            prepare(layer.o, input: att, rows: all)
            pool.run(chunks: InferenceThreadPool.chunks(dim, size: size)) { chunk, _ in
                let outputs = InferenceThreadPool.rows(dim, chunk: chunk, size: size)
                self.project(layer.o, input: self.att, rows: all, outputs: outputs, into: self.x, ldy: dim, accumulate: true)
            }

            // MLP block: x += down(silu(gate(h)) ⊙ up(h)), h = rmsnorm(x).
            normRows(all, weight: layer.postNorm)
            prepare(layer.gate, input: xb, rows: all)
            pool.run(chunks: InferenceThreadPool.chunks(hidden, size: size)) { chunk, _ in
                let outputs = InferenceThreadPool.rows(hidden, chunk: chunk, size: size)
                self.project(layer.gate, input: self.xb, rows: all, outputs: outputs, into: self.gate, ldy: hidden, accumulate: false)
                self.project(layer.up, input: self.xb, rows: all, outputs: outputs, into: self.up, ldy: hidden, accumulate: false)
                for r in all {
                    let o = r * hidden + outputs.lowerBound
                    InferenceKernels.swiglu(self.gate + o, self.up + o, outputs.count)
                }
            }
            prepare(layer.down, input: gate, rows: all)
            pool.run(chunks: InferenceThreadPool.chunks(dim, size: size)) { chunk, _ in
                let outputs = InferenceThreadPool.rows(dim, chunk: chunk, size: size)
                self.project(layer.down, input: self.gate, rows: all, outputs: outputs, into: self.x, ldy: dim, accumulate: true)
            }
        }

        // Final norm and the tied head, only for the rows whose logits are wanted; their
        // logits go to the first rows of the logit buffer.
        let wanted: Range<Int>
        switch logits {
        case .none: return
        case .lastRow: wanted = (n - 1)..<n
        case .allRows: wanted = all
        }
        for (i, r) in wanted.enumerated() {
            InferenceKernels.rmsnorm(x + r * dim, weight: weights.finalNorm, eps: c.normEps, into: xb + i * dim, dim)
        }
        let head = weights.head
        let rows = 0..<wanted.count
        prepare(head, input: xb, rows: rows)
        let headSize = 2 * size
        pool.run(chunks: InferenceThreadPool.chunks(c.vocab, size: headSize)) { chunk, _ in
            let outputs = InferenceThreadPool.rows(c.vocab, chunk: chunk, size: headSize)
            self.project(head, input: self.xb, rows: rows, outputs: outputs, into: self.logitBuffer, ldy: c.vocab, accumulate: false)
        }
    }

    /// Output rows per parallel chunk: small enough that a descheduled thread holds back
    /// little, large enough that claiming a chunk costs nothing by comparison.
    static let rowsPerChunk = 32

    /// `xb[r] = rmsnorm(x[r]) · weight` for `rows`.
    private func normRows(_ rows: Range<Int>, weight: UnsafePointer<Float>) {
        let dim = config.dim
        for r in rows {
            InferenceKernels.rmsnorm(x + r * dim, weight: weight, eps: config.normEps, into: xb + r * dim, dim)
        }
    }

    /// Quantises `input`'s `rows` once for all threads when the projection is int8.
    private func prepare(_ p: InferenceWeights.Projection, input: UnsafeMutablePointer<Float>, rows: Range<Int>) {
        if p.int8 != nil {
            quantized.quantize(input + rows.lowerBound * p.cols, rows: rows, width: p.cols, ldx: p.cols)
        }
    }

    /// `y[r, o] (+)= Σ_i W[o, i] · input[r, i]` for output columns `outputs` of input `rows`
    /// (`input` and `y` are indexed by row: row `r` at `r · cols` and `r · ldy`).
    private func project(_ p: InferenceWeights.Projection, input: UnsafeMutablePointer<Float>, rows: Range<Int>,
                         outputs: Range<Int>, into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool) {
        guard !outputs.isEmpty, !rows.isEmpty else { return }
        let yRows = y + rows.lowerBound * ldy
        if let q = p.int8 {
            q.multiply(quantized, inputs: rows, rows: outputs, into: yRows, ldy: ldy, accumulate: accumulate)
            return
        }
        let k = p.cols
        let w = p.fp32 + outputs.lowerBound * k
        let a = input + rows.lowerBound * k
        let beta: Float = accumulate ? 1 : 0
        if rows.count == 1 {
            cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(outputs.count), Int32(k), 1, w, Int32(k),
                        a, 1, beta, yRows + outputs.lowerBound, 1)
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(outputs.count), Int32(k), 1,
                        a, Int32(k), w, Int32(k), beta, yRows + outputs.lowerBound, Int32(ldy))
        }
    }

    /// Rotates q and k of `rows` at their positions and stores k and v in the cache.
    private func writeCache(layer l: Int, rows: Range<Int>) {
        let c = config
        let half = c.headDim / 2
        for r in rows {
            let row = qkv + r * qkvWidth
            let pos = rowPosition[r]
            let cos = UnsafePointer(ropeCos + pos * half), sin = UnsafePointer(ropeSin + pos * half)
            InferenceKernels.rope(row, heads: c.heads, headDim: c.headDim, cos: cos, sin: sin)
            InferenceKernels.rope(row + c.dim, heads: c.kvHeads, headDim: c.headDim, cos: cos, sin: sin)
            cache.write(layer: l, stream: rowStream[r], position: pos, key: row + c.dim, value: row + c.dim + c.kvDim)
        }
    }

    /// Attention of one (row, head) task: `task = row · heads + head`.
    private func attention(layer l: Int, task: Int, thread: Int) {
        let c = config
        let r = task / c.heads, h = task % c.heads
        cache.attend(layer: l, stream: rowStream[r], kvHead: h / (c.heads / c.kvHeads),
                     query: qkv + r * qkvWidth + h * c.headDim, count: rowPosition[r] + 1,
                     scratch: scratch[thread], into: att + r * c.dim + h * c.headDim)
    }
}
