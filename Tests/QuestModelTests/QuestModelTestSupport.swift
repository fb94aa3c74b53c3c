import Foundation
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

func shippedWorld() throws -> World {
    guard let shared else { throw MissingWorld() }
    return shared.world
}

func shippedLexicon() throws -> QuestLexicon {
    guard let shared else { throw MissingWorld() }
    return shared.lexicon
}

/// A hand-written quest in Catnip Meadows at difficulty 2.
let sampleQuest = """
<quest> personal catnip-meadows d2 comfort
reach purring-mill
when hours 18-22
collect catnip-sprig 2 from kittenford saucer-well nipfield-market
title The Bell of {purring-mill}
text The miller's cat lost a bell near {purring-mill} at dusk. Gather 2 {catnip-sprig} by {kittenford} or {saucer-well} to calm her nerves.
</quest>
"""
