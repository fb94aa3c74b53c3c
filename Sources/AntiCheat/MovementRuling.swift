import Quests

/// The outcome of one position report: the verdict, and the events the server must record.
///
/// Named apart from `Quests.MovementVerdict` (the single-report check this model builds on)
/// so a file importing both modules needs no qualification.
public struct MovementRuling: Hashable, Sendable {
    /// What happens to the report.
    public enum Verdict: Codable, Hashable, Sendable {
        /// The report is the account's new position.
        case accepted
        /// An ordinary violation: too fast for the terrain, or what `MovementCheck` flags.
        case rejected(MovementFlags)
        /// A jump far beyond any legitimate speed: a strike, and a cool-down starts.
        case teleport(distance: Double)
        /// Refused unjudged: the account is cooling down after a teleport until this server time.
        case coolingDown(until: Int64)
    }

    /// What happens to the report.
    public var verdict: Verdict
    /// Set when this report earned a strike.
    public var strike: StrikeEvent?
    /// Set when the account's restriction level changed (after a strike, or as strikes aged out).
    public var restrictionChange: RestrictionChangedEvent?

    /// A ruling; ``MovementModel/evaluate(_:rules:)`` makes these.
    public init(verdict: Verdict, strike: StrikeEvent? = nil, restrictionChange: RestrictionChangedEvent? = nil) {
        self.verdict = verdict
        self.strike = strike
        self.restrictionChange = restrictionChange
    }

    /// Whether the report moved the player (and may advance quests).
    public var isAccepted: Bool { verdict == .accepted }

    /// Reasons for the client's `data.flags`: the basic flag names, `teleport` or `coolingDown`.
    public var flagNames: [String] {
        switch verdict {
        case .accepted: []
        case .rejected(let flags): flags.names
        case .teleport: ["teleport"]
        case .coolingDown: ["coolingDown"]
        }
    }

    /// The events to append to the ledger, in order: the strike, then the restriction change.
    public var events: [AntiCheatEvent] {
        var events: [AntiCheatEvent] = []
        if let strike { events.append(.strike(strike)) }
        if let restrictionChange { events.append(.restrictionChanged(restrictionChange)) }
        return events
    }
}
