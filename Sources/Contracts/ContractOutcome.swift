/// What one event did to a participant, in the order it happened; the I/O shell turns
/// these into messages and ledger moves, an auditor compares them with the log.
public enum ContractOutcome: Codable, Hashable, Sendable {
    /// The participant became active.
    case accepted(at: Int64)
    /// One unit of `item` picked up at `sources[source]` of the collect at `path`; the
    /// server records it as an `item.picked` event, the only inventory it trusts.
    case pickedUp(item: String, source: Int, path: String)
    /// The participant stands where the condition at `path` needs them, but the weather or
    /// game hour is wrong, so nothing counted.
    case conditionsNotMet(path: String)
    /// The condition at `path` completed: a step of an `allInOrder`, the winning branch of
    /// an `anyOf`, or a stateful part of an `all`.
    case stepCompleted(path: String)
    /// The whole condition completed at this observation; happens at most once.
    case completed(at: Int64)
    /// The reward was paid; final.
    case settled(at: Int64)
    /// The deadline passed before the condition completed; final.
    case expired(at: Int64)
    /// The participant gave up; final.
    case abandoned(at: Int64)
    /// The event is not legal now and changed nothing.
    case ignored(ContractIgnoredReason)
}
