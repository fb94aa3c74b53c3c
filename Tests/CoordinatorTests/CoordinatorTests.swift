import Foundation
import Testing
@testable import Coordinator

@Suite struct RewardSplitTests {
    @Test("Shares add up to exactly the emission, in proportion to the weights")
    func exact() {
        for emission: Int64 in [1, 7, 10_000_000, 9_999_999_999] {
            let shares = RewardSplit.split(emission: emission, weights: ["a": 1, "b": 1, "c": 1, "d": 0.5])
            #expect(shares.values.reduce(0, +) == emission)
        }
        let s = RewardSplit.split(emission: 1_000, weights: ["a": 3, "b": 1])
        #expect(s == ["a": 750, "b": 250])
    }

    @Test("Zero, negative, NaN and infinite weights earn nothing; no positive weight pays nothing")
    func ineligible() {
        let s = RewardSplit.split(emission: 100, weights: ["a": 0, "b": -1, "c": .nan, "d": .infinity, "e": 2])
        #expect(s == ["e": 100])
        #expect(RewardSplit.split(emission: 100, weights: ["a": 0]).isEmpty)
        #expect(RewardSplit.split(emission: 0, weights: ["a": 1]).isEmpty)
    }

    @Test("Leftover micro-PUR go to the largest remainders, ties by runner id")
    func remainders() {
        let s = RewardSplit.split(emission: 10, weights: ["b": 1, "a": 1, "c": 1])
        #expect(s == ["a": 4, "b": 3, "c": 3])
    }
}

@Suite struct ShardPlanTests {
    @Test("Shards are deterministic, in range, and differ between runners and rounds")
    func shards() {
        let a = ShardPlan.samples(seed: 7, runner: "alice", round: 1, count: 64, corpusSize: 5_000)
        #expect(a == ShardPlan.samples(seed: 7, runner: "alice", round: 1, count: 64, corpusSize: 5_000))
        #expect(a.allSatisfy { (0..<5_000).contains($0) })
        #expect(a != ShardPlan.samples(seed: 7, runner: "bob", round: 1, count: 64, corpusSize: 5_000))
        #expect(a != ShardPlan.samples(seed: 7, runner: "alice", round: 2, count: 64, corpusSize: 5_000))
        #expect(ShardPlan.samples(seed: 7, runner: "alice", round: 1, count: 0, corpusSize: 5_000).isEmpty)
    }
}

@Suite struct RoundStateMachineTests {
    var policy: RoundPolicy {
        var p = RoundPolicy()
        p.roundSeconds = 100
        p.minSecondsToJoinRound = 20
        p.quorum = 2
        p.emissionPerRound = 1_000
        p.stake = 100
        p.slashFraction = 0.6
        p.banAfterOffences = 2
        return p
    }

    @Test("A round with a runner still training stays open until its deadline, then closes with whoever delivered")
    func deadline() {
        var single = policy
        single.quorum = 1
        var m = RoundStateMachine(policy: single, runSeed: 42)
        guard case .openRound(let spec)? = m.join("a", at: 0).first else { Issue.record("no round"); return }
        _ = m.join("b", at: 1_000)
        #expect(m.submit("a", round: 1, at: 2_000).isEmpty)
        #expect(m.tick(at: 50_000).isEmpty, "b is still training")
        #expect(m.tick(at: 100_000).isEmpty, "the deadline itself still accepts updates")
        #expect(m.tick(at: 100_001) == [.aggregate(spec, runners: ["a"])])
    }

    @Test("The first runner opens a round; a late joiner waits; the round closes once every assigned runner delivered")
    func lifecycle() throws {
        var m = RoundStateMachine(policy: policy, runSeed: 42)
        let opened = m.join("a", at: 0)
        guard case .openRound(let spec)? = opened.first else { Issue.record("no round opened: \(opened)"); return }
        #expect(spec.round == 1 && spec.version == 0 && spec.deadline == 100_000)
        #expect(m.join("b", at: 10_000) == [.assign(runner: "b", spec)])
        #expect(m.join("c", at: 90_000).isEmpty, "too late to join round 1")
        #expect(m.submit("a", round: 1, at: 50_000).isEmpty)
        #expect(m.submit("a", round: 1, at: 51_000).first.map { if case .refuse(_, .duplicate, _) = $0 { true } else { false } } == true)
        #expect(m.submit("c", round: 1, at: 52_000).first.map { if case .refuse(_, .notAssigned, _) = $0 { true } else { false } } == true)
        #expect(m.submit("b", round: 2, at: 52_000).first.map { if case .refuse(_, .wrongRound, _) = $0 { true } else { false } } == true)
        #expect(m.submit("b", round: 1, at: 60_000).isEmpty)
        #expect(m.tick(at: 61_000) == [.aggregate(spec, runners: ["a", "b"])], "everyone assigned delivered: no need to wait")
        #expect(m.tick(at: 100_001).isEmpty, "already aggregating")
        #expect(m.submit("b", round: 1, at: 100_002).first.map { if case .refuse(_, .noRoundOpen, _) = $0 { true } else { false } } == true)
        let after = m.aggregated(round: 1, newVersion: 1, scores: ["a": 0.9, "b": 0.3], offences: [:], at: 101_000)
        let paid = after.compactMap { if case .pay(let r, _, let amount) = $0 { (r, amount) } else { nil } }
        #expect(paid.map(\.1).reduce(0, +) == 1_000)
        #expect(paid.first { $0.0 == "a" }.map(\.1) ?? 0 > paid.first { $0.0 == "b" }.map(\.1) ?? 0)
        guard case .openRound(let next)? = after.first(where: { if case .openRound = $0 { true } else { false } }) else {
            Issue.record("no next round"); return
        }
        #expect(next.round == 2 && next.version == 1)
        #expect(Set(after.compactMap { if case .assign(let r, _) = $0 { r } else { nil } }) == ["a", "b", "c"])
    }

    @Test("Without quorum a round is abandoned: no model change, nothing paid, the next round opens")
    func abandoned() {
        var m = RoundStateMachine(policy: policy, runSeed: 1)
        _ = m.join("a", at: 0)
        _ = m.join("b", at: 0)
        _ = m.submit("a", round: 1, at: 10)
        let actions = m.tick(at: 100_001)
        #expect(actions.first.map { if case .abandonRound(_, 1) = $0 { true } else { false } } == true)
        #expect(!actions.contains { if case .pay = $0 { true } else { false } })
        #expect(m.version == 0 && m.openRound?.round == 2)
    }

    @Test("Offenders score nothing, are slashed (never beyond their stake) and banned after repeated offences")
    func offences() {
        var m = RoundStateMachine(policy: policy, runSeed: 1)
        _ = m.join("good", at: 0)
        _ = m.join("bad", at: 0)
        var slashed: Int64 = 0
        var banned = false
        for round in UInt64(1)...3 {
            let start = Int64(round - 1) * 200_000
            _ = m.submit("good", round: round, at: start + 10)
            _ = m.submit("bad", round: round, at: start + 10)
            _ = m.tick(at: start + 100_001)
            let actions = m.aggregated(round: round, newVersion: round, scores: ["good": 0.5, "bad": 0.9],
                                       offences: ["bad": "update had NaN"], at: start + 200_000)
            for a in actions {
                if case .pay(let r, _, _) = a { #expect(r == "good") }
                if case .slash(_, _, let amount, _) = a { slashed += amount }
                if case .ban("bad", _) = a { banned = true }
            }
        }
        #expect(slashed == 100, "60 then the remaining 40 of a stake of 100")
        #expect(banned)
        #expect(m.join("bad", at: 700_000).first.map { if case .refuse(_, .banned, _) = $0 { true } else { false } } == true)
        #expect((m.members["good"]?.reputation.value ?? 0) > (m.members["bad"]?.reputation.value ?? 1))
    }

    @Test("State survives a restart through Codable, mid-round")
    func codable() throws {
        var m = RoundStateMachine(policy: policy, runSeed: 9)
        _ = m.join("a", at: 0)
        _ = m.submit("a", round: 1, at: 5)
        let data = try JSONEncoder().encode(m)
        let back = try JSONDecoder().decode(RoundStateMachine.self, from: data)
        #expect(back == m)
    }
}
