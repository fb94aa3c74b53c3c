import Foundation
import QuestModel
import QuestTruth
import Quests
import Testing
import World

let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let shared: (world: World, lexicon: QuestLexicon)? = {
    guard let world = try? World.loadDefault(root: repositoryRoot), let lexicon = try? QuestLexicon(world: world) else { return nil }
    return (world, lexicon)
}()

struct MissingWorld: Error {}

/// The checker over whole texts written by our own writers: the corpus the model learns
/// from, and the rule-based generator the server falls back to, must both be truthful.
@Suite struct WriterTruthTests {
    @Test("Every quest of the committed corpus says what its objectives say")
    func corpusIsTruthful() throws {
        guard let shared else { throw MissingWorld() }
        let checker = QuestTruthChecker(world: shared.world)
        let corpus = try QuestCorpus.load(directory: repositoryRoot.appendingPathComponent("quests"))
        var checked = 0
        var failures: [String] = []
        for sample in corpus.train + corpus.heldOut where !QuestCorpus.isNFTSample(sample) {
            let spec = try QuestCorpus.check(sample, lexicon: shared.lexicon)
            let report = checker.check(spec, scope: sample.hasPrefix("<quest> global") ? .global : .personal)
            checked += 1
            if !report.isTruthful { failures.append("\(report)\n\(sample)") }
        }
        #expect(checked == 6000)
        #expect(failures.isEmpty, "\(failures.count) untruthful, first: \(failures.first ?? "")")
    }

    @Test("The rule-based generator (the server's fallback) writes only truthful quests, at every difficulty and scope")
    func grammarGeneratorIsTruthful() throws {
        guard let shared else { throw MissingWorld() }
        let checker = QuestTruthChecker(world: shared.world)
        let generator = GrammarQuestGenerator()
        for i in 0..<500 {
            let scope: QuestScope = i % 2 == 0 ? .personal : .global
            let request = QuestRequestContext(world: shared.world, scope: scope, difficulty: i % 5 + 1, seed: UInt64(i),
                                              now: Date(timeIntervalSince1970: 1_738_000_000))
            let spec = try generator.generate(request)
            let report = checker.check(spec, scope: scope)
            #expect(report.isTruthful, "\(report): \(spec.description)")
        }
    }
}
