import ArgumentParser
import Foundation
import QuestModel
import World

/// `purr corpus`: rebuilds the quest corpus in quests/ from the world, deterministically.
struct Corpus: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build the quest model's training corpus (train.txt, heldout.txt) from the world.")

    @Option(help: "Directory holding maps/ and assets/.")
    var root = "."

    @Option(help: "Output directory.")
    var out = "quests"

    @Option(help: "Number of samples.")
    var count = QuestCorpus.defaultCount

    @Option(help: "Seed.")
    var seed: UInt64 = QuestCorpus.defaultSeed

    @Option(help: "Share of samples held out for evaluation.")
    var heldOut = QuestCorpus.defaultHeldOutFraction

    func run() throws {
        let world: World
        do { world = try World.loadDefault(root: URL(fileURLWithPath: root)) } catch {
            throw ValidationError("world: \(error.description)")
        }
        let corpus = try QuestCorpus.build(world: world, count: count, seed: seed, heldOutFraction: heldOut)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try QuestCorpus.write(corpus, to: URL(fileURLWithPath: out))
        print("wrote \(corpus.train.count) training and \(corpus.heldOut.count) held-out samples to \(out)")
    }
}
