import Foundation
import NFTArt
import Testing
import Quests
import QuestModel
import Tokenizer
import World

@Suite struct QuestCorpusTests {
    static let directory = repositoryRoot.appendingPathComponent("quests")

    @Test func theCommittedCorpusHasSixThousandQuestsAndTwoThousandNFTSamplesWithAFivePercentHeldOutSplit() throws {
        let corpus = try QuestCorpus.load(directory: Self.directory)
        let all = corpus.train + corpus.heldOut
        #expect(all.filter { !QuestCorpus.isNFTSample($0) }.count == QuestCorpus.defaultCount)
        #expect(all.filter(QuestCorpus.isNFTSample).count == QuestCorpus.defaultCount / QuestCorpus.nftInterval)
        for isNFT in [false, true] {
            let heldOut = Double(corpus.heldOut.filter { QuestCorpus.isNFTSample($0) == isNFT }.count)
            let share = heldOut / Double(all.filter { QuestCorpus.isNFTSample($0) == isNFT }.count)
            #expect(share > 0.035 && share < 0.065)
        }
        #expect(Set(corpus.train).isDisjoint(with: corpus.heldOut))
        #expect(Set(corpus.train).count == corpus.train.count)
    }

    @Test func everyCommittedSampleParsesAndPassesTheValidator() throws {
        let lexicon = try shippedLexicon()
        let catalog = try shippedCatalog()
        let corpus = try QuestCorpus.load(directory: Self.directory)
        for sample in corpus.train + corpus.heldOut {
            do {
                if QuestCorpus.isNFTSample(sample) {
                    try QuestCorpus.checkNFT(sample, world: lexicon.world, catalog: catalog)
                } else {
                    try QuestCorpus.check(sample, lexicon: lexicon)
                }
            } catch {
                Issue.record("\(error)\n\(sample)")
            }
        }
    }

    @Test("words.txt holds exactly the words of the committed quests' titles and texts")
    func theWordsFileIsTheCorpusWords() throws {
        let corpus = try QuestCorpus.load(directory: Self.directory)
        let file = try String(contentsOf: Self.directory.appendingPathComponent(QuestCorpus.wordsFile), encoding: .utf8)
        #expect(file == QuestCorpus.wordsFileText(corpus.train + corpus.heldOut))
        // Every word a run of lower-case letters with known marks; race words marked global; the
        // words before objectives marked with the kind they precede; no time or weather word.
        let lines = file.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.allSatisfy { parts in
            parts[0].allSatisfy { ("a"..."z").contains($0) } && parts.dropFirst().allSatisfy { ProseWords.Mark(rawValue: $0) != nil }
        })
        func marks(_ word: String) -> Set<String> { Set(lines.first { $0[0] == word }?.dropFirst() ?? []) }
        for race in ["fastest", "quickest", "winners", "share", "ye", "swiftest"] { #expect(marks(race).contains("global"), "\(race)") }
        #expect(marks("at") == ["reach"] && marks("gather") == ["collect"] && marks("to") == ["reach"])
        #expect(lines.allSatisfy { !ProseWords.conditionWords.contains($0[0]) })
    }

    @Test func theCommittedFilesAreWhatTheBuilderWrites() throws {
        let corpus = try QuestCorpus.load(directory: Self.directory)
        // Sample i depends only on the seed and the samples before it: a small build is a prefix.
        let small = try QuestCorpus.build(world: try shippedWorld(), count: 300, catalog: try shippedCatalog())
        #expect(small.train.filter(QuestCorpus.isNFTSample).count + small.heldOut.filter(QuestCorpus.isNFTSample).count == 100)
        #expect(Array(corpus.train.prefix(small.train.count)) == small.train)
        #expect(Array(corpus.heldOut.prefix(small.heldOut.count)) == small.heldOut)
        let trainText = try String(contentsOf: Self.directory.appendingPathComponent(QuestCorpus.trainFile), encoding: .utf8)
        #expect(trainText == QuestCorpus.fileText(corpus.train))
    }

    @Test func theQuestsDoNotDependOnTheNFTSamples() throws {
        let world = try shippedWorld()
        let mixed = try QuestCorpus.build(world: world, count: 60, catalog: try shippedCatalog())
        let questsOnly = try QuestCorpus.build(world: world, count: 60)
        #expect(mixed.train.filter { !QuestCorpus.isNFTSample($0) } == questsOnly.train)
        #expect(mixed.heldOut.filter { !QuestCorpus.isNFTSample($0) } == questsOnly.heldOut)
    }

    /// Every sample, quest or NFT lore, fits the shipped model's context with its start and end
    /// tokens, tokenized by the shipped tokenizer (trained on this corpus).
    @Test func everySampleFitsTheShippedModelsContext() throws {
        let url = repositoryRoot.appendingPathComponent(QuestModelRuntime.defaultDirectory).appendingPathComponent("tokenizer.json")
        let tokenizer = try BPETokenizer(contentsOf: url)
        let corpus = try QuestCorpus.load(directory: Self.directory)
        for isNFT in [false, true] {
            let lengths = (corpus.train + corpus.heldOut).filter { QuestCorpus.isNFTSample($0) == isNFT }
                .map { tokenizer.encode($0).count + 2 }.sorted()
            let total = lengths.reduce(0, +)
            print("\(isNFT ? "NFT lore" : "quests"): \(lengths.count) samples, \(total) tokens; median \(lengths[lengths.count / 2]), 99th percentile \(lengths[lengths.count * 99 / 100]), longest \(lengths.last ?? 0)")
            #expect((lengths.last ?? 0) <= 512)
        }
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
        let quests = (corpus.train + corpus.heldOut).filter { !QuestCorpus.isNFTSample($0) }
        let documents = try quests.map { try QuestDocument.parse($0, lexicon: lexicon) }
        let descriptions = documents.compactMap { $0.renderedBody(world: world) }
        let distinct2 = TextStatistics.distinct2(descriptions)
        let lengths = descriptions.map(\.count)
        print("corpus distinct-2 of descriptions: \(distinct2) (first 1,000: \(TextStatistics.distinct2(Array(descriptions.prefix(1_000)))));",
              "\(lengths.reduce(0, +) / max(1, lengths.count)) characters on average, \(lengths.max() ?? 0) at most;",
              "\(Set(documents.map(\.title)).count) distinct titles")
        // 0.075 before objectives were `{@k}` phrases, which read the same in every quest.
        #expect(distinct2 > 0.06)
        #expect(Set(descriptions).count == descriptions.count)
    }

    @Test func aCorpusFileSplitsBackIntoItsSamples() throws {
        let samples = [sampleQuest, sampleNFTLore, sampleQuest.replacingOccurrences(of: "comfort", with: "wealth")]
        #expect(try QuestCorpus.samples(inFile: QuestCorpus.fileText(samples)) == samples)
        #expect(throws: QuestCorpusError.self) { try QuestCorpus.samples(inFile: "hello\n" + sampleQuest) }
        #expect(throws: QuestCorpusError.self) { try QuestCorpus.samples(inFile: String(sampleQuest.dropLast(8))) }
        // A quest's closing line does not close an NFT sample.
        #expect(throws: QuestCorpusError.self) { try QuestCorpus.samples(inFile: String(sampleNFTLore.dropLast(6)) + "</quest>\n") }
    }

    /// Rebuilds the committed corpus (see quests/README.md):
    /// `PURR_WRITE_CORPUS=quests swift test --skip-build --filter QuestCorpusTests/rebuild`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PURR_WRITE_CORPUS"] != nil))
    func rebuild() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PURR_WRITE_CORPUS"] ?? "quests", relativeTo: repositoryRoot)
        let corpus = try QuestCorpus.build(world: try shippedWorld(), catalog: try shippedCatalog())
        try QuestCorpus.write(corpus, to: directory)
    }
}
