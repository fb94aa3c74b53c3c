import Foundation

/// The `config.json` of a Hugging Face `LlamaForCausalLM`, the fields this project writes and reads.
///
/// Written so that `transformers.AutoModelForCausalLM.from_pretrained(dir)` builds the same
/// network: SiLU, no biases, tied embeddings, no rope scaling. ``llamaConfig(file:)`` refuses
/// anything our kernels do not implement rather than loading it wrongly.
public struct HFLlamaConfig: Codable, Sendable, Hashable {
    public var architectures: [String]
    public var modelType: String
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Absent in old configs, where it defaults to `numAttentionHeads`.
    public var numKeyValueHeads: Int?
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var tieWordEmbeddings: Bool
    public var hiddenAct: String
    public var torchDtype: String?
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    public var headDim: Int?
    public var attentionBias: Bool?
    public var mlpBias: Bool?

    enum CodingKeys: String, CodingKey {
        case architectures
        case modelType = "model_type"
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case vocabSize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case rmsNormEps = "rms_norm_eps"
        case ropeTheta = "rope_theta"
        case tieWordEmbeddings = "tie_word_embeddings"
        case hiddenAct = "hidden_act"
        case torchDtype = "torch_dtype"
        case bosTokenId = "bos_token_id"
        case eosTokenId = "eos_token_id"
        case headDim = "head_dim"
        case attentionBias = "attention_bias"
        case mlpBias = "mlp_bias"
    }

    /// The Hugging Face description of `config`.
    public init(_ config: LlamaConfig, bosTokenId: Int? = nil, eosTokenId: Int? = nil) {
        architectures = ["LlamaForCausalLM"]
        modelType = "llama"
        hiddenSize = config.dim
        intermediateSize = config.hidden
        numHiddenLayers = config.layers
        numAttentionHeads = config.heads
        numKeyValueHeads = config.kvHeads
        vocabSize = config.vocab
        maxPositionEmbeddings = config.seqLen
        // Through the shortest decimal, so 1e-5 is written as 1e-05 rather than 9.99999974737875e-06.
        rmsNormEps = Double("\(config.normEps)") ?? Double(config.normEps)
        ropeTheta = Double("\(config.ropeTheta)") ?? Double(config.ropeTheta)
        tieWordEmbeddings = true
        hiddenAct = "silu"
        torchDtype = "float32"
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
        headDim = config.headDim
        attentionBias = false
        mlpBias = false
    }

    /// Largest accepted dimension: guards the allocation a corrupt config would otherwise ask for.
    static let maxDimension = 1 << 20
    static let maxLayers = 1024

    /// Our config, after checking that our kernels implement what this file describes.
    /// - Parameter file: named in the error.
    /// - Throws: ``ModelFileError/badConfig(file:field:detail:)`` naming the offending field.
    public func llamaConfig(file: String) throws(ModelFileError) -> LlamaConfig {
        func bad(_ field: String, _ detail: String) -> ModelFileError { .badConfig(file: file, field: field, detail: detail) }
        guard modelType == "llama" else { throw bad("model_type", "is \"\(modelType)\", expected \"llama\"") }
        guard hiddenAct == "silu" else { throw bad("hidden_act", "is \"\(hiddenAct)\", only \"silu\" is implemented") }
        guard tieWordEmbeddings else { throw bad("tie_word_embeddings", "is false; only a tied output head is implemented") }
        if attentionBias == true { throw bad("attention_bias", "is true; biases are not implemented") }
        if mlpBias == true { throw bad("mlp_bias", "is true; biases are not implemented") }
        let sizes: [(String, Int)] = [
            ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize), ("num_attention_heads", numAttentionHeads),
            ("num_key_value_heads", numKeyValueHeads ?? numAttentionHeads), ("vocab_size", vocabSize),
            ("max_position_embeddings", maxPositionEmbeddings),
        ]
        for (field, value) in sizes where value <= 0 || value > Self.maxDimension {
            throw bad(field, "is \(value), expected 1...\(Self.maxDimension)")
        }
        guard numHiddenLayers > 0 && numHiddenLayers <= Self.maxLayers else {
            throw bad("num_hidden_layers", "is \(numHiddenLayers), expected 1...\(Self.maxLayers)")
        }
        guard rmsNormEps > 0 && rmsNormEps.isFinite else { throw bad("rms_norm_eps", "must be a positive number") }
        guard ropeTheta > 0 && ropeTheta.isFinite else { throw bad("rope_theta", "must be a positive number") }
        let config = LlamaConfig(
            dim: hiddenSize, hidden: intermediateSize, layers: numHiddenLayers, heads: numAttentionHeads,
            kvHeads: numKeyValueHeads ?? numAttentionHeads, vocab: vocabSize, seqLen: maxPositionEmbeddings,
            ropeTheta: Float(ropeTheta), normEps: Float(rmsNormEps))
        if let headDim, numAttentionHeads > 0, headDim != hiddenSize / numAttentionHeads {
            throw bad("head_dim", "is \(headDim), but hidden_size / num_attention_heads is \(hiddenSize / numAttentionHeads)")
        }
        if let problem = config.problem { throw bad("num_attention_heads", problem) }
        return config
    }

    /// Reads and decodes `config.json`; unknown keys are ignored, `rope_scaling` must be absent or null.
    public static func read(path: String) throws(ModelFileError) -> HFLlamaConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw .badConfig(file: path, field: "(file)", detail: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else { throw .badConfig(file: path, field: "(file)", detail: "not a JSON object") }
        if let scaling = dictionary["rope_scaling"], !(scaling is NSNull) {
            throw .badConfig(file: path, field: "rope_scaling", detail: "rope scaling is not implemented; expected null")
        }
        do { return try JSONDecoder().decode(HFLlamaConfig.self, from: data) } catch let error as DecodingError {
            switch error {
            case let .keyNotFound(key, _): throw .badConfig(file: path, field: key.stringValue, detail: "missing")
            case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
                throw .badConfig(file: path, field: context.codingPath.map(\.stringValue).joined(separator: "."), detail: "wrong type or value")
            @unknown default: throw .badConfig(file: path, field: "(file)", detail: "cannot decode")
            }
        } catch {
            throw .badConfig(file: path, field: "(file)", detail: "cannot decode")
        }
    }

    /// Writes pretty-printed JSON with sorted keys (stable diffs of shipped models).
    public func write(path: String) throws(ModelFileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            var data = try encoder.encode(self)
            data.append(0x0A)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .writeFailed(file: path, reason: error.localizedDescription)
        }
    }
}
