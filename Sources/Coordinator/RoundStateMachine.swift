import PurrCrypto

/// How rounds run: set by the operator (config), the same for every runner.
public struct RoundPolicy: Codable, Hashable, Sendable {
    /// Local AdamW steps per round (DiLoCo's H).
    public var innerSteps = 50
    /// Sequences per local step.
    public var batch = 4
    /// Corpus samples assigned to each runner per round.
    public var samplesPerRunner = 256
    /// How long a round stays open for updates.
    public var roundSeconds = 120.0
    /// Updates needed to close a round with a new model; fewer at the deadline: the round is
    /// abandoned (no model change, nothing paid) and the next one opens.
    public var quorum = 1
    /// Joining needs at least this many seconds left in the open round; later joiners wait.
    public var minSecondsToJoinRound = 20.0
    /// PUR minted per closed round, split by verified contribution × reputation (micro-PUR).
    public var emissionPerRound: Int64 = 10_000_000
    /// Stake a runner escrows to take part (micro-PUR); slashed on proven cheating.
    public var stake: Int64 = 5_000_000
    /// Share of the stake slashed per proven offence (0…1).
    public var slashFraction = 0.5
    /// Offences after which a runner is banned.
    public var banAfterOffences = 2

    public init() {}
}

/// One round, as published to every runner: what to start from and what to train on.
public struct RoundSpec: Codable, Hashable, Sendable {
    public var round: UInt64
    /// The model version every runner starts from.
    public var version: UInt64
    /// Seeds the shards and the runners' sampling; SHA-256 of the run seed and the round.
    public var seed: UInt64
    public var innerSteps: Int
    public var batch: Int
    public var samplesPerRunner: Int
    /// Unix ms after which updates are refused.
    public var deadline: Int64

    public init(round: UInt64, version: UInt64, seed: UInt64, innerSteps: Int, batch: Int, samplesPerRunner: Int, deadline: Int64) {
        self.round = round
        self.version = version
        self.seed = seed
        self.innerSteps = innerSteps
        self.batch = batch
        self.samplesPerRunner = samplesPerRunner
        self.deadline = deadline
    }
}

/// What the I/O shell must do after an event.
public enum RoundAction: Hashable, Sendable {
    /// Publish a new round to every member (and record it).
    case openRound(RoundSpec)
    /// Tell one runner its assignment in the open round.
    case assign(runner: String, RoundSpec)
    /// Aggregate these runners' updates for this round, then call ``RoundStateMachine/aggregated``.
    case aggregate(RoundSpec, runners: [String])
    /// The round closed without quorum: no new model, nothing paid.
    case abandonRound(RoundSpec, updates: Int)
    /// Pay a runner its share of the round's emission (micro-PUR).
    case pay(runner: String, round: UInt64, amount: Int64)
    /// Take part of a runner's stake for a proven offence.
    case slash(runner: String, round: UInt64, amount: Int64, reason: String)
    /// The runner may no longer take part.
    case ban(runner: String, reason: String)
    /// Refuse a runner's request, with a stable code.
    case refuse(runner: String, code: RoundRefusal, reason: String)
}

/// Why a request was refused; the raw value is the stable error code.
public enum RoundRefusal: String, Hashable, Sendable {
    case notMember = "train.not_member"
    case banned = "train.banned"
    case noRoundOpen = "train.no_round_open"
    case wrongRound = "train.wrong_round"
    case notAssigned = "train.not_assigned"
    case duplicate = "train.duplicate_update"
    case late = "train.late"
    case alreadyMember = "train.already_member"
}

/// The coordinator's round logic, apart from I/O (Hummingbird style: events in, actions out).
///
/// Elastic DiLoCo rounds: a round opens with the members present; a runner joining while at
/// least `minSecondsToJoinRound` remain is assigned too, later ones wait for the next round. At
/// the deadline the round closes with whoever delivered, if they reach the quorum; the shell
/// aggregates (robustly), measures each update, and reports scores and offences back through
/// ``aggregated(round:scores:offences:at:)``, which pays, updates reputations, slashes, bans
/// and opens the next round. Nothing here trusts a number a runner reports about itself: scores
/// come from the coordinator's measurements.
public struct RoundStateMachine: Codable, Hashable, Sendable {
    public struct Member: Codable, Hashable, Sendable {
        public var joinedAt: Int64
        public var reputation = Reputation()
        public var offences = 0
        public var banned = false
        /// Micro-PUR paid so far.
        public var earned: Int64 = 0
        /// Stake still held in escrow (micro-PUR); slashes never take more than this.
        public var stakeHeld: Int64 = 0
    }

    public enum Phase: Codable, Hashable, Sendable {
        case idle
        case open(RoundSpec)
        case aggregating(RoundSpec)
    }

    public var policy: RoundPolicy
    public let runSeed: UInt64
    public private(set) var version: UInt64
    public private(set) var phase: Phase = .idle
    public private(set) var members: [String: Member] = [:]
    /// Runners assigned in the open round, and those whose update arrived.
    public private(set) var assigned: Set<String> = []
    public private(set) var delivered: Set<String> = []
    public private(set) var nextRound: UInt64 = 1

    public init(policy: RoundPolicy, runSeed: UInt64, version: UInt64 = 0) {
        self.policy = policy
        self.runSeed = runSeed
        self.version = version
    }

    public var openRound: RoundSpec? {
        if case .open(let spec) = phase { return spec }
        return nil
    }

    func seed(round: UInt64) -> UInt64 {
        SHA256.hash("purr-round|\(runSeed)|\(round)").prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    mutating func open(at now: Int64) -> [RoundAction] {
        let active = members.filter { !$0.value.banned }.keys.sorted()
        guard !active.isEmpty else {
            phase = .idle
            return []
        }
        let spec = RoundSpec(round: nextRound, version: version, seed: seed(round: nextRound), innerSteps: policy.innerSteps,
                             batch: policy.batch, samplesPerRunner: policy.samplesPerRunner,
                             deadline: now + Int64(policy.roundSeconds * 1000))
        nextRound += 1
        phase = .open(spec)
        assigned = Set(active)
        delivered = []
        return [.openRound(spec)] + active.map { .assign(runner: $0, spec) }
    }

    /// A runner joins (its stake is already escrowed by the shell).
    public mutating func join(_ runner: String, at now: Int64) -> [RoundAction] {
        if let m = members[runner] {
            if m.banned { return [.refuse(runner: runner, code: .banned, reason: "this runner is banned")] }
            return [.refuse(runner: runner, code: .alreadyMember, reason: "already taking part")]
        }
        members[runner] = Member(joinedAt: now, stakeHeld: max(0, policy.stake))
        switch phase {
        case .idle:
            return open(at: now)
        case .open(let spec):
            guard Double(spec.deadline - now) >= policy.minSecondsToJoinRound * 1000 else { return [] }
            assigned.insert(runner)
            return [.assign(runner: runner, spec)]
        case .aggregating:
            return []
        }
    }

    /// A runner leaves; its delivered update still counts.
    public mutating func leave(_ runner: String) {
        members[runner] = nil
        assigned.remove(runner)
    }

    /// An update arrived (already validated as bytes by the shell).
    public mutating func submit(_ runner: String, round: UInt64, at now: Int64) -> [RoundAction] {
        guard let m = members[runner] else { return [.refuse(runner: runner, code: .notMember, reason: "join first (train.join)")] }
        if m.banned { return [.refuse(runner: runner, code: .banned, reason: "this runner is banned")] }
        guard case .open(let spec) = phase else { return [.refuse(runner: runner, code: .noRoundOpen, reason: "no round is open")] }
        guard round == spec.round else {
            return [.refuse(runner: runner, code: .wrongRound, reason: "round \(round) is not the open round \(spec.round)")]
        }
        guard now <= spec.deadline else { return [.refuse(runner: runner, code: .late, reason: "round \(round) closed at \(spec.deadline)")] }
        guard assigned.contains(runner) else { return [.refuse(runner: runner, code: .notAssigned, reason: "not assigned in round \(round)")] }
        guard delivered.insert(runner).inserted else {
            return [.refuse(runner: runner, code: .duplicate, reason: "an update for round \(round) was already received")]
        }
        return []
    }

    /// Time passes: closes the open round at its deadline (or early, once everyone delivered).
    public mutating func tick(at now: Int64) -> [RoundAction] {
        switch phase {
        case .idle:
            return open(at: now)
        case .aggregating:
            return []
        case .open(let spec):
            // Closes at the deadline, or as soon as every assigned runner has delivered.
            guard now > spec.deadline || (!assigned.isEmpty && assigned.isSubset(of: delivered)) else { return [] }
            let runners = delivered.sorted()
            if runners.count >= max(1, policy.quorum) {
                phase = .aggregating(spec)
                return [.aggregate(spec, runners: runners)]
            }
            // Nobody is paid for a round without quorum; every assigned member scores 0.
            for r in assigned { members[r]?.reputation.record(score: 0) }
            return [.abandonRound(spec, updates: runners.count)] + open(at: now)
        }
    }

    /// The shell aggregated the round: `scores` are its own measurements in [0, 1] per runner
    /// whose update was used or refused; `offences` are proven cheating (non-finite or malformed
    /// updates, failed re-execution audits). Pays, updates reputations, slashes, bans, and
    /// opens the next round with the new model version.
    public mutating func aggregated(round: UInt64, newVersion: UInt64, scores: [String: Double], offences: [String: String],
                                    at now: Int64) -> [RoundAction] {
        guard case .aggregating(let spec) = phase, spec.round == round else { return [] }
        var actions: [RoundAction] = []
        for runner in assigned.union(delivered).sorted() {
            let score = offences[runner] != nil ? 0 : (scores[runner] ?? 0)
            members[runner]?.reputation.record(score: score)
        }
        var weights: [String: Double] = [:]
        for (runner, score) in scores where offences[runner] == nil {
            guard let m = members[runner], !m.banned else { continue }
            weights[runner] = max(0, score) * m.reputation.value
        }
        for (runner, amount) in RewardSplit.split(emission: policy.emissionPerRound, weights: weights).sorted(by: { $0.key < $1.key }) {
            members[runner]?.earned += amount
            actions.append(.pay(runner: runner, round: round, amount: amount))
        }
        for (runner, reason) in offences.sorted(by: { $0.key < $1.key }) {
            guard var m = members[runner] else { continue }
            m.offences += 1
            let amount = min(m.stakeHeld, Int64((Double(policy.stake) * min(1, max(0, policy.slashFraction))).rounded(.down)))
            if amount > 0 {
                m.stakeHeld -= amount
                actions.append(.slash(runner: runner, round: round, amount: amount, reason: reason))
            }
            if m.offences >= policy.banAfterOffences, !m.banned {
                m.banned = true
                actions.append(.ban(runner: runner, reason: "\(m.offences) proven offences; the last: \(reason)"))
            }
            members[runner] = m
        }
        version = newVersion
        return actions + open(at: now)
    }
}
