/// Where one participant stands in a contract.
///
/// ```
/// created ─accepted→ active ─condition completes→ completed ─settled→ settled
/// created, active ─event at or after the deadline→ expired
/// created, active ─abandoned→ abandoned
/// ```
public enum ContractPhase: String, Codable, CaseIterable, Hashable, Sendable {
    /// Known to the contract, not yet accepted.
    case created
    /// Accepted; positions count.
    case active
    /// The condition completed in time; waiting for settlement.
    case completed
    /// Paid; final.
    case settled
    /// The deadline passed first; final.
    case expired
    /// Gave up; final.
    case abandoned

    /// Whether no event can move the participant any more.
    public var isFinal: Bool { self == .settled || self == .expired || self == .abandoned }
}
