import ArgumentParser
import Foundation
import NFTArt
import QuestModel
import World

/// `purr corpus`: rebuilds the quest corpus in quests/ from the world, deterministically.
struct Corpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the quest model's training corpus (train.txt, heldout.txt) from the world and the NFT parts catalogue.")

    @Option(help: "Directory holding maps/ and assets/.")
    var root = "."

    @Option(help: "Output directory.")
    var out = "quests"

    @Option(help: "Number of quest samples (an NFT lore sample follows every third).")
    var count = QuestCorpus.defaultCount

    @Option(help: "Seed.")
    var seed: UInt64 = QuestCorpus.defaultSeed

    @Option(help: "Share of samples held out for evaluation.")
    var heldOut = QuestCorpus.defaultHeldOutFraction

    @Flag(help: "Quests only, without the NFT lore samples.")
    var noNft = false

    func run() throws {
        let world: World
        do { world = try World.loadDefault(root: URL(fileURLWithPath: root)) } catch {
            throw ValidationError("world: \(error.description)")
        }
        var catalog: NFTPartsCatalog?
        if !noNft {
            do { catalog = try NFTPartsCatalog.loadDefault(root: URL(fileURLWithPath: root)) } catch {
                throw ValidationError("NFT parts: \(error.description)")
            }
        }
        let corpus = try QuestCorpus.build(world: world, count: count, seed: seed, heldOutFraction: heldOut, catalog: catalog)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try QuestCorpus.write(corpus, to: URL(fileURLWithPath: out))
        let nft = (corpus.train + corpus.heldOut).filter(QuestCorpus.isNFTSample).count
        print("wrote \(corpus.train.count) training and \(corpus.heldOut.count) held-out samples (\(nft) of them NFT lore) to \(out)")
    }
}
