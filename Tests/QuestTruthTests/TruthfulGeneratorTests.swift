import Foundation
import QuestTruth
import Quests
import Synchronization
import Testing
import World

/// A generator that lies about a quest's race in personal quests for the seeds it is told to.
final class LyingGenerator: QuestGenerator {
    let honest = GrammarQuestGenerator()
    /// Lies for every seed when nil.
    let lieFor: Set<UInt64>?
    let calls = Mutex(0)
    var preferredBatchSize: Int { 8 }

    init(lieFor: Set<UInt64>?) { self.lieFor = lieFor }

    func generate(_ request: QuestRequestContext) throws -> QuestSpec {
        calls.withLock { $0 += 1 }
        var spec = try honest.generate(request)
        if lieFor?.contains(request.seed) ?? true { spec.description += " The fastest cats win." }
        return spec
    }

    func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] {
        requests.map { r in Result { try generate(r) } }
    }
}

struct Failing: QuestGenerator, Error {
    func generate(_ request: QuestRequestContext) throws -> QuestSpec { throw self }
    func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] { requests.map { _ in .failure(self) } }
    var preferredBatchSize: Int { 1 }
}

@Suite struct TruthfulGeneratorTests {
    func requests(_ n: Int) throws -> [QuestRequestContext] {
        guard let world = shared?.world else { throw MissingWorld() }
        return (0..<n).map { QuestRequestContext(world: world, scope: .personal, difficulty: $0 % 5 + 1, seed: UInt64(100 + $0),
                                                 now: Date(timeIntervalSince1970: 1_738_000_000)) }
    }

    @Test("An untruthful quest is written again with another seed, and the truthful retry is handed out")
    func retryWins() throws {
        let asked = try requests(4)
        let refusals = Mutex<[Int]>([])
        // Lies only for the original seeds of requests 0 and 2.
        let gate = TruthfulGenerator(primary: LyingGenerator(lieFor: [100, 102]), fallback: Failing(), retries: 2) { refusal in
            refusals.withLock { $0.append(refusal.attempt) }
        }
        let results = gate.generate(all: asked)
        let checker = QuestTruthChecker(world: asked[0].world)
        for result in results {
            let spec = try result.get()
            #expect(checker.check(spec, scope: .personal).isTruthful)
            #expect(!spec.description.contains("fastest"))
        }
        #expect(refusals.withLock { $0 } == [1, 1])
    }

    @Test("When every retry lies, the fallback writes the quest; the refusals are reported")
    func fallbackWins() throws {
        let asked = try requests(3)
        let refusals = Mutex(0)
        let liar = LyingGenerator(lieFor: nil)
        let gate = TruthfulGenerator(primary: liar, fallback: GrammarQuestGenerator(), retries: 2) { _ in refusals.withLock { $0 += 1 } }
        let results = gate.generate(all: asked)
        for (request, result) in zip(asked, results) {
            #expect(try result.get() == GrammarQuestGenerator().generate(request))
        }
        #expect(refusals.withLock { $0 } == 3 * 3)
        #expect(liar.calls.withLock { $0 } == 3 * 3)
    }

    @Test("A title handed out in the region a dozen quests ago or less is written again; the fallback's is taken as it is")
    func repeatedTitles() throws {
        final class SameTitle: QuestGenerator {
            /// The titles each request asked it to avoid.
            let avoided = Mutex<[[String]]>([])
            var preferredBatchSize: Int { 8 }
            func generate(_ request: QuestRequestContext) throws -> QuestSpec {
                avoided.withLock { $0.append(request.avoidTitles) }
                var spec = try GrammarQuestGenerator().generate(request)
                spec.title = "The Same Old Errand"
                return spec
            }
            func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] { requests.map { r in Result { try generate(r) } } }
        }
        guard let world = shared?.world, let region = world.regions.first(where: { !world.pointsOfInterest(inRegion: $0.id).isEmpty }) else {
            throw MissingWorld()
        }
        let asked = (0..<3).map { QuestRequestContext(world: world, scope: .personal, region: region.id, difficulty: 1, seed: UInt64(7 + $0),
                                                      now: Date(timeIntervalSince1970: 1_738_000_000)) }
        let memory = TitleMemory(window: 12)
        let reasons = Mutex<[QuestTruthReport.Code]>([])
        let primary = SameTitle()
        let gate = TruthfulGenerator(primary: primary, fallback: GrammarQuestGenerator(), retries: 1, recentTitles: memory) { refusal in
            reasons.withLock { $0 += refusal.report.violations.map(\.code) }
        }
        let first = try gate.generate(asked[0])
        #expect(first.title == "The Same Old Errand")
        #expect(memory.contains("The Same Old Errand", region: region.id))
        let second = try gate.generate(asked[1])
        #expect(second.title != "The Same Old Errand")
        #expect(second == (try GrammarQuestGenerator().generate(asked[1])))
        #expect(reasons.withLock { $0 } == [.repeatedTitle, .repeatedTitle])
        // The primary was told which title to avoid, the first time and on the retry.
        #expect(primary.avoided.withLock { $0 } == [[], ["The Same Old Errand"], ["The Same Old Errand"]])
        // Another region's memory is its own; an old title comes back once the window has moved on.
        let small = TitleMemory(window: 2)
        small.record("A", region: "r")
        small.record("B", region: "r")
        small.record("C", region: "r")
        #expect(!small.contains("A", region: "r") && small.contains("B", region: "r") && !small.contains("B", region: "s"))
        // A request that leaves the region open is told every region's titles.
        small.record("D", region: "s")
        #expect(small.recent(region: "r") == ["B", "C"] && small.recent(region: nil) == ["B", "C", "D"])
    }

    @Test("Without a fallback an untruthful quest is an error, never handed out; the primary's own errors pass through")
    func noFallback() throws {
        let asked = try requests(2)
        let results = TruthfulGenerator(primary: LyingGenerator(lieFor: nil), fallback: nil, retries: 1).generate(all: asked)
        for result in results {
            #expect(throws: QuestTruthError.self) { try result.get() }
        }
        let failed = TruthfulGenerator(primary: Failing(), fallback: GrammarQuestGenerator()).generate(all: asked)
        for result in failed {
            #expect(throws: Failing.self) { try result.get() }
        }
    }
}
