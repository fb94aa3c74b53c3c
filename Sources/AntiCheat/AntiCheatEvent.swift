/// A ledger event the server must append, in the order returned.
///
/// It encodes as its payload alone, so the server can write
/// `LedgerStore.appendEvent(db, kind: event.kind, payload: event, at: now)`.
public enum AntiCheatEvent: Encodable, Hashable, Sendable {
    /// A teleport was struck.
    case strike(StrikeEvent)
    /// The restriction level rose or fell.
    case restrictionChanged(RestrictionChangedEvent)

    /// The ledger event kind: `movement.strike` or `restriction.changed`.
    public var kind: String {
        switch self {
        case .strike: StrikeEvent.kind
        case .restrictionChanged: RestrictionChangedEvent.kind
        }
    }

    /// Encodes the payload alone, as the ledger stores it.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .strike(let payload): try payload.encode(to: encoder)
        case .restrictionChanged(let payload): try payload.encode(to: encoder)
        }
    }
}
