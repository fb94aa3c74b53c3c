import ArgumentParser
import Foundation
import NeuralCore
import QuestModel
import Tokenizer

/// `purr logits`: the model's logits over held-out corpus samples, written for an outside check.
///
/// scripts/reference/check_transformers.py loads the same model directory with the Hugging Face
/// `transformers` and `tokenizers` packages and compares token ids and logits with these files
/// (docs/model.md, "Hugging Face cross-check").
struct Logits: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the model's logits over held-out samples (for the transformers cross-check).")

    @Option(help: "Model directory.")
    var model = QuestModelRuntime.defaultDirectory

    @Option(help: "Corpus directory; its held-out split is used.")
    var corpus = "quests"

    @Option(help: "How many held-out samples.")
    var samples = 16

    @Option(help: "Tokens per sample (the beginning-of-sequence token included).")
    var tokens = 256

    @Option(help: "Output directory (created).")
    var out: String

    func run() throws {
        guard samples > 0, tokens > 1 else { throw ValidationError("--samples must be positive and --tokens above 1") }
        let (config, params): (LlamaConfig, ParameterStore)
        do { (config, params) = try ModelFiles.load(from: model) } catch { throw ValidationError(error.description) }
        guard tokens <= config.seqLen else { throw ValidationError("--tokens must be at most the model's seqLen \(config.seqLen)") }
        let tokenizer: BPETokenizer
        do {
            tokenizer = try BPETokenizer(contentsOf: URL(fileURLWithPath: model).appendingPathComponent("tokenizer.json"))
        } catch { throw ValidationError("\(model)/tokenizer.json: \(error)") }
        guard let bos = tokenizer.id(of: BPETokenizer.bosToken) else { throw ValidationError("the tokenizer has no \(BPETokenizer.bosToken)") }
        let heldOut: [String]
        do { heldOut = try QuestCorpus.load(directory: URL(fileURLWithPath: corpus)).heldOut } catch {
            throw ValidationError(error.description)
        }
        let texts = Array(heldOut.prefix(samples))
        guard texts.count == samples else { throw ValidationError("the held-out split has only \(heldOut.count) samples") }

        // Truncate on token boundaries; the text written is the full sample, ids are its prefix.
        let ids = texts.map { Array(([bos] + tokenizer.encode($0)).prefix(tokens)) }
        let llama = LlamaModel(params: params)
        var full: [Float] = []
        var cached: [Float] = []
        let session: InferenceSession
        do {
            session = try InferenceSession(parameters: params, options: .init(maxStreams: 1, weights: .fp32, kvCache: .fp32))
        } catch { throw ValidationError("\(error)") }
        for seq in ids {
            full += llama.logits(tokens: seq)
            session.resetAll()
            for t in seq {
                do { cached += try session.step(tokens: [t], streams: [0]) } catch { throw ValidationError("\(error)") }
            }
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let manifest: [String: Any] = [
            "model": model, "config": "\(config)", "vocab": config.vocab,
            "texts": texts, "tokens": ids.map { $0.map(Int.init) },
            "files": ["logits.f32": "training forward pass, float32 little-endian, [sum of token counts, vocab]",
                      "logits-kvcache.f32": "inference session (fp32 weights, fp32 KV cache), one token at a time"],
        ]
        let json = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .prettyPrinted])
        try json.write(to: URL(fileURLWithPath: out).appendingPathComponent("tokens.json"))
        try Self.write(full, to: out + "/logits.f32")
        try Self.write(cached, to: out + "/logits-kvcache.f32")
        print("wrote \(ids.reduce(0) { $0 + $1.count }) positions × \(config.vocab) logits for \(samples) samples to \(out)")
    }

    static func write(_ values: [Float], to path: String) throws {
        let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
