import ArgumentParser
import Foundation
import ModelTraining
import QuestModel

/// `purr train`: trains the quest model on the corpus, with progress, evaluation, checkpoints and resume.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the quest model on the corpus (tokenizer, model, held-out evaluation, checkpoints).")

    @Option(help: "Training config (JSON; keys it omits keep their defaults, docs/model.md).")
    var config: String?

    @Option(help: "Corpus directory with train.txt and heldout.txt.")
    var corpus = "quests"

    @Option(help: "Output model directory (config.json, model.safetensors, tokenizer.json, checkpoint).")
    var out: String

    @Flag(help: "Continue from the checkpoint in --out exactly where it stopped.")
    var resume = false

    @Option(help: "Override the number of steps (e.g. to extend a finished run with --resume).")
    var steps: Int?

    func run() throws {
        var cfg = try config.map { try TrainingConfig.load(file: $0) } ?? TrainingConfig()
        if let steps { cfg.steps = steps }
        if let problem = cfg.problem { throw ValidationError("training config: \(problem)") }
        let trainer = QuestTrainer(config: cfg, corpus: URL(fileURLWithPath: corpus), output: URL(fileURLWithPath: out))
        let tty = isatty(STDERR_FILENO) == 1
        let bar = ProgressBar(tty: tty)
        let summary: TrainingSummary
        do {
            summary = try trainer.run(resume: resume) { p in bar.show(p) }
        } catch let e as TrainingError {
            FileHandle.standardError.write(Data("\npurr train: \(e.description)\n".utf8))
            throw ExitCode(2)
        }
        bar.finish()
        // The words the model learned to write, for the grammar that will hold it to them.
        let words = URL(fileURLWithPath: corpus).appendingPathComponent(QuestCorpus.wordsFile)
        let target = URL(fileURLWithPath: out).appendingPathComponent(QuestCorpus.wordsFile)
        if FileManager.default.fileExists(atPath: words.path) {
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: words, to: target)
        }
        print(String(format: "trained %d parameters for %d steps in %.0f s (%.0f tokens/s); loss %.4f, held-out loss %.4f",
                     summary.parameters, summary.steps, summary.seconds, summary.tokensPerSecond,
                     summary.finalLoss, summary.heldOutLoss))
        print("model: \(out) (checksum \(summary.checksum.prefix(16)))")
    }
}

/// Draws `step 120/3000 [====>     ] loss 2.31 held-out 2.40 | 3,120 tok/s | ETA 9m12s` on one
/// line of a terminal, or a plain line every 50 steps and at every evaluation otherwise.
final class ProgressBar {
    let tty: Bool
    var lastHeldOut: Float?
    init(tty: Bool) { self.tty = tty }

    func show(_ p: TrainingProgress) {
        if let h = p.heldOutLoss { lastHeldOut = h }
        let width = 24
        let filled = Int(Double(width) * Double(p.step) / Double(max(1, p.totalSteps)))
        let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "") + String(repeating: " ", count: max(0, width - filled - 1))
        var line = String(format: "step %d/%d [%@] loss %.4f", p.step, p.totalSteps, bar, p.loss)
        if let h = lastHeldOut { line += String(format: " held-out %.4f", h) }
        line += String(format: " | lr %.2e | %.0f tok/s | ETA %@", p.learningRate, p.tokensPerSecond, Self.duration(p.eta))
        if p.checkpointed { line += " | checkpoint" }
        if tty {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            if p.heldOutLoss != nil { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if p.step % 50 == 0 || p.heldOutLoss != nil || p.step == p.totalSteps {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    func finish() { if tty { FileHandle.standardError.write(Data("\n".utf8)) } }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds)
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
