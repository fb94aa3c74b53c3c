/// The weights an ``InferenceSession`` multiplies by, in the format it runs.
///
/// fp32 projections borrow the ``ParameterStore``'s buffer (no copy); int8 projections are a
/// snapshot quantised once at session start. Norm weights and the embedding table are always
/// read from the store.
final class InferenceWeights {
    /// One linear layer `y = x · Wᵀ`, `W` row-major `[rows, cols]`.
    struct Projection {
        let rows: Int
        let cols: Int
        let fp32: UnsafePointer<Float>
        let int8: Int8Matrix?
    }

    struct Layer {
        let inputNorm: UnsafePointer<Float>
        /// q, k and v stacked: `[dim + 2·kvDim, dim]`, one product per step instead of three.
        let qkv: Projection
        let o: Projection
        let postNorm: UnsafePointer<Float>
        let gate: Projection
        let up: Projection
        let down: Projection
    }

    let store: ParameterStore
    let layers: [Layer]
    let embedding: UnsafePointer<Float>
    let finalNorm: UnsafePointer<Float>
    /// The tied output head: `embed_tokens` `[vocab, dim]`, optionally quantised.
    let head: Projection

    init(store: ParameterStore, format: InferenceSession.WeightFormat, quantizeHead: Bool) throws(InferenceError) {
        self.store = store
        let layout = store.layout
        let c = layout.config
        let base = UnsafePointer(store.pointer)
        func projection(_ offset: Int, rows: Int, cols: Int, quantize: Bool) -> Projection {
            let w = base + offset
            return Projection(rows: rows, cols: cols, fp32: w,
                              int8: quantize ? Int8Matrix(quantizing: w, rows: rows, cols: cols) : nil)
        }
        let q8 = format == .int8
        var layers: [Layer] = []
        for l in 0..<c.layers {
            let o = layout.layer(l)
            // The fused q·k·v product relies on the layout's order q, k, v.
            guard o.k == o.q + c.dim * c.dim, o.v == o.k + c.kvDim * c.dim else {
                throw .invalidConfig("layer \(l): q, k and v projections are not adjacent in the parameter buffer")
            }
            layers.append(Layer(
                inputNorm: base + o.inputNorm,
                qkv: projection(o.q, rows: c.dim + 2 * c.kvDim, cols: c.dim, quantize: q8),
                o: projection(o.o, rows: c.dim, cols: c.dim, quantize: q8),
                postNorm: base + o.postNorm,
                gate: projection(o.gate, rows: c.hidden, cols: c.dim, quantize: q8),
                up: projection(o.up, rows: c.hidden, cols: c.dim, quantize: q8),
                down: projection(o.down, rows: c.dim, cols: c.hidden, quantize: q8)))
        }
        self.layers = layers
        embedding = base + layout.embeddingOffset
        finalNorm = base + layout.finalNormOffset
        head = projection(layout.embeddingOffset, rows: c.vocab, cols: c.dim, quantize: q8 && quantizeHead)
    }

    /// Bytes the projections stream per decoded token (what bounds single-stream speed).
    var projectionBytes: Int {
        func bytes(_ p: Projection) -> Int { p.int8?.byteCount ?? p.rows * p.cols * MemoryLayout<Float>.stride }
        return layers.reduce(bytes(head)) { $0 + bytes($1.qkv) + bytes($1.o) + bytes($1.gate) + bytes($1.up) + bytes($1.down) }
    }
}
