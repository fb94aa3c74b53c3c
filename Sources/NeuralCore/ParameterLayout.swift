/// Where each named tensor lives in the one flat parameter buffer.
///
/// Names and shapes are the Hugging Face Llama ones, so a model directory loads with standard
/// tools. Every matrix is row-major `[out, in]` and a linear layer computes `y = x · Wᵀ`
/// (PyTorch's convention). The output head is tied to `model.embed_tokens.weight`.
///
/// Order in the buffer: embeddings, then per layer (input_layernorm, q, k, v, o,
/// post_attention_layernorm, gate, up, down), then `model.norm.weight`.
public struct ParameterLayout: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    public let config: LlamaConfig
    public let entries: [Entry]
    public let totalCount: Int
    private let index: [String: Int]

    public init(config: LlamaConfig) {
        self.config = config
        var entries: [Entry] = []
        var offset = 0
        func add(_ name: String, _ shape: [Int]) {
            entries.append(Entry(name: name, shape: shape, offset: offset))
            offset += shape.reduce(1, *)
        }
        let c = config
        add("model.embed_tokens.weight", [c.vocab, c.dim])
        for l in 0..<c.layers {
            let p = "model.layers.\(l)."
            add(p + "input_layernorm.weight", [c.dim])
            add(p + "self_attn.q_proj.weight", [c.heads * c.headDim, c.dim])
            add(p + "self_attn.k_proj.weight", [c.kvDim, c.dim])
            add(p + "self_attn.v_proj.weight", [c.kvDim, c.dim])
            add(p + "self_attn.o_proj.weight", [c.dim, c.heads * c.headDim])
            add(p + "post_attention_layernorm.weight", [c.dim])
            add(p + "mlp.gate_proj.weight", [c.hidden, c.dim])
            add(p + "mlp.up_proj.weight", [c.hidden, c.dim])
            add(p + "mlp.down_proj.weight", [c.dim, c.hidden])
        }
        add("model.norm.weight", [c.dim])
        self.entries = entries
        self.totalCount = offset
        self.index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
    }

    public func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// Offsets of one decoder layer's tensors, for the hot loops.
    public struct LayerOffsets: Sendable, Hashable {
        public let inputNorm, q, k, v, o, postNorm, gate, up, down: Int
    }

    public func layer(_ l: Int) -> LayerOffsets {
        let p = "model.layers.\(l)."
        func o(_ n: String) -> Int { entry(p + n)?.offset ?? 0 }
        return LayerOffsets(
            inputNorm: o("input_layernorm.weight"), q: o("self_attn.q_proj.weight"), k: o("self_attn.k_proj.weight"),
            v: o("self_attn.v_proj.weight"), o: o("self_attn.o_proj.weight"), postNorm: o("post_attention_layernorm.weight"),
            gate: o("mlp.gate_proj.weight"), up: o("mlp.up_proj.weight"), down: o("mlp.down_proj.weight"))
    }

    public var embeddingOffset: Int { 0 }
    public var finalNormOffset: Int { entry("model.norm.weight")?.offset ?? 0 }
}
