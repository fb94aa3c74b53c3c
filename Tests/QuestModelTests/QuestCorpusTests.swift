import Foundation
import Testing
import Quests
import QuestModel
import World

@Suite struct QuestCorpusTests {
    static let directory = repositoryRoot.appendingPathComponent("quests")

    @Test func theCommittedCorpusHasSixThousandSamplesWithAFivePercentHeldOutSplit() throws {
        let corpus = try QuestCorpus.load(directory: Self.directory)
        #expect(corpus.train.count + corpus.heldOut.count == QuestCorpus.defaultCount)
        let share = Double(corpus.heldOut.count) / Double(QuestCorpus.defaultCount)
        #expect(share > 0.035 && share < 0.065)
        #expect(Set(corpus.train).isDisjoint(with: corpus.heldOut))
        #expect(Set(corpus.train).count == corpus.train.count)
    }

    @Test func everyCommittedSampleParsesAndPassesTheValidator() throws {
        let lexicon = try shippedLexicon()
        let corpus = try QuestCorpus.load(directory: Self.directory)
        for sample in corpus.train + corpus.heldOut {
            do {
                try QuestCorpus.check(sample, lexicon: lexicon)
            } catch {
                Issue.record("\(error)\n\(sample)")
            }
        }
    }

    @Test func theCommittedFilesAreWhatTheBuilderWrites() throws {
        let corpus = try QuestCorpus.load(directory: Self.directory)
        // Sample i depends only on the seed and the samples before it: a small build is a prefix.
        let small = try QuestCorpus.build(world: try shippedWorld(), count: 300)
        #expect(Array(corpus.train.prefix(small.train.count)) == small.train)
        #expect(Array(corpus.heldOut.prefix(small.heldOut.count)) == small.heldOut)
        let trainText = try String(contentsOf: Self.directory.appendingPathComponent(QuestCorpus.trainFile), encoding: .utf8)
        #expect(trainText == QuestCorpus.fileText(corpus.train))
    }

    @Test func theCorpusStaysUnderFiveMegabytes() throws {
        let corpus = try QuestCorpus.load(directory: Self.directory)
        let bytes = (corpus.train + corpus.heldOut).map { $0.utf8.count + 2 }.reduce(0, +)
        #expect(bytes < 5_000_000)
    }

    @Test func descriptionsAreVaried() throws {
        let world = try shippedWorld()
        let corpus = try QuestCorpus.load(directory: Self.directory)
        let lexicon = try shippedLexicon()
        let descriptions = try (corpus.train + corpus.heldOut).map { try QuestDocument.parse($0, lexicon: lexicon).body }
            .compactMap { QuestDocument.render($0, world: world) }
        let distinct2 = TextStatistics.distinct2(descriptions)
        print("corpus distinct-2 of descriptions: \(distinct2)")
        #expect(distinct2 > 0.07)
        #expect(Set(descriptions).count == descriptions.count)
    }

    @Test func aCorpusFileSplitsBackIntoItsSamples() throws {
        let samples = [sampleQuest, sampleQuest.replacingOccurrences(of: "comfort", with: "wealth")]
        #expect(try QuestCorpus.samples(inFile: QuestCorpus.fileText(samples)) == samples)
        #expect(throws: QuestCorpusError.self) { try QuestCorpus.samples(inFile: "hello\n" + sampleQuest) }
        #expect(throws: QuestCorpusError.self) { try QuestCorpus.samples(inFile: String(sampleQuest.dropLast(8))) }
    }

    /// Rebuilds the committed corpus (see quests/README.md):
    /// `PURR_WRITE_CORPUS=quests swift test --skip-build --filter QuestCorpusTests/rebuild`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PURR_WRITE_CORPUS"] != nil))
    func rebuild() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PURR_WRITE_CORPUS"] ?? "quests", relativeTo: repositoryRoot)
        let corpus = try QuestCorpus.build(world: try shippedWorld())
        try QuestCorpus.write(corpus, to: directory)
    }
}
