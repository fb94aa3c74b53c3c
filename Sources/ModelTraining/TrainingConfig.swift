import Foundation
import NeuralCore

/// Everything `purr train` needs besides the corpus: the model's shape, the tokenizer's size,
/// the optimisation schedule and how often to evaluate and checkpoint.
///
/// A config file may name only what it changes (``TrainingConfig/load(file:)``); every key
/// is listed in docs/model.md.
public struct TrainingConfig: Codable, Sendable, Equatable {
    public struct Model: Codable, Sendable, Equatable {
        public var dim = 128
        public var hidden = 352
        public var layers = 4
        public var heads = 4
        public var kvHeads = 4
        public var seqLen = 256
        public var ropeTheta: Float = 10_000
        public var normEps: Float = 1e-5
    }

    public var model = Model()
    /// Tokenizer vocabulary (256 bytes + special tokens + merges).
    public var vocabSize = 2_048
    /// Sequences per step.
    public var batch = 8
    /// Tokens per sequence (≤ model.seqLen).
    public var seqLen = 256
    public var steps = 3_000
    public var peakLearningRate: Float = 3e-3
    public var floorLearningRate: Float = 3e-4
    public var warmupSteps = 100
    public var weightDecay: Float = 0.1
    public var beta1: Float = 0.9
    public var beta2: Float = 0.95
    public var clipNorm: Float = 1.0
    /// Held-out evaluation every this many steps (and at the end).
    public var evalEvery = 250
    /// Held-out batches per evaluation (capped by the held-out split's size).
    public var evalBatches = 8
    /// Checkpoint every this many steps (and at the end).
    public var checkpointEvery = 500
    public var seed: UInt64 = 1
    public var threads = 2

    public init() {}

    public func llamaConfig(vocab: Int) -> LlamaConfig {
        LlamaConfig(dim: model.dim, hidden: model.hidden, layers: model.layers, heads: model.heads, kvHeads: model.kvHeads,
                    vocab: vocab, seqLen: model.seqLen, ropeTheta: model.ropeTheta, normEps: model.normEps)
    }

    /// Why this config cannot train, or nil.
    public var problem: String? {
        if batch <= 0 || seqLen <= 1 || steps <= 0 { return "batch, seqLen (> 1) and steps must be positive" }
        if seqLen > model.seqLen { return "seqLen \(seqLen) exceeds model.seqLen \(model.seqLen)" }
        if vocabSize < 300 { return "vocabSize must be at least 300 (256 bytes and the special tokens)" }
        if evalEvery <= 0 || checkpointEvery <= 0 || warmupSteps < 0 { return "evalEvery and checkpointEvery must be positive" }
        if !(peakLearningRate > 0) || floorLearningRate < 0 || floorLearningRate > peakLearningRate { return "learning rates must satisfy 0 ≤ floor ≤ peak, peak > 0" }
        if threads <= 0 { return "threads must be positive" }
        return llamaConfig(vocab: vocabSize).problem
    }

    /// Reads a JSON file over the defaults; unknown keys are refused by name.
    public static func load(file: String) throws -> TrainingConfig {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw TrainingError.badConfig(file: file, reason: "cannot read: \(error.localizedDescription)")
        }
        guard let overlay = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TrainingError.badConfig(file: file, reason: "not a JSON object")
        }
        let base = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrainingConfig())) as? [String: Any] ?? [:]
        let merged = try merge(base, overlay, path: "", file: file)
        do {
            let config = try JSONDecoder().decode(TrainingConfig.self, from: JSONSerialization.data(withJSONObject: merged))
            if let problem = config.problem { throw TrainingError.badConfig(file: file, reason: problem) }
            return config
        } catch let e as TrainingError {
            throw e
        } catch {
            throw TrainingError.badConfig(file: file, reason: "\(error)")
        }
    }

    static func merge(_ base: [String: Any], _ over: [String: Any], path: String, file: String) throws -> [String: Any] {
        var out = base
        for (key, value) in over {
            let sub = path.isEmpty ? key : "\(path).\(key)"
            guard let existing = base[key] else { throw TrainingError.badConfig(file: file, reason: "\(sub): unknown key") }
            if let b = existing as? [String: Any] {
                guard let o = value as? [String: Any] else { throw TrainingError.badConfig(file: file, reason: "\(sub): expected an object") }
                out[key] = try merge(b, o, path: sub, file: file)
            } else {
                out[key] = value
            }
        }
        return out
    }
}

/// Why training could not start or go on.
public enum TrainingError: Error, CustomStringConvertible, Sendable {
    case badConfig(file: String, reason: String)
    case corpus(String)
    case checkpoint(String)
    case output(String)

    public var description: String {
        switch self {
        case .badConfig(let f, let r): return "training config \(f): \(r)"
        case .corpus(let r): return "corpus: \(r)"
        case .checkpoint(let r): return "checkpoint: \(r)"
        case .output(let r): return "output: \(r)"
        }
    }
}
