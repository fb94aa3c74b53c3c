import Foundation
import NFTArt
import Quests
import QuestModel
import World

let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fixed "now" a few weeks after the map's epoch, so results never depend on the wall clock.
let testNow = Date(timeIntervalSince1970: 1_738_000_000)

/// The shipped world and its lexicon, loaded once for the whole test run.
let shared: (world: World, lexicon: QuestLexicon)? = {
    guard let world = try? World.loadDefault(root: repositoryRoot), let lexicon = try? QuestLexicon(world: world) else {
        return nil
    }
    return (world, lexicon)
}()

struct MissingWorld: Error {}

/// The shipped lexicon holding prose to the corpus's words (`quests/words.txt`), loaded once.
let sharedWithWords: QuestLexicon? = {
    guard let world = shared?.world,
          let words = try? ProseWords.read(repositoryRoot.appendingPathComponent("quests").appendingPathComponent(QuestCorpus.wordsFile))
    else { return nil }
    return try? QuestLexicon(world: world, proseWords: words.all, personalProseWords: words.personal)
}()

func shippedLexicon(words: Bool) throws -> QuestLexicon {
    guard words else { return try shippedLexicon() }
    guard let sharedWithWords else { throw MissingWorld() }
    return sharedWithWords
}

func shippedWorld() throws -> World {
    guard let shared else { throw MissingWorld() }
    return shared.world
}

func shippedLexicon() throws -> QuestLexicon {
    guard let shared else { throw MissingWorld() }
    return shared.lexicon
}

/// The shipped NFT parts catalogue, loaded once.
let sharedCatalog: NFTPartsCatalog? = try? NFTPartsCatalog.loadDefault(root: repositoryRoot)

func shippedCatalog() throws -> NFTPartsCatalog {
    guard let sharedCatalog else { throw MissingWorld() }
    return sharedCatalog
}

/// A hand-written NFT lore sample near The Purring Mill.
let sampleNFTLore = """
<nft> catnip-meadows purring-mill ginger tabby lantern loaf
cat Saffron
name {cat} the Lamplighter of {purring-mill}
lore {cat} is a {ginger} cat with {tabby} who {loaf} by {purring-mill}. {lantern} lights the way home.
</nft>
"""

/// A hand-written quest in Catnip Meadows at difficulty 2.
let sampleQuest = """
<quest> personal catnip-meadows d2 comfort
reach purring-mill
when hours 18-22
collect catnip-sprig 2 from kittenford saucer-well nipfield-market
title The Bell of {purring-mill}
text The miller's cat lost a bell near {@1}. Gather {@2} by {kittenford} or {saucer-well} to calm her nerves.
</quest>
"""
