/// The shape of a Llama-style decoder: what every buffer size and loop bound derives from.
///
/// Field names follow this project; ``HFLlamaConfig`` maps them to the Hugging Face
/// `config.json` names (`hidden_size`, `intermediate_size`, …).
public struct LlamaConfig: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Model width (hidden_size).
    public var dim: Int
    /// SwiGLU inner width (intermediate_size).
    public var hidden: Int
    public var layers: Int
    /// Query heads.
    public var heads: Int
    /// Key/value heads (grouped-query attention when < heads; must divide heads).
    public var kvHeads: Int
    public var vocab: Int
    /// Longest sequence (max_position_embeddings).
    public var seqLen: Int
    public var ropeTheta: Float
    public var normEps: Float

    public init(dim: Int, hidden: Int, layers: Int, heads: Int, kvHeads: Int, vocab: Int, seqLen: Int,
                ropeTheta: Float = 10_000, normEps: Float = 1e-5) {
        self.dim = dim
        self.hidden = hidden
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.vocab = vocab
        self.seqLen = seqLen
        self.ropeTheta = ropeTheta
        self.normEps = normEps
    }

    /// The benchmark shape of the issue: 7.2 M parameters, tied embeddings.
    public static let r7 = LlamaConfig(dim: 288, hidden: 768, layers: 6, heads: 6, kvHeads: 6, vocab: 4096, seqLen: 256)

    public var headDim: Int { dim / heads }
    public var kvDim: Int { kvHeads * headDim }

    /// Why this shape cannot be built, or nil if it can.
    public var problem: String? {
        if dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seqLen <= 0 {
            return "every dimension must be positive"
        }
        if dim % heads != 0 { return "dim \(dim) is not a multiple of heads \(heads)" }
        if heads % kvHeads != 0 { return "heads \(heads) is not a multiple of kvHeads \(kvHeads)" }
        if headDim % 2 != 0 { return "head dimension \(headDim) must be even for rotary embeddings" }
        if !(ropeTheta > 0) || !(normEps > 0) { return "ropeTheta and normEps must be positive" }
        return nil
    }

    /// Every parameter, tied output head included once.
    public var parameterCount: Int { ParameterLayout(config: self).totalCount }

    public var description: String {
        "dim \(dim), hidden \(hidden), layers \(layers), heads \(heads)/\(kvHeads), vocab \(vocab), seq \(seqLen) (\(parameterCount) parameters)"
    }
}
