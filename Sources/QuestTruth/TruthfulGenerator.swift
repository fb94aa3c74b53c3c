import Quests
import Synchronization

/// The titles handed out lately, per region: a player should not meet the same title again
/// within a dozen quests.
public final class TitleMemory: Sendable {
    private let titles = Mutex<[String: [String]]>([:])
    public let window: Int

    /// - Parameter window: how many titles of a region it keeps: a player who asks for that
    ///   many quests there meets no title twice.
    public init(window: Int = 100) { self.window = max(1, window) }

    /// The titles kept for a region, oldest first; for nil (a request that leaves the region
    /// to the generator) those of every region.
    public func recent(region: String?) -> [String] {
        titles.withLock { all in region.map { all[$0] ?? [] } ?? all.keys.sorted().flatMap { all[$0] ?? [] } }
    }

    public func contains(_ title: String, region: String) -> Bool {
        titles.withLock { $0[region]?.contains(title) ?? false }
    }

    public func record(_ title: String, region: String) {
        titles.withLock { all in
            var recent = all[region] ?? []
            recent.append(title)
            if recent.count > window { recent.removeFirst(recent.count - window) }
            all[region] = recent
        }
    }
}

/// A generator whose every quest passes ``QuestTruthChecker``: what the primary writes is
/// checked; an untruthful quest is written again with other seeds (in one batch with the
/// others that failed), then by the fallback, which must pass too. The server hands out
/// nothing a player would be misled by.
public struct TruthfulGenerator: QuestGenerator {
    /// Why a quest was not handed out as first written.
    public struct Refusal: Sendable {
        public let request: QuestRequestContext
        public let report: QuestTruthReport
        /// 1 for the first writing, 2 for the first retry, …; `retries + 2` for the fallback.
        public let attempt: Int
    }

    public let primary: any QuestGenerator
    public let fallback: (any QuestGenerator)?
    /// Writings by the primary after the first, before the fallback.
    public let retries: Int
    /// The spelling the checker holds quests to (``QuestTruthChecker/dictionary(from:)``).
    public let dictionary: Set<String>?
    /// Titles handed out lately; the primary's quest with one of them is written again.
    public let recentTitles: TitleMemory?
    /// Called for each refused quest (the server logs it).
    private let onRefusal: @Sendable (Refusal) -> Void

    public var preferredBatchSize: Int { primary.preferredBatchSize }

    public init(primary: any QuestGenerator, fallback: (any QuestGenerator)?, retries: Int = 2, dictionary: Set<String>? = nil,
                recentTitles: TitleMemory? = nil, onRefusal: @escaping @Sendable (Refusal) -> Void = { _ in }) {
        self.dictionary = dictionary
        self.recentTitles = recentTitles
        self.primary = primary
        self.fallback = fallback
        self.retries = max(0, retries)
        self.onRefusal = onRefusal
    }

    public func generate(_ request: QuestRequestContext) throws -> QuestSpec {
        try generate(all: [request])[0].get()
    }

    public func generate(all asked: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] {
        guard let world = asked.first?.world else { return [] }
        // The primary is told the titles to avoid, so it writes another rather than being refused.
        let memory = recentTitles
        func avoiding(_ request: QuestRequestContext) -> QuestRequestContext {
            guard let memory else { return request }
            var request = request
            request.avoidTitles += memory.recent(region: request.region)
            return request
        }
        let requests = asked.map(avoiding)
        let checker = QuestTruthChecker(world: world, dictionary: dictionary)
        // The fallback writes from fixed templates of its own, outside the model's dictionary.
        let fallbackChecker = QuestTruthChecker(world: world)
        var results = primary.generate(all: requests)
        guard results.count == requests.count else { return results }
        // Indices still owed a truthful quest, with the last report for each.
        var owed: [Int: QuestTruthReport] = [:]
        func judge(_ index: Int, attempt: Int, by checker: QuestTruthChecker, fresh: Bool = true) {
            guard case .success(let spec) = results[index] else { owed[index] = nil; return }
            var report = checker.check(spec, scope: requests[index].scope)
            if fresh, report.isTruthful, let memory = recentTitles, memory.contains(spec.title, region: spec.region) {
                report.add(.repeatedTitle, "\"\(spec.title)\" was handed out in \(spec.region) lately")
            }
            if report.isTruthful {
                owed[index] = nil
                recentTitles?.record(spec.title, region: spec.region)
            } else {
                owed[index] = report
                onRefusal(Refusal(request: requests[index], report: report, attempt: attempt))
            }
        }
        for index in requests.indices { judge(index, attempt: 1, by: checker) }
        var attempt = 1
        while !owed.isEmpty, attempt <= retries {
            attempt += 1
            let indices = owed.keys.sorted()
            let again = indices.map { index -> QuestRequestContext in
                var request = avoiding(asked[index])
                request.seed = Self.reseed(request.seed, attempt: attempt)
                return request
            }
            let written = primary.generate(all: again)
            guard written.count == again.count else { break }
            for (index, result) in zip(indices, written) {
                results[index] = result
                judge(index, attempt: attempt, by: checker)
            }
        }
        for (index, report) in owed.sorted(by: { $0.key < $1.key }) {
            guard let fallback else {
                results[index] = .failure(QuestTruthError(report: report))
                continue
            }
            results[index] = Result { try fallback.generate(requests[index]) }
            judge(index, attempt: attempt + 1, by: fallbackChecker, fresh: false)
            if let still = owed[index] { results[index] = .failure(QuestTruthError(report: still)) }
        }
        return results
    }

    /// Another seed for the same request, different for each attempt.
    static func reseed(_ seed: UInt64, attempt: Int) -> UInt64 {
        var z = seed &+ UInt64(attempt) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// No truthful quest could be written for a request.
public struct QuestTruthError: Error, CustomStringConvertible {
    public let report: QuestTruthReport
    public var description: String { "no quest whose text agrees with its objectives: \(report)" }
}
