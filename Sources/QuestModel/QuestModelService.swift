import Quests
import Synchronization

/// The trained model as the server's `QuestGenerator`: a `QuestModelRuntime` behind a
/// mutex, so any task may ask for a quest while only one at a time drives the session.
///
/// ```swift
/// let generator: any QuestGenerator = QuestModelService(runtime)
/// let spec = try generator.generate(request)
/// ```
public final class QuestModelService: QuestGenerator {
    private let runtime: Mutex<QuestModelRuntime>

    public init(_ runtime: sending QuestModelRuntime) {
        self.runtime = Mutex(runtime)
    }

    public func generate(_ request: QuestRequestContext) throws -> QuestSpec {
        try generateWithReport(request).spec
    }

    /// One quest and how it went.
    public func generateWithReport(_ request: QuestRequestContext) throws(QuestModelError) -> QuestModelOutput {
        let result = runtime.withLock { runtime in
            runtime.generate([request]).first ?? .failure(QuestModelError(code: .attemptsExhausted, reason: "no result"))
        }
        return try result.get()
    }

    /// Several quests in one batched run (the session's `maxStreams` at a time).
    public func generate(batch requests: [QuestRequestContext]) -> [Result<QuestModelOutput, QuestModelError>] {
        runtime.withLock { $0.generate(requests) }
    }
}
