import Contracts
import Foundation
import Testing
import World

@Suite struct DeterminismTests {
    let subject = contract(.allInOrder([
        .all([.reach(Place.a), .weather(in: [.rain, .fog])]),
        .collect(item: "pebble", count: 2, sources: Place.sources, when: .gameTime(fromHour: 20, toHour: 4)),
        .anyOf([.reach(Place.b), .reach(Place.c)]),
    ]))

    /// A seeded jumble of legal and illegal events around the places of `subject`.
    func events(seed: UInt64, count: Int = 120) -> [ContractEvent] {
        var rng = SplitMix64(seed: seed)
        let places = [Place.a, Place.b, Place.c, Place.nowhere] + Place.sources
        var time: Int64 = 0
        var events: [ContractEvent] = [.accepted(at: 0)]
        for _ in 0..<count {
            time += Int64(rng.nextInt(in: 1...1_500))
            let place = places[rng.nextInt(in: 0...(places.count - 1))]
            let weather: Weather? = rng.nextUnit() < 0.1 ? nil : Weather.allCases[rng.nextInt(in: 0...5)]
            switch rng.nextInt(in: 0...19) {
            case 0: events.append(.clock(at: time))
            case 1: events.append(.settled(at: time))
            case 2: events.append(.accepted(at: time))
            default: events.append(at(place, time, weather: weather, hour: rng.nextInt(in: 0...23)))
            }
        }
        return events
    }

    @Test func evaluatingTwiceGivesTheSameState() {
        for seed in 1...20 {
            let log = events(seed: UInt64(seed))
            #expect(ContractEvaluator.evaluate(subject, events: log) == ContractEvaluator.evaluate(subject, events: log))
        }
    }

    @Test func evaluateIsTheFoldOfApply() {
        for seed in 1...20 {
            let log = events(seed: UInt64(seed))
            var live = ContractProgress(contract: subject)
            var outcomes: [ContractOutcome] = []
            for event in log { outcomes += live.apply(event) }
            let state = ContractEvaluator.evaluate(subject, events: log)
            #expect(state.progress == live)
            #expect(state.outcomes == outcomes)
        }
    }

    @Test func aPrefixThenTheRestEqualsTheWholeLog() {
        for seed in 1...20 {
            let log = events(seed: UInt64(seed))
            let whole = ContractEvaluator.evaluate(subject, events: log)
            for cut in [0, 1, log.count / 3, log.count / 2, log.count] {
                let prefix = ContractEvaluator.evaluate(subject, events: Array(log[..<cut]))
                #expect(ContractEvaluator.evaluate(prefix, continuingWith: Array(log[cut...])) == whole, "seed \(seed) cut \(cut)")
            }
        }
    }

    @Test func progressPersistedMidwayResumesToTheSameState() throws {
        let log = events(seed: 7)
        var live = ContractProgress(contract: subject)
        for event in log.prefix(40) { _ = live.apply(event) }
        var resumed = try JSONDecoder().decode(ContractProgress.self, from: JSONEncoder().encode(live))
        #expect(resumed == live)
        for event in log.dropFirst(40) { _ = resumed.apply(event) }
        #expect(resumed == ContractEvaluator.evaluate(subject, events: log).progress)
    }

    @Test func theSeededLogsReachEveryInterestingPhase() {
        let phases = Set((1...60).map { ContractEvaluator.evaluate(subject, events: events(seed: UInt64($0), count: 300)).phase })
        #expect(phases.contains(.completed) || phases.contains(.settled))
        #expect(phases.contains(.expired))
    }

    @Test func progressThatDoesNotFitItsContractIsRefused() throws {
        let live = accepted(subject)
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(live)) as? [String: Any])
        json["conditions"] = [[String: Any]]()
        let data = try JSONSerialization.data(withJSONObject: json)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ContractProgress.self, from: data) }
    }
}
