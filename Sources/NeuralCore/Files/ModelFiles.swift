import Foundation

/// A model directory in the Hugging Face layout: `config.json` (``HFLlamaConfig``) and
/// `model.safetensors` with the Llama tensor names of ``ParameterLayout``, so that
/// `transformers.LlamaForCausalLM.from_pretrained(dir)` loads it and computes the same logits.
///
/// ```swift
/// try ModelFiles.save(params: model.params, config: model.config, to: "assets/models/quest")
/// let (config, params) = try ModelFiles.load(from: "assets/models/quest")
/// ```
public enum ModelFiles {
    public static let configFileName = "config.json"
    public static let weightsFileName = "model.safetensors"

    /// Writes `config.json` and `model.safetensors` into `directory` (created if needed).
    /// - Precondition: `params` has the layout of `config`.
    /// - Throws: ``ModelFileError/writeFailed(file:reason:)``.
    public static func save(
        params: ParameterStore, config: LlamaConfig, to directory: String, bosTokenId: Int? = nil, eosTokenId: Int? = nil
    ) throws(ModelFileError) {
        precondition(params.layout.config == config, "parameters of another config")
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .writeFailed(file: directory, reason: error.localizedDescription)
        }
        try HFLlamaConfig(config, bosTokenId: bosTokenId, eosTokenId: eosTokenId).write(path: path(directory, configFileName))
        let tensors = params.layout.entries.map { e in
            SafeTensors.Float32Tensor(name: e.name, shape: e.shape, data: UnsafeBufferPointer(start: params.pointer + e.offset, count: e.count))
        }
        try SafeTensors.write(path: path(directory, weightsFileName), tensors: tensors, metadata: ["format": "pt"])
    }

    /// Reads a model directory, checking every tensor's name, shape and dtype against the layout
    /// that `config.json` implies.
    /// - Throws: ``ModelFileError`` naming the file and the first problem found.
    public static func load(from directory: String) throws(ModelFileError) -> (LlamaConfig, ParameterStore) {
        let configPath = path(directory, configFileName)
        let config = try HFLlamaConfig.read(path: configPath).llamaConfig(file: configPath)
        let file = try SafeTensors.read(path: path(directory, weightsFileName))
        let params = try loadParameters(from: file, layout: ParameterLayout(config: config))
        return (config, params)
    }

    /// Fills a new store from `file`, which must hold exactly the layout's tensors as F32.
    static func loadParameters(from file: SafeTensors, layout: ParameterLayout) throws(ModelFileError) -> ParameterStore {
        let expected = Set(layout.entries.map(\.name))
        if let extra = file.tensors.map(\.name).sorted().first(where: { !expected.contains($0) }) {
            throw .extraTensor(file: file.path, name: extra)
        }
        for e in layout.entries {
            guard let info = file.info(e.name) else { throw .missingTensor(file: file.path, name: e.name) }
            guard info.dtype == "F32" else { throw .dtypeMismatch(file: file.path, name: e.name, found: info.dtype, expected: "F32") }
            guard info.shape == e.shape else { throw .shapeMismatch(file: file.path, name: e.name, found: info.shape, expected: e.shape) }
        }
        // Allocated only now: the file has proved it holds this many floats.
        let params = ParameterStore(layout: layout)
        for e in layout.entries {
            if let info = file.info(e.name) { file.copyFloat32(info, into: params.pointer + e.offset) }
        }
        return params
    }

    static func path(_ directory: String, _ name: String) -> String {
        URL(fileURLWithPath: directory).appendingPathComponent(name).path
    }
}
