import Contracts
import Testing
import World

@Suite struct ValidationTests {
    struct Fault: Equatable {
        var code: ContractError.Code
        var path: String
        init(_ code: ContractError.Code, _ path: String) {
            self.code = code
            self.path = path
        }
    }

    func failure(_ subject: QuestContract) -> Fault? {
        do {
            try subject.validate()
            return nil
        } catch {
            return Fault(error.code, error.path)
        }
    }

    @Test func aWellFormedContractPasses() throws {
        try EncodingTests.example.validate()
        try contract(.reach(Place.a)).validate()
    }

    @Test func errorCodesAreStable() {
        #expect(ContractError.Code.emptyList.rawValue == "contract.empty_list")
        #expect(ContractError.Code.unsupportedVersion.rawValue == "contract.unsupported_version")
        #expect(Set(ContractError.Code.allCases.map(\.rawValue)).count == ContractError.Code.allCases.count)
        #expect(ContractError.Code.allCases.allSatisfy { $0.rawValue.hasPrefix("contract.") })
    }

    @Test func theErrorNamesTheOffendingSourceDeepInTheTree() {
        let badSource = ContractArea(x: 5, y: 5, radius: 0)
        let subject = contract(.allInOrder([
            .reach(Place.a), .collect(item: "pebble", count: 1, sources: [badSource, Place.b]),
        ]))
        #expect(failure(subject) == Fault(.radiusNotPositive, "condition.allInOrder[1].collect.sources[0].radius"))
    }

    @Test func emptyListsAreRefused() {
        #expect(failure(contract(.allInOrder([]))) == Fault(.emptyList, "condition.allInOrder"))
        #expect(failure(contract(.all([.reach(Place.a), .anyOf([])]))) == Fault(.emptyList, "condition.all[1].anyOf"))
        #expect(failure(contract(.weather(in: []))) == Fault(.emptyList, "condition.weather"))
        #expect(failure(contract(.collect(item: "pebble", count: 1, sources: []))) == Fault(.emptyList, "condition.collect.sources"))
    }

    @Test func aCollectCountMustFitItsSources() {
        #expect(failure(contract(.collect(item: "pebble", count: 0, sources: Place.sources))) == Fault(.countOutOfRange, "condition.collect.count"))
        #expect(failure(contract(.collect(item: "pebble", count: 4, sources: Place.sources))) == Fault(.countOutOfRange, "condition.collect.count"))
        #expect(failure(contract(.collect(item: "pebble", count: 3, sources: Place.sources))) == nil)
    }

    @Test func coordinatesMustBeFiniteAndInRange() {
        #expect(failure(contract(.reach(ContractArea(x: .nan, y: 0, radius: 1)))) == Fault(.notFinite, "condition.reach.x"))
        #expect(failure(contract(.reach(ContractArea(x: 0, y: -.infinity, radius: 1)))) == Fault(.notFinite, "condition.reach.y"))
        #expect(failure(contract(.reach(ContractArea(x: 0, y: 0, radius: .infinity)))) == Fault(.notFinite, "condition.reach.radius"))
        #expect(failure(contract(.reach(ContractArea(x: 2e9, y: 0, radius: 1)))) == Fault(.outOfRange, "condition.reach.x"))
        #expect(failure(contract(.reach(ContractArea(x: 0, y: 0, radius: -3)))) == Fault(.radiusNotPositive, "condition.reach.radius"))
        #expect(failure(contract(.reach(ContractArea(x: 0, y: 0, radius: 0.0004)))) == Fault(.radiusNotPositive, "condition.reach.radius"))
        #expect(failure(contract(.reach(ContractArea(x: 0, y: 0, radius: 1, poi: "")))) == Fault(.emptyString, "condition.reach.poi"))
    }

    @Test func hoursMustBeInADayAndDiffer() {
        #expect(failure(contract(.gameTime(fromHour: 24, toHour: 3))) == Fault(.hourOutOfRange, "condition.gameTime.fromHour"))
        #expect(failure(contract(.gameTime(fromHour: 3, toHour: -1))) == Fault(.hourOutOfRange, "condition.gameTime.toHour"))
        #expect(failure(contract(.gameTime(fromHour: 5, toHour: 5))) == Fault(.emptyWindow, "condition.gameTime"))
        #expect(failure(contract(.gameTime(fromHour: 23, toHour: 0))) == nil)
    }

    @Test func theDeadlineMustFollowTheStart() {
        #expect(failure(contract(.reach(Place.a), createdAt: 10, deadline: 10)) == Fault(.deadlineNotAfterStart, "deadline"))
        #expect(failure(contract(.reach(Place.a), createdAt: 10, deadline: 9)) == Fault(.deadlineNotAfterStart, "deadline"))
    }

    @Test func headerFieldsAreChecked() {
        var noID = contract(.reach(Place.a))
        noID.questID = ""
        #expect(failure(noID) == Fault(.emptyString, "questID"))
        var noWinners = contract(.reach(Place.a))
        noWinners.maxWinners = 0
        #expect(failure(noWinners) == Fault(.maxWinnersOutOfRange, "maxWinners"))
        #expect(failure(contract(.collect(item: "", count: 1, sources: Place.sources))) == Fault(.emptyString, "condition.collect.item"))
    }

    @Test func nestingDeeperThanEightIsRefused() {
        var deep = ContractCondition.reach(Place.a)
        for _ in 1..<8 { deep = .all([deep]) }
        #expect(deep.depth == 8)
        #expect(failure(contract(deep)) == nil)
        let tooDeep = ContractCondition.anyOf([deep])
        #expect(failure(contract(tooDeep)) == Fault(.tooDeep, "condition.anyOf[0].all[0].all[0].all[0].all[0].all[0].all[0].all[0]"))
    }

    @Test func moreThanSixtyFourConditionsAreRefused() {
        let sixtyFour = ContractCondition.allInOrder(Array(repeating: .reach(Place.a), count: 63))
        #expect(sixtyFour.nodeCount == 64)
        #expect(failure(contract(sixtyFour)) == nil)
        let sixtyFive = ContractCondition.allInOrder(Array(repeating: .reach(Place.a), count: 64))
        #expect(failure(contract(sixtyFive)) == Fault(.tooLarge, "condition"))
    }

    @Test func aWhenConditionCountsTowardsTheLimits() {
        let when = ContractCondition.all([.weather(in: [.fog]), .gameTime(fromHour: 1, toHour: 2)])
        let gather = ContractCondition.collect(item: "pebble", count: 1, sources: Place.sources, when: when)
        #expect(gather.nodeCount == 4)
        #expect(gather.depth == 3)
    }

    @Test func aWhenConditionMustBeInstant() {
        let stateful = ContractCondition.allInOrder([.reach(Place.a)])
        let subject = contract(.collect(item: "pebble", count: 1, sources: Place.sources, when: stateful))
        #expect(failure(subject) == Fault(.statefulWhen, "condition.collect.when"))
        let badWhen = contract(.collect(item: "pebble", count: 1, sources: Place.sources, when: .weather(in: [])))
        #expect(failure(badWhen) == Fault(.emptyList, "condition.collect.when.weather"))
    }

    @Test func tooManySourcesAreRefused() {
        let sources = (0..<65).map { ContractArea(x: Double($0) * 100, y: 0, radius: 10) }
        #expect(failure(contract(.collect(item: "pebble", count: 1, sources: sources))) == Fault(.tooLarge, "condition.collect.sources"))
    }

    @Test func theFirstFaultInDocumentOrderIsReported() {
        let subject = contract(.allInOrder([.weather(in: []), .gameTime(fromHour: 1, toHour: 1)]))
        #expect(failure(subject) == Fault(.emptyList, "condition.allInOrder[0].weather"))
    }
}
