import Foundation
import NeuralCore
import QuestModel
import Tokenizer

/// One line of training progress, handed to the caller after every step.
public struct TrainingProgress: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var loss: Float
    /// Set on steps that ran a held-out evaluation.
    public var heldOutLoss: Float?
    public var learningRate: Float
    public var gradientNorm: Float
    /// Tokens per second over the last step.
    public var tokensPerSecond: Double
    /// Seconds since this run (not the whole training) started.
    public var elapsed: Double
    /// Estimated seconds to the last step at the recent speed.
    public var eta: Double
    public var checkpointed: Bool
}

/// What a finished training run reports (also written to `training.json` in the output).
public struct TrainingSummary: Codable, Sendable {
    public var config: TrainingConfig
    public var llama: LlamaConfig
    public var parameters: Int
    public var trainSamples: Int
    public var heldOutSamples: Int
    public var trainTokens: Int
    public var heldOutTokens: Int
    public var steps: Int
    public var finalLoss: Float
    public var heldOutLoss: Float
    /// Wall seconds of this run (a resumed run counts from its resume).
    public var seconds: Double
    public var tokensPerSecond: Double
    public var checksum: String
}

/// Trains the quest model on the corpus: tokenizer, model, AdamW with warm-up and cosine decay,
/// held-out evaluation, checkpoints, and exact resume.
///
/// The output directory is a Hugging Face model directory (`config.json`,
/// `model.safetensors`, `tokenizer.json`) plus `checkpoint.safetensors` (weights, optimizer
/// moments, step and data-order RNG), `training-config.json` and `log.jsonl`.
///
/// ```swift
/// let trainer = QuestTrainer(config: config, corpus: URL(fileURLWithPath: "quests"), output: URL(fileURLWithPath: "out"))
/// let summary = try trainer.run(resume: false) { p in print(p.step, p.loss) }
/// ```
public final class QuestTrainer {
    public let config: TrainingConfig
    public let corpus: URL
    public let output: URL

    public static let checkpointFile = "checkpoint.safetensors"
    public static let tokenizerFile = "tokenizer.json"
    public static let configFile = "training-config.json"
    public static let logFile = "log.jsonl"
    public static let summaryFile = "training.json"

    public init(config: TrainingConfig, corpus: URL, output: URL) {
        self.config = config
        self.corpus = corpus
        self.output = output
    }

    func path(_ name: String) -> String { output.appendingPathComponent(name).path }

    /// Tokenizes every sample as `<|bos|> sample <|eos|>`.
    public static func encode(_ samples: [String], _ tokenizer: BPETokenizer) -> [[Int32]] {
        let bos = tokenizer.id(of: BPETokenizer.bosToken) ?? 0
        let eos = tokenizer.id(of: BPETokenizer.eosToken) ?? 0
        return samples.map { [bos] + tokenizer.encode($0) + [eos] }
    }

    /// Runs to `config.steps`; with `resume`, continues from the checkpoint in the output
    /// directory exactly where it stopped (same batches, same optimizer state).
    /// - Throws: ``TrainingError`` for a missing corpus, a checkpoint of another config, or files that cannot be written.
    public func run(resume: Bool, progress: (TrainingProgress) throws -> Void) throws -> TrainingSummary {
        if let problem = config.problem { throw TrainingError.badConfig(file: "(config)", reason: problem) }
        let (trainText, heldOutText): ([String], [String])
        do { (trainText, heldOutText) = try QuestCorpus.load(directory: corpus) } catch {
            throw TrainingError.corpus(error.description)
        }
        guard !trainText.isEmpty, !heldOutText.isEmpty else { throw TrainingError.corpus("the train and held-out splits must not be empty") }
        do { try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true) } catch {
            throw TrainingError.output("cannot create \(output.path): \(error.localizedDescription)")
        }
        let fm = FileManager.default
        let tokenizer: BPETokenizer
        let model: LlamaModel
        let optimizer: AdamW
        var rng: TrainingRNG
        var step: Int
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // A resumed run with no steps left only evaluates: it has no training loss to report.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

        if resume {
            guard fm.fileExists(atPath: path(Self.checkpointFile)) else {
                throw TrainingError.checkpoint("no \(Self.checkpointFile) in \(output.path) to resume from")
            }
            if let data = fm.contents(atPath: path(Self.configFile)),
               let saved = try? JSONDecoder().decode(TrainingConfig.self, from: data) {
                var a = saved, b = config
                a.steps = 0; b.steps = 0; a.evalEvery = 0; b.evalEvery = 0; a.checkpointEvery = 0; b.checkpointEvery = 0
                guard a == b else {
                    throw TrainingError.checkpoint("the checkpoint was made with another training config (\(path(Self.configFile))); only steps, evalEvery and checkpointEvery may change on resume")
                }
            }
            do { tokenizer = try BPETokenizer(contentsOf: URL(fileURLWithPath: path(Self.tokenizerFile))) } catch {
                throw TrainingError.checkpoint("cannot read \(Self.tokenizerFile): \(error)")
            }
            let checkpoint: TrainingCheckpoint
            do { checkpoint = try TrainingCheckpoint.load(from: path(Self.checkpointFile)) } catch {
                throw TrainingError.checkpoint("\(error)")
            }
            guard checkpoint.config == config.llamaConfig(vocab: tokenizer.vocabSize) else {
                throw TrainingError.checkpoint("the checkpoint's model shape differs from the config's")
            }
            model = LlamaModel(params: checkpoint.params, threads: config.threads)
            optimizer = checkpoint.optimizer
            rng = checkpoint.rng
            step = checkpoint.step
        } else {
            do {
                tokenizer = try BPETrainer(vocabSize: config.vocabSize).train(texts: trainText)
                try tokenizer.write(to: URL(fileURLWithPath: path(Self.tokenizerFile)))
            } catch {
                throw TrainingError.output("tokenizer: \(error)")
            }
            model = LlamaModel(config: config.llamaConfig(vocab: tokenizer.vocabSize), seed: config.seed, threads: config.threads)
            optimizer = AdamW(layout: model.layout, beta1: config.beta1, beta2: config.beta2, weightDecay: config.weightDecay)
            rng = TrainingRNG(seed: config.seed ^ 0x5EED_DA7A)
            step = 0
            try? fm.removeItem(atPath: path(Self.logFile))
        }
        do { try encoder.encode(config).write(to: URL(fileURLWithPath: path(Self.configFile))) } catch {
            throw TrainingError.output("cannot write \(Self.configFile): \(error.localizedDescription)")
        }
        optimizer.threads = config.threads

        let train = TokenWindows(samples: Self.encode(trainText, tokenizer), seqLen: config.seqLen)
        let heldOut = TokenWindows(samples: Self.encode(heldOutText, tokenizer), seqLen: config.seqLen)
        let evalBatches = max(1, min(config.evalBatches, heldOut.sequentialBatchCount(config.batch)))
        let schedule = LearningRateSchedule(peak: config.peakLearningRate, floor: config.floorLearningRate,
                                            warmupSteps: config.warmupSteps, totalSteps: config.steps)
        model.reserve(batch: config.batch, seqLen: config.seqLen)

        func evaluate() -> Float {
            var total: Float = 0
            for i in 0..<evalBatches {
                let (x, y) = heldOut.sequentialBatch(config.batch, index: i)
                total += model.loss(inputs: x, targets: y, batch: config.batch, seqLen: config.seqLen)
            }
            return total / Float(evalBatches)
        }

        func save(step: Int, heldOutLoss: Float?) throws {
            var extra = ["step": String(step)]
            if let heldOutLoss { extra["heldOutLoss"] = String(heldOutLoss) }
            do {
                // Write to a temporary name and rename, so a crash mid-write never leaves a torn checkpoint.
                let tmp = path(Self.checkpointFile + ".tmp")
                try TrainingCheckpoint(params: model.params, optimizer: optimizer, step: step, rng: rng, extra: extra).save(to: tmp)
                if fm.fileExists(atPath: path(Self.checkpointFile)) { try fm.removeItem(atPath: path(Self.checkpointFile)) }
                try fm.moveItem(atPath: tmp, toPath: path(Self.checkpointFile))
                try ModelFiles.save(params: model.params, config: model.config, to: output.path,
                                    bosTokenId: tokenizer.id(of: BPETokenizer.bosToken).map(Int.init),
                                    eosTokenId: tokenizer.id(of: BPETokenizer.eosToken).map(Int.init))
            } catch {
                throw TrainingError.output("checkpoint at step \(step): \(error)")
            }
        }

        func log(_ fields: [String: Any]) {
            guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
            if let handle = FileHandle(forWritingAtPath: path(Self.logFile)) {
                handle.seekToEndOfFile()
                handle.write(data + Data("\n".utf8))
                try? handle.close()
            } else {
                fm.createFile(atPath: path(Self.logFile), contents: data + Data("\n".utf8))
            }
        }

        let runStart = Date()
        let startStep = step
        var lastLoss: Float = .nan
        var lastHeldOut: Float = .nan
        var recentRate = 0.0
        let tokensPerStep = config.batch * config.seqLen
        while step < config.steps {
            let t0 = Date()
            let (x, y) = train.randomBatch(config.batch, rng: &rng)
            model.grads.zero()
            let loss = model.forwardBackward(inputs: x, targets: y, batch: config.batch, seqLen: config.seqLen)
            let norm = clipGradNorm(model.grads, maxNorm: config.clipNorm, threads: config.threads)
            let lr = schedule.rate(at: step)
            optimizer.update(params: model.params, grads: model.grads, lr: lr)
            step += 1
            lastLoss = loss
            let dt = Date().timeIntervalSince(t0)
            let rate = Double(tokensPerStep) / max(dt, 1e-9)
            recentRate = recentRate == 0 ? rate : 0.9 * recentRate + 0.1 * rate
            var heldOutLoss: Float?
            if step % config.evalEvery == 0 || step == config.steps {
                heldOutLoss = evaluate()
                lastHeldOut = heldOutLoss ?? .nan
            }
            let checkpointed = step % config.checkpointEvery == 0 || step == config.steps
            if checkpointed { try save(step: step, heldOutLoss: heldOutLoss) }
            if heldOutLoss != nil || checkpointed || step % 10 == 0 {
                var fields: [String: Any] = ["step": step, "loss": Double(loss), "lr": Double(lr), "gradNorm": Double(norm),
                                             "tokensPerSecond": rate.rounded(), "elapsed": Date().timeIntervalSince(runStart)]
                if let heldOutLoss { fields["heldOutLoss"] = Double(heldOutLoss) }
                log(fields)
            }
            let elapsed = Date().timeIntervalSince(runStart)
            try progress(TrainingProgress(step: step, totalSteps: config.steps, loss: loss, heldOutLoss: heldOutLoss, learningRate: lr,
                                      gradientNorm: norm, tokensPerSecond: rate, elapsed: elapsed,
                                      eta: Double(config.steps - step) * Double(tokensPerStep) / max(recentRate, 1e-9),
                                      checkpointed: checkpointed))
        }
        if lastHeldOut.isNaN { lastHeldOut = evaluate() }
        let seconds = Date().timeIntervalSince(runStart)
        let summary = TrainingSummary(
            config: config, llama: model.config, parameters: model.config.parameterCount,
            trainSamples: trainText.count, heldOutSamples: heldOutText.count,
            trainTokens: train.tokens.count, heldOutTokens: heldOut.tokens.count,
            steps: step, finalLoss: lastLoss, heldOutLoss: lastHeldOut, seconds: seconds,
            tokensPerSecond: Double((step - startStep) * tokensPerStep) / max(seconds, 1e-9),
            checksum: model.params.checksum())
        do { try encoder.encode(summary).write(to: URL(fileURLWithPath: path(Self.summaryFile))) } catch {
            throw TrainingError.output("cannot write \(Self.summaryFile): \(error.localizedDescription)")
        }
        return summary
    }
}
