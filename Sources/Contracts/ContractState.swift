/// A participant's state after a run of events, with every outcome they produced.
public struct ContractState: Codable, Hashable, Sendable {
    public var progress: ContractProgress
    /// Every outcome of every event, in order.
    public var outcomes: [ContractOutcome]

    /// Pairs a progress with the outcomes that led to it.
    public init(progress: ContractProgress, outcomes: [ContractOutcome]) {
        self.progress = progress
        self.outcomes = outcomes
    }

    /// Where the participant stands.
    public var phase: ContractPhase { progress.phase }
    /// Unix ms of the observation that completed the contract, if one did.
    public var completedAt: Int64? { progress.completedAt }
}
