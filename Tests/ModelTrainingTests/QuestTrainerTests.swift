import Foundation
import NFTArt
import NeuralCore
import QuestModel
import Testing
import World
@testable import ModelTraining

@Suite(.serialized) struct QuestTrainerTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tinyCorpus() throws -> URL {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("purr-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let world = try World.loadDefault(root: root)
        // Quests and NFT lore mixed, like the committed corpus.
        let catalog = try NFTPartsCatalog.loadDefault(root: root)
        try QuestCorpus.write(try QuestCorpus.build(world: world, count: 120, seed: 7, heldOutFraction: 0.1, catalog: catalog), to: dir)
        return dir
    }

    static func tinyConfig(steps: Int) -> TrainingConfig {
        var c = TrainingConfig()
        c.model = .init(dim: 16, hidden: 32, layers: 1, heads: 2, kvHeads: 1, seqLen: 32)
        c.vocabSize = 320
        c.batch = 2
        c.seqLen = 32
        c.steps = steps
        c.warmupSteps = 2
        c.evalEvery = 4
        c.checkpointEvery = 4
        c.evalBatches = 2
        return c
    }

    static func tempDir() -> URL {
        URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("purr-train-\(UUID().uuidString)")
    }

    @Test("Training lowers the loss and writes a loadable Hugging Face model directory")
    func trainsAndSaves() throws {
        let corpus = try Self.tinyCorpus()
        let out = Self.tempDir()
        var losses: [Float] = []
        let summary = try QuestTrainer(config: Self.tinyConfig(steps: 12), corpus: corpus, output: out).run(resume: false) { losses.append($0.loss) }
        #expect(losses.count == 12)
        // 120 quests and the 40 NFT lore samples written after every third.
        #expect(summary.trainSamples + summary.heldOutSamples == 160)
        #expect(summary.finalLoss < losses[0])
        #expect(summary.heldOutLoss.isFinite)
        let (config, params) = try ModelFiles.load(from: out.path)
        #expect(config == summary.llama)
        #expect(params.checksum() == summary.checksum)
        for f in ["tokenizer.json", "log.jsonl", "training.json", QuestTrainer.checkpointFile] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "\(f) missing")
        }
    }

    @Test("A run stopped at a checkpoint and resumed ends with exactly the weights of an uninterrupted run")
    func exactResume() throws {
        let corpus = try Self.tinyCorpus()
        let straight = Self.tempDir()
        let a = try QuestTrainer(config: Self.tinyConfig(steps: 8), corpus: corpus, output: straight).run(resume: false) { _ in }
        let split = Self.tempDir()
        var half = Self.tinyConfig(steps: 8)
        // Same schedule (totalSteps 8), stopped after the checkpoint at step 4.
        half.steps = 8
        let firstHalf = QuestTrainer(config: half, corpus: corpus, output: split)
        struct Stop: Error {}
        #expect(throws: Stop.self) { _ = try firstHalf.run(resume: false) { p in if p.step == 4 { throw Stop() } } }
        let b = try QuestTrainer(config: half, corpus: corpus, output: split).run(resume: true) { p in #expect(p.step > 4) }
        #expect(a.checksum == b.checksum)
    }

    @Test("Resuming a finished run only evaluates it, on the held-out split of the corpus given")
    func resumeFinishedRunEvaluates() throws {
        let corpus = try Self.tinyCorpus()
        let out = Self.tempDir()
        let trained = try QuestTrainer(config: Self.tinyConfig(steps: 4), corpus: corpus, output: out).run(resume: false) { _ in }
        var steps = 0
        let again = try QuestTrainer(config: Self.tinyConfig(steps: 4), corpus: corpus, output: out).run(resume: true) { _ in steps += 1 }
        #expect(steps == 0)
        #expect(again.checksum == trained.checksum)
        #expect(abs(again.heldOutLoss - trained.heldOutLoss) < 1e-5)
        #expect(again.finalLoss.isNaN)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(QuestTrainer.summaryFile).path))
    }

    @Test("Resuming with another model shape is refused with a clear error")
    func resumeWithOtherConfig() throws {
        let corpus = try Self.tinyCorpus()
        let out = Self.tempDir()
        _ = try QuestTrainer(config: Self.tinyConfig(steps: 4), corpus: corpus, output: out).run(resume: false) { _ in }
        var other = Self.tinyConfig(steps: 8)
        other.model.dim = 32
        #expect(throws: TrainingError.self) { _ = try QuestTrainer(config: other, corpus: corpus, output: out).run(resume: true) { _ in } }
    }

    @Test("A missing corpus and a bad config are reported, not crashed on")
    func badInputs() throws {
        #expect(throws: TrainingError.self) {
            _ = try QuestTrainer(config: Self.tinyConfig(steps: 1), corpus: URL(fileURLWithPath: "/nonexistent"), output: Self.tempDir()).run(resume: false) { _ in }
        }
        let file = NSTemporaryDirectory() + "purr-train-config-\(UUID().uuidString).json"
        try #"{"model":{"dimm":3}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect { try TrainingConfig.load(file: file) } throws: { "\($0)".contains("model.dimm") }
        try #"{"seqLen":4096}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect { try TrainingConfig.load(file: file) } throws: { "\($0)".contains("seqLen") }
    }

    @Test("Token windows pair each input with the next token as target")
    func windows() {
        let w = TokenWindows(samples: [[1, 2, 3], [4, 5]], seqLen: 2)
        let (x, y) = w.sequentialBatch(1, index: 0)
        #expect(x == [1, 2])
        #expect(y == [2, 3])
    }
}
