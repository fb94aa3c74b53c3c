/// Re-evaluates a participant's contract from the event log: a pure function of the
/// contract and the events, with no clock, map or randomness, so every machine gets the
/// same state at any later time.
///
/// ```swift
/// let state = ContractEvaluator.evaluate(contract, events: log)
/// state.phase          // .completed
/// state.completedAt    // 1738000123000
/// ```
public enum ContractEvaluator {
    /// Folds `events` through `ContractProgress.apply`, from a fresh participant.
    /// By construction this is exactly what the server's live `ContractProgress` reaches
    /// after applying the same events one by one.
    public static func evaluate(_ contract: QuestContract, events: [ContractEvent]) -> ContractState {
        evaluate(ContractState(progress: ContractProgress(contract: contract), outcomes: []), continuingWith: events)
    }

    /// Continues an earlier evaluation with later events:
    /// `evaluate(evaluate(c, events: a), continuingWith: b) == evaluate(c, events: a + b)`.
    public static func evaluate(_ state: ContractState, continuingWith events: [ContractEvent]) -> ContractState {
        var state = state
        for event in events {
            state.outcomes += state.progress.apply(event)
        }
        return state
    }
}
