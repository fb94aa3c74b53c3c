import Quests
import Synchronization

/// The trained model as the server's `QuestGenerator` and NFT lore writer: a
/// `QuestModelRuntime` behind a mutex, so any task may ask for a quest or an NFT's lore while
/// only one at a time drives the session.
///
/// ```swift
/// let generator: any QuestGenerator = QuestModelService(runtime)
/// let spec = try generator.generate(request)
/// ```
public final class QuestModelService: QuestGenerator {
    private let runtime: Mutex<QuestModelRuntime>
    /// The session's stream count: requests decoded together in one batched pass.
    public let preferredBatchSize: Int

    public init(_ runtime: sending QuestModelRuntime) {
        preferredBatchSize = runtime.session.maxStreams
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

    public func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] {
        generate(batch: requests).map { result in result.map(\.spec).mapError { $0 } }
    }

    /// Several quests in one batched run (the session's `maxStreams` at a time).
    public func generate(batch requests: [QuestRequestContext]) -> [Result<QuestModelOutput, QuestModelError>] {
        runtime.withLock { $0.generate(requests) }
    }

    /// One NFT's name and lore, written by the model (`QuestModelRuntime.generateLore`).
    ///
    /// ```swift
    /// let lore = try service.generateLore(NFTLoreRequest(region: region.id, pointOfInterest: poi?.id, parts: parts, seed: seed)).lore
    /// let metadata = try NFTMetadata(seed: seed, name: lore.name, description: lore.description, catalog: catalog)
    /// ```
    /// - Throws: `QuestModelError.badRequest` for a place the world does not have,
    ///   `.attemptsExhausted` when no attempt gave valid text.
    public func generateLore(_ request: NFTLoreRequest) throws(QuestModelError) -> NFTLoreOutput {
        let result = runtime.withLock { runtime in
            runtime.generateLore([request]).first ?? .failure(QuestModelError(code: .attemptsExhausted, reason: "no result"))
        }
        return try result.get()
    }

    /// Names and lore for several NFTs in one batched run (the session's `maxStreams` at a time).
    /// - Returns: one result per request, in order.
    public func generateLore(batch requests: [NFTLoreRequest]) -> [Result<NFTLoreOutput, QuestModelError>] {
        runtime.withLock { $0.generateLore(requests) }
    }
}
