import Contracts
import Foundation
import Quests
import Testing
import World

/// The contract evaluator must agree with `QuestProgress.advance`, observation by
/// observation, before the server may switch from one to the other.
@Suite struct QuestProgressEquivalenceTests {
    /// What both sides say about one observation, in a shared vocabulary.
    enum Step: Hashable, CustomStringConvertible {
        case picked(objective: Int, item: String, source: Int)
        case unmet(objective: Int)
        case objectiveDone(Int)
        case questDone(at: Int64)

        var description: String {
            switch self {
            case .picked(let o, let item, let s): "picked \(item) at source \(s) of objective \(o)"
            case .unmet(let o): "conditions not met at objective \(o)"
            case .objectiveDone(let o): "objective \(o) done"
            case .questDone(let at): "quest done at \(at)"
            }
        }
    }

    static func steps(_ events: [ProgressEvent], quest: Quest) -> [Step] {
        events.compactMap { event in
            switch event {
            case .collected(let objective, let source, _, _):
                guard case .collect(let collect) = quest.objectives[objective] else { return nil }
                return .picked(objective: objective, item: collect.item, source: source)
            case .conditionsNotMet(let objective): return .unmet(objective: objective)
            case .objectiveCompleted(let objective): return .objectiveDone(objective)
            case .questCompleted(let at): return .questDone(at: at)
            case .ignored: return nil
            }
        }
    }

    /// Maps `condition.allInOrder[i]` to `i`; anything else cannot come from a compiled quest.
    static func objective(_ path: String) -> Int {
        let prefix = "condition.allInOrder["
        guard path.hasPrefix(prefix), path.hasSuffix("]") else { return -1 }
        return Int(path.dropFirst(prefix.count).dropLast()) ?? -1
    }

    static func steps(_ outcomes: [ContractOutcome]) -> [Step] {
        outcomes.compactMap { outcome in
            switch outcome {
            case .pickedUp(let item, let source, let path): .picked(objective: objective(path), item: item, source: source)
            case .conditionsNotMet(let path): .unmet(objective: objective(path))
            case .stepCompleted(let path): .objectiveDone(objective(path))
            case .completed(let at): .questDone(at: at)
            case .accepted, .settled, .expired, .abandoned, .ignored: nil
            }
        }
    }

    /// A seeded walk through a quest's targets: mostly the next target (its centre, a point
    /// on its edge or just outside), sometimes another target out of order or somewhere
    /// random; times from a little before creation to a little after the deadline.
    static func walk(_ quest: Quest, world: World, rng: inout SplitMix64) -> [ProgressObservation] {
        var targets: [TargetArea] = []
        for objective in quest.objectives {
            switch objective {
            case .reach(let reach): targets.append(reach.target)
            case .collect(let collect): targets += collect.sources
            }
        }
        let fromWorld = rng.nextUnit() < 0.5
        let span = quest.deadline - quest.createdAt
        let maxGap = max(2_000, span / Int64(targets.count * 6))
        var time = quest.createdAt - Int64(rng.nextInt(in: 0...3)) * 1_000
        var next = 0
        var observations: [ProgressObservation] = []
        while time <= quest.deadline + 5_000, observations.count < 600 {
            let roll = rng.nextUnit()
            var target = targets[next]
            if roll < 0.15 { target = targets[rng.nextInt(in: 0...(targets.count - 1))] }
            let point: Point
            switch rng.nextInt(in: 0...9) {
            case 0: point = Point(x: target.x + target.radius, y: target.y)
            case 1: point = Point(x: target.x, y: target.y - target.radius * 1.000_001)
            case 2: point = Point(x: (rng.nextUnit() * 20_000).rounded(), y: (rng.nextUnit() * 20_000).rounded())
            case 3: point = Point(x: target.x + target.radius * 0.7 * rng.nextUnit(), y: target.y - target.radius * 0.7 * rng.nextUnit())
            default: point = target.centre
            }
            if fromWorld {
                observations.append(ProgressObservation(point: point, time: time, world: world))
            } else {
                let weather: Weather? = rng.nextUnit() < 0.1 ? nil : Weather.allCases[rng.nextInt(in: 0...5)]
                observations.append(ProgressObservation(
                    point: point, time: time, weather: weather, gameTime: GameTime(day: 3, hour: rng.nextInt(in: 0...23), minute: 0)))
            }
            if roll > 0.5 { next = (next + 1) % targets.count }
            // Now and then land exactly on the deadline.
            let gap = Int64(rng.nextInt(in: 1...Int(maxGap)))
            time = (time < quest.deadline && time + gap > quest.deadline && rng.nextUnit() < 0.3) ? quest.deadline : time + gap
        }
        return observations
    }

    @Test func theEvaluatorAgreesWithQuestProgressOnGeneratedQuests() throws {
        let world = try shippedWorld()
        var rng = SplitMix64(seed: 0x5EED)
        var completions = 0
        var expiries = 0
        var pickUps = 0
        var unmet = 0
        var atDeadline = 0
        let quests = 240
        for seed in 0..<quests {
            let context = QuestRequestContext(
                world: world, scope: seed % 3 == 0 ? .global : .personal, difficulty: seed % 5 + 1, seed: UInt64(seed) &* 7_919,
                now: testNow.addingTimeInterval(Double(seed) * 977))
            let quest = try generatedQuest(context, id: "q-\(seed)")
            let contract = try QuestContract(quest: quest)

            var progress = QuestProgress(questID: quest.id, account: "bob")
            var live = ContractProgress(contract: contract)
            _ = live.apply(.accepted(at: quest.createdAt))
            var log: [ContractEvent] = [.accepted(at: quest.createdAt)]
            for observation in Self.walk(quest, world: world, rng: &rng) {
                let event = ContractEvent(observation)
                log.append(event)
                let expected = Self.steps(progress.advance(in: quest, with: observation), quest: quest)
                let actual = Self.steps(live.apply(event))
                guard expected == actual else {
                    Issue.record("quest \(quest.id) at \(observation.time): QuestProgress \(expected), contract \(actual)")
                    break
                }
                pickUps += expected.filter { if case .picked = $0 { true } else { false } }.count
                unmet += expected.filter { if case .unmet = $0 { true } else { false } }.count
            }
            let clock = ContractEvent.clock(at: quest.deadline + 1)
            _ = live.apply(clock)
            log.append(clock)
            #expect(live.completedAt == progress.completedAt, "quest \(quest.id)")
            #expect(ContractEvaluator.evaluate(contract, events: log).progress == live)
            if let completedAt = progress.completedAt {
                completions += 1
                if completedAt == quest.deadline { atDeadline += 1 }
            } else {
                #expect(live.phase == .expired, "quest \(quest.id) neither completed nor expired")
                expiries += 1
            }
        }
        // The walks must exercise every path, or agreement proves little.
        #expect(completions > quests / 4)
        #expect(expiries > quests / 20)
        #expect(pickUps > quests)
        #expect(unmet > quests / 10)
        print("equivalence: \(completions) completed (\(atDeadline) at the deadline), \(expiries) expired, \(pickUps) pick-ups, \(unmet) unmet conditions")
    }

    @Test func bothCountAReportExactlyAtTheDeadlineAndNeitherOneAfterIt() throws {
        let target = TargetArea(x: 1_000, y: 1_000, radius: 25)
        let quest = try makeQuest([.reach(ReachObjective(target: target))], createdAt: 1_000, deadline: 50_000)
        let contract = try QuestContract(quest: quest)
        for (time, completes) in [(999 as Int64, false), (50_000, true), (50_001, false)] {
            let observation = ProgressObservation(point: target.centre, time: time, weather: .clear, gameTime: GameTime(day: 0, hour: 9, minute: 0))
            var progress = QuestProgress(questID: quest.id, account: "bob")
            _ = progress.advance(in: quest, with: observation)
            let state = ContractEvaluator.evaluate(contract, events: [.accepted(at: 1_000), ContractEvent(observation)])
            #expect(progress.isComplete == completes, "at \(time)")
            #expect(state.completedAt == progress.completedAt, "at \(time)")
        }
    }
}
