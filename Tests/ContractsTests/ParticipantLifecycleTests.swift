import Contracts
import Testing
import World

@Suite struct ParticipantLifecycleTests {
    let reachA = contract(.reach(Place.a), createdAt: 10_000, deadline: 100_000)

    @Test func acceptingMakesTheParticipantActive() {
        var progress = ContractProgress(contract: reachA)
        #expect(progress.phase == .created)
        #expect(progress.apply(.accepted(at: 10_000)) == [.accepted(at: 10_000)])
        #expect(progress.phase == .active)
        #expect(progress.acceptedAt == 10_000)
    }

    @Test func aPositionBeforeAcceptingIsIgnored() {
        var progress = ContractProgress(contract: reachA)
        #expect(progress.apply(at(Place.a, 20_000)) == [.ignored(.notAccepted)])
        #expect(progress.phase == .created)
    }

    @Test func acceptingTwiceIsIgnored() {
        var progress = accepted(reachA)
        #expect(progress.apply(.accepted(at: 20_000)) == [.ignored(.alreadyAccepted)])
        #expect(progress.acceptedAt == 10_000)
    }

    @Test func acceptingBeforeTheContractWasCreatedIsIgnored() {
        var progress = ContractProgress(contract: reachA)
        #expect(progress.apply(.accepted(at: 9_999)) == [.ignored(.beforeStart)])
        #expect(progress.phase == .created)
    }

    @Test func aPositionBeforeCreatedAtIsIgnored() {
        var progress = accepted(reachA)
        #expect(progress.apply(at(Place.a, 9_999)) == [.ignored(.beforeStart)])
        #expect(progress.phase == .active)
        #expect(progress.apply(at(Place.a, 10_000)) == [.completed(at: 10_000)])
    }

    @Test func completionHappensExactlyOnce() {
        var progress = accepted(reachA)
        #expect(progress.apply(at(Place.a, 20_000)).completions == [20_000])
        #expect(progress.apply(at(Place.a, 30_000)) == [.ignored(.alreadyCompleted)])
        #expect(progress.completedAt == 20_000)
        #expect(progress.phase == .completed)
    }

    @Test func settlingBeforeCompletionIsIgnored() {
        var progress = accepted(reachA)
        #expect(progress.apply(.settled(at: 20_000)) == [.ignored(.notCompleted)])
        #expect(progress.phase == .active)
        var fresh = ContractProgress(contract: reachA)
        #expect(fresh.apply(.settled(at: 20_000)) == [.ignored(.notAccepted)])
        #expect(fresh.phase == .created)
    }

    @Test func aCompletedParticipantIsSettled() {
        var progress = accepted(reachA)
        _ = progress.apply(at(Place.a, 20_000))
        #expect(progress.apply(.settled(at: 200_000)) == [.settled(at: 200_000)])
        #expect(progress.phase == .settled)
        #expect(progress.endedAt == 200_000)
    }

    @Test func aCompletedParticipantNeitherExpiresNorAbandons() {
        var progress = accepted(reachA)
        _ = progress.apply(at(Place.a, 20_000))
        #expect(progress.apply(.clock(at: 500_000)).isEmpty)
        #expect(progress.apply(.abandoned(at: 500_000)) == [.ignored(.alreadyCompleted)])
        #expect(progress.phase == .completed)
    }

    @Test func anActiveParticipantMayAbandon() {
        var progress = accepted(reachA)
        #expect(progress.apply(.abandoned(at: 20_000)) == [.abandoned(at: 20_000)])
        #expect(progress.phase == .abandoned)
    }

    @Test func everyEventAfterAFinalStateIsIgnored() {
        let finals: [[ContractEvent]] = [
            [at(Place.a, 20_000), .settled(at: 30_000)], [.abandoned(at: 20_000)], [.clock(at: 100_000)],
        ]
        let later: [ContractEvent] = [
            .accepted(at: 40_000), at(Place.a, 40_000), .abandoned(at: 40_000), .settled(at: 40_000), .clock(at: 40_000),
        ]
        for path in finals {
            var progress = accepted(reachA)
            _ = progress.apply(path)
            let before = progress
            #expect(progress.phase.isFinal)
            for event in later {
                #expect(progress.apply(event) == [.ignored(.finished)])
            }
            #expect(progress == before)
        }
    }

    @Test func aClockBeforeTheDeadlineChangesNothing() {
        var progress = accepted(reachA)
        let before = progress
        #expect(progress.apply(.clock(at: 99_999)).isEmpty)
        #expect(progress == before)
    }

    @Test func aClockAtTheDeadlineExpiresAnUnfinishedParticipant() {
        var progress = accepted(reachA)
        #expect(progress.apply(.clock(at: 100_000)) == [.expired(at: 100_000)])
        #expect(progress.phase == .expired)
    }

    @Test func aParticipantWhoNeverAcceptedExpiresToo() {
        var progress = ContractProgress(contract: reachA)
        #expect(progress.apply(.accepted(at: 100_001)) == [.expired(at: 100_001)])
        #expect(progress.phase == .expired)
    }

    @Test func aPositionAfterTheDeadlineExpiresWithoutCounting() {
        var progress = accepted(reachA)
        #expect(progress.apply(at(Place.a, 100_001)) == [.expired(at: 100_001)])
        #expect(progress.completedAt == nil)
    }

    @Test func aPositionExactlyAtTheDeadlineStillCounts() {
        var progress = accepted(reachA)
        #expect(progress.apply(at(Place.a, 100_000)) == [.completed(at: 100_000)])
        #expect(progress.phase == .completed)
    }

    @Test func aPositionAtTheDeadlineThatCompletesNothingExpires() {
        var progress = accepted(contract(.collect(item: "pebble", count: 2, sources: Place.sources), deadline: 100_000))
        #expect(progress.apply(at(Place.sources[0], 100_000)) == [
            .pickedUp(item: "pebble", source: 0, path: "condition"), .expired(at: 100_000),
        ])
        #expect(progress.phase == .expired)
    }

    @Test func aMalformedPositionIsIgnored() {
        var progress = accepted(reachA)
        let before = progress
        #expect(progress.apply(.position(x: .nan, y: 1_000, at: 20_000, weather: .clear, gameHour: 12)) == [.ignored(.invalidPosition)])
        #expect(progress.apply(.position(x: 1_000, y: .infinity, at: 20_000, weather: .clear, gameHour: 12)) == [.ignored(.invalidPosition)])
        #expect(progress.apply(.position(x: 1_000, y: 1_000, at: 20_000, weather: .clear, gameHour: 24)) == [.ignored(.invalidPosition)])
        #expect(progress == before)
    }

    @Test func ignoredReasonsHaveStableCodes() {
        #expect(ContractIgnoredReason.allCases.map(\.rawValue) == [
            "contract.not_accepted", "contract.already_accepted", "contract.not_completed", "contract.already_completed",
            "contract.finished", "contract.before_start", "contract.invalid_position",
        ])
    }
}
