import Ledger
import Testing
import Quests

@Suite struct QuestLifecycleTests {
    func quest(scope: QuestScope = .personal, maxWinners: Int = 1, status: QuestStatus = .created) -> Quest {
        Quest(
            id: "q", scope: scope, requester: "alice", title: "t", description: "d", region: "purrington", difficulty: 2,
            motivation: .wealth, objectives: [], reward: .pur(2), price: .pur(Int64(3 * maxWinners)), maxWinners: maxWinners,
            createdAt: 0, deadline: 1_000, status: status)
    }

    @Test func aPersonalQuestRunsFromCreatedToSettled() throws {
        var machine = try QuestLifecycle(quest: quest())
        #expect(try machine.handle(.funded) == [.escrowPrice(from: "alice", amount: .pur(3)), .statusChanged(.active)])
        #expect(try machine.handle(.participantCompleted(account: "alice", at: 900)) == [.recordWinner("alice"), .statusChanged(.completed)])
        #expect(try machine.handle(.settle) == [.payReward(to: "alice", amount: .pur(2)), .collectFee(amount: .pur(1)), .statusChanged(.settled)])
        #expect(machine.quest.status == .settled)
    }

    @Test func aGlobalQuestSettlesWinnersAndRefundsUnusedRewards() throws {
        var machine = try QuestLifecycle(quest: quest(scope: .global, maxWinners: 3))
        _ = try machine.handle(.funded)
        #expect(try machine.handle(.participantCompleted(account: "bob", at: 10)) == [.recordWinner("bob")])
        #expect(try machine.handle(.deadlinePassed(at: 1_000)) == [.statusChanged(.completed)])
        #expect(try machine.handle(.settle) == [
            .payReward(to: "bob", amount: .pur(2)), .refund(to: "alice", amount: .pur(4)), .collectFee(amount: .pur(3)),
            .statusChanged(.settled),
        ])
    }

    @Test func aQuestWithoutWinnersExpiresAndRefundsThePool() throws {
        var machine = try QuestLifecycle(quest: quest())
        _ = try machine.handle(.funded)
        #expect(try machine.handle(.deadlinePassed(at: 1_500)) == [
            .refund(to: "alice", amount: .pur(2)), .collectFee(amount: .pur(1)), .statusChanged(.expired),
        ])
    }

    @Test func theRequesterMayAbandonBeforeAnyoneWins() throws {
        var machine = try QuestLifecycle(quest: quest(scope: .global, maxWinners: 2))
        _ = try machine.handle(.funded)
        #expect(throws: QuestLifecycleError.self) { try machine.handle(.abandon(by: "mallory")) }
        #expect(try machine.handle(.abandon(by: "alice")).last == .statusChanged(.abandoned))
    }

    @Test func abandoningAfterAWinIsRefused() throws {
        var machine = try QuestLifecycle(quest: quest(scope: .global, maxWinners: 2))
        _ = try machine.handle(.funded)
        _ = try machine.handle(.participantCompleted(account: "bob", at: 1))
        #expect { try machine.handle(.abandon(by: "alice")) } throws: { ($0 as? QuestLifecycleError)?.code == .hasWinners }
    }

    @Test func illegalTransitionsAreRefusedAndChangeNothing() throws {
        var machine = try QuestLifecycle(quest: quest())
        let before = machine.quest
        for event: QuestEvent in [.settle, .deadlinePassed(at: 2_000), .participantCompleted(account: "alice", at: 1), .abandon(by: "alice")] {
            #expect { try machine.handle(event) } throws: { ($0 as? QuestLifecycleError)?.code == .illegalTransition }
        }
        #expect(machine.quest == before)
        _ = try machine.handle(.funded)
        #expect { try machine.handle(.funded) } throws: { ($0 as? QuestLifecycleError)?.code == .illegalTransition }
        #expect { try machine.handle(.settle) } throws: { ($0 as? QuestLifecycleError)?.code == .illegalTransition }
    }

    @Test func terminalQuestsTakeNoFurtherEvents() throws {
        var machine = try QuestLifecycle(quest: quest())
        _ = try machine.handle(.funded)
        _ = try machine.handle(.deadlinePassed(at: 1_000))
        #expect(machine.quest.status.isTerminal)
        #expect { try machine.handle(.settle) } throws: { ($0 as? QuestLifecycleError)?.code == .illegalTransition }
        #expect { try machine.handle(.participantCompleted(account: "alice", at: 999)) } throws: {
            ($0 as? QuestLifecycleError)?.code == .illegalTransition
        }
    }

    @Test func completingAfterTheDeadlineIsRefused() throws {
        var machine = try QuestLifecycle(quest: quest())
        _ = try machine.handle(.funded)
        #expect { try machine.handle(.participantCompleted(account: "alice", at: 1_001)) } throws: {
            ($0 as? QuestLifecycleError)?.code == .pastDeadline
        }
    }

    @Test func theDeadlineEventBeforeTheDeadlineIsRefused() throws {
        var machine = try QuestLifecycle(quest: quest())
        _ = try machine.handle(.funded)
        #expect { try machine.handle(.deadlinePassed(at: 999)) } throws: { ($0 as? QuestLifecycleError)?.code == .deadlineNotReached }
    }

    @Test func winnersMustBeEligibleAndWinOnce() throws {
        var personal = try QuestLifecycle(quest: quest())
        _ = try personal.handle(.funded)
        #expect { try personal.handle(.participantCompleted(account: "bob", at: 1)) } throws: { ($0 as? QuestLifecycleError)?.code == .notEligible }

        var global = try QuestLifecycle(quest: quest(scope: .global, maxWinners: 3))
        _ = try global.handle(.funded)
        #expect { try global.handle(.participantCompleted(account: "alice", at: 1)) } throws: { ($0 as? QuestLifecycleError)?.code == .notEligible }
        _ = try global.handle(.participantCompleted(account: "bob", at: 1))
        #expect { try global.handle(.participantCompleted(account: "bob", at: 2)) } throws: { ($0 as? QuestLifecycleError)?.code == .alreadyWon }
    }

    @Test func aPriceThatCannotCoverThePoolIsRefused() {
        var q = quest(scope: .global, maxWinners: 3)
        q.price = .pur(5)
        #expect { try QuestLifecycle(quest: q) } throws: { ($0 as? QuestLifecycleError)?.code == .insolvent }
    }
}
