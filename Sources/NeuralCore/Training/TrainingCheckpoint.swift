import Foundation

/// Everything a training run needs to continue exactly where it stopped: weights, AdamW moments and
/// hyperparameters, the step counter, and the state of the run's ``TrainingRNG``.
///
/// Stored as one safetensors file (tensors `params`, `adam.m`, `adam.v`, each the flat buffer of
/// ``ParameterStore``; scalars in `__metadata__`), written atomically, so a crash mid-save leaves
/// the previous checkpoint intact.
///
/// ```swift
/// try TrainingCheckpoint(params: model.params, optimizer: adam, step: step, rng: rng).save(to: path)
/// let resumed = try TrainingCheckpoint.load(from: path)
/// let model = LlamaModel(params: resumed.params)
/// ```
public struct TrainingCheckpoint {
    public var params: ParameterStore
    public var optimizer: AdamW
    /// Training steps completed.
    public var step: Int
    public var rng: TrainingRNG
    /// The trainer's own values (data cursor, schedule, …), stored as text next to ours.
    public var extra: [String: String]

    public var config: LlamaConfig { params.layout.config }

    static let format = "purrquest-training-checkpoint-1"

    public init(params: ParameterStore, optimizer: AdamW, step: Int, rng: TrainingRNG, extra: [String: String] = [:]) {
        self.params = params
        self.optimizer = optimizer
        self.step = step
        self.rng = rng
        self.extra = extra
    }

    /// Writes the checkpoint to `path` (one file).
    /// - Throws: ``ModelFileError/writeFailed(file:reason:)``.
    public func save(to path: String) throws(ModelFileError) {
        let configJSON: String
        do { configJSON = String(decoding: try JSONEncoder().encode(config), as: UTF8.self) } catch {
            throw .writeFailed(file: path, reason: "cannot encode config")
        }
        var metadata: [String: String] = [
            "format": Self.format,
            "config": configJSON,
            "step": String(step),
            "rng": rng.state.map { String($0, radix: 16) }.joined(separator: ","),
            "adam.step": String(optimizer.step),
            // Float.description is the shortest text that reads back to the same bits.
            "adam.beta1": optimizer.beta1.description,
            "adam.beta2": optimizer.beta2.description,
            "adam.eps": optimizer.eps.description,
            "adam.weight_decay": optimizer.weightDecay.description,
        ]
        for (k, v) in extra { metadata["extra." + k] = v }
        let n = params.count
        try SafeTensors.write(path: path, tensors: [
            .init(name: "params", shape: [n], data: UnsafeBufferPointer(start: params.pointer, count: n)),
            .init(name: "adam.m", shape: [n], data: UnsafeBufferPointer(start: optimizer.m.pointer, count: n)),
            .init(name: "adam.v", shape: [n], data: UnsafeBufferPointer(start: optimizer.v.pointer, count: n)),
        ], metadata: metadata)
    }

    /// Reads a checkpoint written by ``save(to:)``.
    /// - Throws: ``ModelFileError`` naming the file and the field or tensor that is wrong.
    public static func load(from path: String) throws(ModelFileError) -> TrainingCheckpoint {
        let file = try SafeTensors.read(path: path)
        let meta = file.metadata
        func bad(_ field: String, _ detail: String) -> ModelFileError { .badConfig(file: path, field: field, detail: detail) }
        func text(_ key: String) throws(ModelFileError) -> String {
            guard let v = meta[key] else { throw bad(key, "missing from __metadata__") }
            return v
        }
        func float(_ key: String) throws(ModelFileError) -> Float {
            guard let v = Float(try text(key)), v.isFinite else { throw bad(key, "not a finite number") }
            return v
        }
        func count(_ key: String) throws(ModelFileError) -> Int {
            guard let v = Int(try text(key)), v >= 0 else { throw bad(key, "not a non-negative integer") }
            return v
        }
        guard try text("format") == format else { throw bad("format", "is not \(format)") }
        let config: LlamaConfig
        do { config = try JSONDecoder().decode(LlamaConfig.self, from: Data(try text("config").utf8)) } catch let e as ModelFileError {
            throw e
        } catch {
            throw bad("config", "not a LlamaConfig")
        }
        // The same limits as config.json, so a corrupt checkpoint cannot ask for a huge allocation.
        let hf = HFLlamaConfig(config)
        _ = try hf.llamaConfig(file: path)
        let words = try text("rng").split(separator: ",").map { UInt64($0, radix: 16) }
        guard words.allSatisfy({ $0 != nil }), let rng = TrainingRNG(state: words.compactMap { $0 }) else {
            throw bad("rng", "not four hexadecimal state words")
        }
        let layout = ParameterLayout(config: config)
        let n = layout.totalCount
        let names = ["params", "adam.m", "adam.v"]
        if let extraName = file.tensors.map(\.name).sorted().first(where: { !names.contains($0) }) {
            throw .extraTensor(file: path, name: extraName)
        }
        for name in names {
            guard let info = file.info(name) else { throw .missingTensor(file: path, name: name) }
            guard info.dtype == "F32" else { throw .dtypeMismatch(file: path, name: name, found: info.dtype, expected: "F32") }
            guard info.shape == [n] else { throw .shapeMismatch(file: path, name: name, found: info.shape, expected: [n]) }
        }
        let optimizer = AdamW(layout: layout, beta1: try float("adam.beta1"), beta2: try float("adam.beta2"),
                              eps: try float("adam.eps"), weightDecay: try float("adam.weight_decay"))
        optimizer.restore(step: try count("adam.step"))
        let params = ParameterStore(layout: layout)
        for (name, store) in zip(names, [params, optimizer.m, optimizer.v]) {
            if let info = file.info(name) { file.copyFloat32(info, into: store.pointer) }
        }
        var extra: [String: String] = [:]
        for (k, v) in meta where k.hasPrefix("extra.") { extra[String(k.dropFirst(6))] = v }
        return TrainingCheckpoint(params: params, optimizer: optimizer, step: try count("step"), rng: rng, extra: extra)
    }
}
