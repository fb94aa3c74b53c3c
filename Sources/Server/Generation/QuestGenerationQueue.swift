import Dispatch
import Quests
import Synchronization

/// Runs quest generation on its own thread, in batches, so the game actor never waits for it.
///
/// Generating one quest with the model takes tens of milliseconds of CPU. Inside the game actor
/// that would stall every other player's requests meanwhile; here `quest.request` suspends on
/// ``generate(_:)`` and the actor serves others. Requests that arrive while a batch runs wait
/// for the next one, which takes all of them (up to the generator's preferred batch size), so
/// eight players asking at once cost about one batched pass, not eight passes in a row.
///
/// Thread rule: only the drain loop, on `queue`, calls the generator.
final class QuestGenerationQueue: Sendable {
    typealias Continuation = CheckedContinuation<QuestSpec, any Error>

    /// Counters for the logs and tests.
    struct Stats: Sendable, Equatable {
        var batches = 0
        var generated = 0
        var largestBatch = 0
    }

    private struct State {
        var pending: [(QuestRequestContext, Continuation)] = []
        var running = false
        var stats = Stats()
    }

    let generator: any QuestGenerator
    let maxBatch: Int
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "purr.quest-generation", qos: .userInitiated)

    init(generator: any QuestGenerator) {
        self.generator = generator
        maxBatch = max(1, generator.preferredBatchSize)
    }

    var stats: Stats { state.withLock { $0.stats } }

    /// Requests waiting for the next batch.
    var waiting: Int { state.withLock { $0.pending.count } }

    /// One quest; suspends the caller until its batch is done.
    func generate(_ request: QuestRequestContext) async throws -> QuestSpec {
        try await withCheckedThrowingContinuation { (continuation: Continuation) in
            let start = state.withLock { state -> Bool in
                state.pending.append((request, continuation))
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if start { queue.async { self.drain() } }
        }
    }

    /// Takes batches until nothing waits; a request arriving meanwhile joins the next batch.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [(QuestRequestContext, Continuation)] in
                let n = min(maxBatch, state.pending.count)
                guard n > 0 else {
                    state.running = false
                    return []
                }
                let batch = Array(state.pending.prefix(n))
                state.pending.removeFirst(n)
                state.stats.batches += 1
                state.stats.generated += n
                state.stats.largestBatch = max(state.stats.largestBatch, n)
                return batch
            }
            guard !batch.isEmpty else { return }
            var results = generator.generate(all: batch.map(\.0))
            if results.count != batch.count {
                results = batch.map { _ in .failure(QuestGenerationQueueError.wrongResultCount) }
            }
            for ((_, continuation), result) in zip(batch, results) {
                continuation.resume(with: result)
            }
        }
    }
}

/// A generator broke its contract: one result per request.
enum QuestGenerationQueueError: Error, CustomStringConvertible {
    case wrongResultCount

    var description: String { "the quest generator returned a different number of results than requests" }
}
