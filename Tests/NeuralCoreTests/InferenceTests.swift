import Foundation
import Testing
@testable import NeuralCore

/// A small model with grouped key/value heads (4 query heads over 2 kv heads) and widths that
/// are not multiples of 16, so every kernel tail is exercised.
private let tiny = LlamaConfig(dim: 40, hidden: 72, layers: 2, heads: 4, kvHeads: 2, vocab: 97, seqLen: 24)

private func randomStore(_ config: LlamaConfig = tiny, seed: UInt64 = 3) -> ParameterStore {
    let store = InferenceBenchmark.randomParameters(config: config, seed: seed)
    // Norm weights away from 1, so a forgotten norm weight shows.
    var rng = Xoshiro256StarStar(seed: seed &+ 99)
    for entry in store.layout.entries where entry.shape.count == 1 {
        for i in 0..<entry.count { store.pointer[entry.offset + i] = 0.5 + Float(rng.nextUnitDouble()) }
    }
    return store
}

/// The Hugging Face Llama forward pass written the plain way: the whole sequence recomputed,
/// Double accumulation, no cache, no BLAS. Returns the logits of the last position.
private func referenceLogits(_ store: ParameterStore, tokens: [Int32]) -> [Double] {
    let c = store.layout.config
    let l = store.layout
    func w(_ name: String) -> UnsafeMutableBufferPointer<Float> { store.view(name)! }
    let n = tokens.count, dim = c.dim, hd = c.headDim
    func linear(_ x: [Double], _ name: String, out: Int) -> [Double] {
        let m = w(name), inp = x.count
        return (0..<out).map { o in (0..<inp).reduce(0.0) { $0 + Double(m[o * inp + $1]) * x[$1] } }
    }
    func rmsnorm(_ x: [Double], _ name: String) -> [Double] {
        let g = w(name)
        let ms = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let r = 1 / (ms + Double(c.normEps)).squareRoot()
        return x.indices.map { x[$0] * r * Double(g[$0]) }
    }
    func rope(_ v: inout [Double], heads: Int, pos: Int) {
        for h in 0..<heads {
            for i in 0..<hd / 2 {
                let angle = Double(pos) * pow(Double(c.ropeTheta), -Double(2 * i) / Double(hd))
                let a = v[h * hd + i], b = v[h * hd + i + hd / 2]
                v[h * hd + i] = a * cos(angle) - b * sin(angle)
                v[h * hd + i + hd / 2] = b * cos(angle) + a * sin(angle)
            }
        }
    }
    let embed = w("model.embed_tokens.weight")
    var x = tokens.map { t in (0..<dim).map { Double(embed[Int(t) * dim + $0]) } }
    for layer in 0..<c.layers {
        let p = "model.layers.\(layer)."
        var qs: [[Double]] = [], ks: [[Double]] = [], vs: [[Double]] = []
        for pos in 0..<n {
            let h = rmsnorm(x[pos], p + "input_layernorm.weight")
            var q = linear(h, p + "self_attn.q_proj.weight", out: c.heads * hd)
            var k = linear(h, p + "self_attn.k_proj.weight", out: c.kvDim)
            rope(&q, heads: c.heads, pos: pos)
            rope(&k, heads: c.kvHeads, pos: pos)
            qs.append(q); ks.append(k)
            vs.append(linear(h, p + "self_attn.v_proj.weight", out: c.kvDim))
        }
        for pos in 0..<n {
            var out = [Double](repeating: 0, count: dim)
            for head in 0..<c.heads {
                let kvh = head / (c.heads / c.kvHeads)
                var s = (0...pos).map { t in
                    (0..<hd).reduce(0.0) { $0 + qs[pos][head * hd + $1] * ks[t][kvh * hd + $1] } / Double(hd).squareRoot()
                }
                let m = s.max()!
                s = s.map { exp($0 - m) }
                let z = s.reduce(0, +)
                for t in 0...pos {
                    for i in 0..<hd { out[head * hd + i] += s[t] / z * vs[t][kvh * hd + i] }
                }
            }
            let o = linear(out, p + "self_attn.o_proj.weight", out: dim)
            for i in 0..<dim { x[pos][i] += o[i] }
            let h = rmsnorm(x[pos], p + "post_attention_layernorm.weight")
            let g = linear(h, p + "mlp.gate_proj.weight", out: c.hidden)
            let u = linear(h, p + "mlp.up_proj.weight", out: c.hidden)
            let a = (0..<c.hidden).map { g[$0] / (1 + exp(-g[$0])) * u[$0] }
            let d = linear(a, p + "mlp.down_proj.weight", out: dim)
            for i in 0..<dim { x[pos][i] += d[i] }
        }
    }
    let last = rmsnorm(x[n - 1], "model.norm.weight")
    _ = l
    return (0..<c.vocab).map { t in (0..<dim).reduce(0.0) { $0 + Double(embed[t * dim + $1]) * last[$1] } }
}

private func maxDifference(_ a: UnsafeBufferPointer<Float>, _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs(Double($1.0) - $1.1)) }
}

private func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

private let prompt: [Int32] = [1, 5, 90, 33, 7, 7, 64, 12, 0, 96, 41, 3, 58, 2, 19, 80, 44, 9, 71, 26]

@Suite("Inference forward pass")
struct InferenceForwardTests {
    @Test("KV-cached decoding matches a full recompute at every position",
          arguments: [(1, InferenceSession.KVCacheFormat.fp32), (2, .fp32), (2, .int16)])
    func cachedMatchesRecompute(threads: Int, kv: InferenceSession.KVCacheFormat) throws {
        let store = randomStore()
        let session = try InferenceSession(parameters: store, options: .init(maxStreams: 2, threads: threads, weights: .fp32, kvCache: kv))
        // The int16 cache keeps 15 bits per key and value; fp32 is exact up to float rounding.
        let tolerance = kv == .fp32 ? 1e-4 : 2e-3
        for pos in 0..<prompt.count {
            let logits = try session.step(tokens: [prompt[pos]], streams: [1])
            let reference = referenceLogits(store, tokens: Array(prompt[0...pos]))
            #expect(maxDifference(logits, reference) < tolerance, "position \(pos)")
        }
        #expect(session.position(of: 1) == prompt.count)
        #expect(session.position(of: 0) == 0)
    }

    @Test("prefill in chunks gives the logits of the full recompute, and decoding continues from it")
    func prefillMatchesRecompute() throws {
        let store = randomStore()
        let session = try InferenceSession(parameters: store, options: .init(maxStreams: 1, threads: 2, weights: .fp32, kvCache: .fp32, prefillChunk: 6))
        let head = Array(prompt[0..<15])
        let logits = try session.prefill(stream: 0, tokens: head)
        #expect(maxDifference(logits, referenceLogits(store, tokens: head)) < 1e-4)
        #expect(session.position(of: 0) == 15)
        let next = try session.step(tokens: [prompt[15]], streams: [0])
        #expect(maxDifference(next, referenceLogits(store, tokens: Array(prompt[0...15]))) < 1e-4)
    }

    /// 5 streams on 2 threads split every product by outputs; 9 streams give each thread
    /// whole rows (see `InferenceSession.forward`). Both must equal stepping alone.
    @Test("a batched step of several streams equals each stream stepped alone",
          arguments: [(InferenceSession.WeightFormat.fp32, 5), (.int8, 5), (.fp32, 9), (.int8, 9)])
    func batchedEqualsSingle(format: InferenceSession.WeightFormat, count: Int) throws {
        let store = randomStore()
        let options = InferenceSession.Options(maxStreams: count, threads: 2, weights: format)
        let alone = try InferenceSession(parameters: store, options: options)
        let together = try InferenceSession(parameters: store, options: options)
        // Streams start at different positions.
        let starts = (0..<count).map { [0, 3, 7, 1, 11][$0 % 5] + $0 / 5 }
        for s in 0..<count where starts[s] > 0 {
            try alone.prefill(stream: s, tokens: Array(prompt[0..<starts[s]]))
            try together.prefill(stream: s, tokens: Array(prompt[0..<starts[s]]))
        }
        let streams = (0..<count).map { ($0 * 2 + 4) % count }   // a permutation: any order
        for round in 0..<4 {
            let tokens = streams.map { prompt[(starts[$0] + round) % prompt.count] }
            let batch = Array(try together.step(tokens: tokens, streams: streams))
            for (i, s) in streams.enumerated() {
                let single = Array(try alone.step(tokens: [tokens[i]], streams: [s]))
                let row = Array(batch[(i * tiny.vocab)..<((i + 1) * tiny.vocab)])
                #expect(maxDifference(single, row) < 1e-4, "round \(round) stream \(s)")
            }
        }
        for s in 0..<count { #expect(together.position(of: s) == starts[s] + 4) }
    }

    @Test("one thread and two threads give the same logits")
    func threadCountDoesNotChangeResults() throws {
        let store = randomStore()
        for format in InferenceSession.WeightFormat.allCases {
            let one = try InferenceSession(parameters: store, options: .init(maxStreams: 3, threads: 1, weights: format))
            let two = try InferenceSession(parameters: store, options: .init(maxStreams: 3, threads: 2, weights: format))
            let a = Array(try one.prefill(stream: 0, tokens: prompt))
            let b = Array(try two.prefill(stream: 0, tokens: prompt))
            #expect(maxDifference(a, b) < 1e-4)
        }
    }

    @Test("int8 weights give logits close to fp32 and mostly the same greedy tokens")
    func int8CloseToFP32() throws {
        let config = LlamaConfig(dim: 64, hidden: 160, layers: 2, heads: 4, kvHeads: 4, vocab: 128, seqLen: 64)
        let store = InferenceBenchmark.randomParameters(config: config, seed: 5)
        let fp32 = try InferenceSession(parameters: store, options: .init(maxStreams: 1, weights: .fp32, kvCache: .fp32))
        let int8 = try InferenceSession(parameters: store, options: .init(maxStreams: 1, weights: .int8, kvCache: .fp32))
        let quality = try InferenceBenchmark.compare(reference: fp32, candidate: int8, tokens: 64)
        #expect(quality.maxLogitDifference < 0.02 * quality.logitRange)
        #expect(quality.greedyAgreement >= 0.95)
    }

    @Test("the session's logits equal the trainer's LlamaModel.logits at every position")
    func matchesTrainerForward() throws {
        let store = randomStore()
        let model = LlamaModel(params: store, threads: 1)
        let expected = model.logits(tokens: prompt)
        let session = try InferenceSession(parameters: store, options: .init(maxStreams: 1, threads: 2, weights: .fp32, kvCache: .fp32))
        let vocab = tiny.vocab
        for pos in 0..<prompt.count {
            let logits = Array(try session.step(tokens: [prompt[pos]], streams: [0]))
            #expect(maxDifference(logits, Array(expected[(pos * vocab)..<((pos + 1) * vocab)])) < 1e-4, "position \(pos)")
        }
    }

    @Test("refused calls name the problem and advance nothing")
    func errors() throws {
        let session = try InferenceSession(parameters: randomStore(), options: .init(maxStreams: 2, maxSeq: 4, weights: .fp32))
        #expect(throws: InferenceError.streamOutOfRange(stream: 2, maxStreams: 2)) { try session.step(tokens: [1], streams: [2]) }
        #expect(throws: InferenceError.duplicateStream(0)) { try session.step(tokens: [1, 2], streams: [0, 0]) }
        #expect(throws: InferenceError.tokenOutOfRange(token: 97, vocab: 97)) { try session.step(tokens: [1, 97], streams: [0, 1]) }
        #expect(throws: InferenceError.batchMismatch(tokens: 1, streams: 2, maxStreams: 2)) { try session.step(tokens: [1], streams: [0, 1]) }
        #expect(throws: InferenceError.emptyPrompt) { try session.prefill(stream: 0, tokens: []) }
        #expect(session.position(of: 0) == 0 && session.position(of: 1) == 0)
        try session.prefill(stream: 0, tokens: [1, 2, 3])
        #expect(throws: InferenceError.sequenceFull(stream: 0, maxSeq: 4)) { try session.prefill(stream: 0, tokens: [4, 5]) }
        _ = try session.step(tokens: [4], streams: [0])
        #expect(throws: InferenceError.sequenceFull(stream: 0, maxSeq: 4)) { try session.step(tokens: [5, 5], streams: [1, 0]) }
        #expect(session.position(of: 1) == 0)
        try session.reset(stream: 0)
        #expect(session.position(of: 0) == 0)
        #expect(InferenceError.sequenceFull(stream: 0, maxSeq: 4).code == "sequence_full")
    }

    @Test("a config that cannot run is refused at session start")
    func invalidConfig() {
        let bad = LlamaConfig(dim: 30, hidden: 8, layers: 1, heads: 4, kvHeads: 4, vocab: 10, seqLen: 8)
        #expect(throws: InferenceError.self) { try InferenceSession(parameters: ParameterStore(layout: ParameterLayout(config: bad))) }
    }
}

@Suite("int8 kernels")
struct Int8KernelTests {
    /// Covers the 4-row and 4-input unrolled paths, their tails, padding, and the >1024-wide
    /// path that sums in float per block.
    static let shapes = [(7, 5, 1), (9, 33, 1), (6, 40, 3), (5, 72, 6), (3, 1100, 5), (8, 1100, 1), (11, 48, 8), (5, 200, 13)]

    @Test("int8 matrix products match the dequantised matrix times the int16 activations",
          arguments: Int8Kernel.allCases.filter(\.isSupported), shapes)
    func matchesDequantised(kernel: Int8Kernel, shape: (Int, Int, Int)) {
        let (rows, cols, batch) = shape
        var rng = Xoshiro256StarStar(seed: UInt64(rows * 1000 + cols))
        let w = (0..<(rows * cols)).map { _ in Float(rng.nextUnitDouble() * 2 - 1) }
        let x = (0..<(batch * cols)).map { _ in Float(rng.nextUnitDouble() * 6 - 3) }
        let m = w.withUnsafeBufferPointer { Int8Matrix(quantizing: $0.baseAddress!, rows: rows, cols: cols) }
        let a = Int16Activations(capacity: batch, maxWidth: cols, kernel: kernel)
        #expect(a.kernel == kernel)
        x.withUnsafeBufferPointer { a.quantize($0.baseAddress!, rows: 0..<batch, width: cols, ldx: cols) }
        var y = [Float](repeating: 1, count: batch * rows)
        y.withUnsafeMutableBufferPointer { m.multiply(a, inputs: 0..<batch, rows: 0..<rows, into: $0.baseAddress!, ldy: rows, accumulate: true) }
        for b in 0..<batch {
            for r in 0..<rows {
                var expected: Double = 1
                var exact: Double = 1
                for c in 0..<cols {
                    expected += Double(m.value(row: r, col: c)) * Double(x[b * cols + c])
                    exact += Double(w[r * cols + c]) * Double(x[b * cols + c])
                }
                // Only activation rounding (2⁻¹⁵ relative) separates the kernel from the
                // dequantised product; weight rounding bounds the distance to the exact one.
                #expect(abs(Double(y[b * rows + r]) - expected) < 1e-3 * Double(cols).squareRoot())
                #expect(abs(Double(y[b * rows + r]) - exact) < 0.05 * Double(cols).squareRoot())
            }
        }
    }

    /// The vector kernels form the same integer sums per block as the portable one; only the
    /// order of the final two float multiplications may differ.
    @Test("every kernel this machine runs gives the portable kernel's products",
          arguments: Int8Kernel.allCases.filter { $0 != .portable && $0.isSupported })
    func kernelsAgree(kernel: Int8Kernel) {
        for (rows, cols, batch) in Self.shapes {
            var rng = Xoshiro256StarStar(seed: UInt64(rows * 7 + cols))
            let w = (0..<(rows * cols)).map { _ in Float(rng.nextUnitDouble() * 2 - 1) }
            let x = (0..<(batch * cols)).map { _ in Float(rng.nextUnitDouble() * 6 - 3) }
            let m = w.withUnsafeBufferPointer { Int8Matrix(quantizing: $0.baseAddress!, rows: rows, cols: cols) }
            var results: [[Float]] = []
            for k in [Int8Kernel.portable, kernel] {
                let a = Int16Activations(capacity: batch, maxWidth: cols, kernel: k)
                x.withUnsafeBufferPointer { a.quantize($0.baseAddress!, rows: 0..<batch, width: cols, ldx: cols) }
                var y = [Float](repeating: 0.5, count: batch * rows)
                // Output rows 1..<rows only: the kernels must leave row 0 alone.
                y.withUnsafeMutableBufferPointer {
                    m.multiply(a, inputs: 0..<batch, rows: 1..<rows, into: $0.baseAddress!, ldy: rows, accumulate: false)
                }
                results.append(y)
            }
            for i in 0..<results[0].count {
                let (p, v) = (results[0][i], results[1][i])
                #expect(abs(p - v) <= 1e-6 * max(1, abs(p)), "\(kernel) \(rows)×\(cols)×\(batch) at \(i): \(p) vs \(v)")
            }
            for b in 0..<batch { #expect(results[1][b * rows] == 0.5) }
        }
    }

    @Test("a row is quantised to ±127 with its largest magnitude exact")
    func quantisationRange() {
        let w: [Float] = [0.5, -2, 1, 0, 0, 0, 0, 0]
        let m = w.withUnsafeBufferPointer { Int8Matrix(quantizing: $0.baseAddress!, rows: 2, cols: 4) }
        #expect(m.value(row: 0, col: 1) == -2)
        #expect(m.quantized(row: 0, col: 1) == -127)
        #expect(m.scales[1] == 0 && m.value(row: 1, col: 3) == 0)
    }
}
