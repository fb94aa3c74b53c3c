import Contracts
import Foundation
import Testing
import World

@Suite struct EncodingTests {
    static let example = QuestContract(
        questID: "q-7", createdAt: 1_738_000_000_000, deadline: 1_738_003_600_000, maxWinners: 2,
        condition: .allInOrder([
            .all([.reach(ContractArea(x: 1_200, y: 1_500, radius: 25, poi: "kittenford")), .weather(in: [.fog, .rain])]),
            .collect(
                item: "catnip-sprig", count: 2,
                sources: [ContractArea(x: 900.5, y: -13.25, radius: 30), ContractArea(x: 0.001, y: 1e9, radius: 12.125)],
                when: .gameTime(fromHour: 20, toHour: 4)),
            .anyOf([.reach(ContractArea(x: 3_000, y: 1_000, radius: 25)), .reach(ContractArea(x: -2_000.75, y: 1_000, radius: 0.5))]),
        ]))

    static let exampleCanonical = #"{"condition":{"allInOrder":[{"all":[{"reach":{"poi":"kittenford","radius":25,"x":1200,"y":1500}},{"weather":["fog","rain"]}]},{"collect":{"count":2,"item":"catnip-sprig","sources":[{"radius":30,"x":900.5,"y":-13.25},{"radius":12.125,"x":0.001,"y":1000000000}],"when":{"gameTime":{"fromHour":20,"toHour":4}}}},{"anyOf":[{"reach":{"radius":25,"x":3000,"y":1000}},{"reach":{"radius":0.5,"x":-2000.75,"y":1000}}]}]},"createdAt":1738000000000,"deadline":1738003600000,"maxWinners":2,"questID":"q-7","v":1}"#

    @Test func theCanonicalFormIsExactlyTheDocumentedBytes() throws {
        #expect(try Self.example.canonicalJSON() == Self.exampleCanonical)
    }

    @Test func theHashIsTheSHA256OfTheCanonicalBytes() throws {
        // Computed independently: printf '%s' "$canonical" | sha256sum
        #expect(try Self.example.contractHash() == "90ade26be79059ea97971219bfde877e1918b59cf3f35811a9edf13b3cf8d295")
    }

    @Test func aJSONRoundTripGivesTheSameContractAndHash() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        let decoded = try QuestContract.decode(encoder.encode(Self.example))
        #expect(decoded == Self.example)
        #expect(try decoded.contractHash() == Self.example.contractHash())
    }

    @Test func theCanonicalFormReadsBackToTheSameContract() throws {
        let decoded = try QuestContract.decode(Data(Self.exampleCanonical.utf8))
        #expect(decoded == Self.example)
        #expect(try decoded.canonicalJSON() == Self.exampleCanonical)
    }

    @Test func keyOrderAndWhitespaceDoNotChangeTheHash() throws {
        let json = """
        { "v": 1, "maxWinners": 1, "questID": "q", "deadline": 60000, "createdAt": 0,
          "condition": { "reach": { "y": 1500.0, "x": 1200, "radius": 25.000 } } }
        """
        let decoded = try QuestContract.decode(Data(json.utf8))
        #expect(try decoded.canonicalJSON() == #"{"condition":{"reach":{"radius":25,"x":1200,"y":1500}},"createdAt":0,"deadline":60000,"maxWinners":1,"questID":"q","v":1}"#)
    }

    @Test func differentContractsHaveDifferentHashes() throws {
        var other = Self.example
        other.deadline += 1
        #expect(try other.contractHash() != Self.example.contractHash())
    }

    @Test func metresAreRoundedToTheMillimetreHalfAwayFromZero() {
        #expect(ContractArea(x: 1.23456, y: -0.0005, radius: 0.0015).x == 1.235)
        #expect(ContractArea(x: 1.23456, y: -0.0005, radius: 0.0015).y == -0.001)
        #expect(ContractArea(x: 1.23456, y: -0.0005, radius: 0.0015).radius == 0.002)
        #expect(ContractArea(x: 0.1 + 0.2, y: 0, radius: 1) == ContractArea(x: 0.3, y: 0, radius: 1))
    }

    @Test func metresAreWrittenAsShortFixedDecimals() throws {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (7, "7"), (-7, "-7"), (0.5, "0.5"), (0.05, "0.05"), (0.005, "0.005"),
            (-0.125, "-0.125"), (1_234.1, "1234.1"), (0.1 + 0.2, "0.3"), (999_999_999.999, "999999999.999"),
        ]
        for (value, text) in cases {
            let subject = contract(.reach(ContractArea(x: value, y: 0, radius: 1)))
            #expect(try subject.canonicalJSON().contains(#""x":\#(text),"#), "\(value)")
        }
    }

    @Test func stringsAreEscapedOneWayOnly() throws {
        var subject = contract(.reach(Place.b))
        subject.questID = "a\"b\\c/d\ne\t\u{01}\u{1F}é🐈"
        #expect(try subject.canonicalJSON().contains(#""questID":"a\"b\\c/d\ne\t\u0001\u001fé🐈""#))
        #expect(try QuestContract.decode(Data(subject.canonicalJSON().utf8)) == subject)
    }

    @Test func anUnknownVersionIsRefused() {
        let json = #"{"v":2,"questID":"q","createdAt":0,"deadline":1,"maxWinners":1,"condition":{"teleport":{}}}"#
        #expect(throws: ContractError(code: .unsupportedVersion, path: "v", reason: "this is a version 2 contract; only version 1 is understood")) {
            try QuestContract.decode(Data(json.utf8))
        }
    }

    @Test func aContractWithoutAVersionIsRefused() throws {
        let json = #"{"questID":"q","createdAt":0,"deadline":1,"maxWinners":1,"condition":{"reach":{"x":0,"y":0,"radius":1}}}"#
        let error = try #require(throws: ContractError.self) { try QuestContract.decode(Data(json.utf8)) }
        #expect(error.code == .malformed)
        #expect(error.path == "v")
    }

    @Test func aKeyVersionOneDoesNotDefineIsRefused() throws {
        let top = #"{"v":1,"questID":"q","createdAt":0,"deadline":1,"maxWinners":1,"colour":"red","condition":{"reach":{"x":0,"y":0,"radius":1}}}"#
        let topError = try #require(throws: ContractError.self) { try QuestContract.decode(Data(top.utf8)) }
        #expect(topError.code == .unknownField)
        #expect(topError.path == "colour")

        let nested = #"{"v":1,"questID":"q","createdAt":0,"deadline":1,"maxWinners":1,"condition":{"allInOrder":[{"reach":{"x":0,"y":0,"z":3,"radius":1}}]}}"#
        let nestedError = try #require(throws: ContractError.self) { try QuestContract.decode(Data(nested.utf8)) }
        #expect(nestedError.code == .unknownField)
        #expect(nestedError.path == "condition.allInOrder[0].reach.z")

        let inCollect = #"{"v":1,"questID":"q","createdAt":0,"deadline":1,"maxWinners":1,"condition":{"collect":{"item":"a","count":1,"sources":[{"x":0,"y":0,"radius":1}],"every":2}}}"#
        let collectError = try #require(throws: ContractError.self) { try QuestContract.decode(Data(inCollect.utf8)) }
        #expect(collectError.code == .unknownField)
        #expect(collectError.path == "condition.collect.every")
    }

    @Test func aConditionMustNameExactlyOneKnownKind() throws {
        for condition in [#"{"teleport":{}}"#, #"{}"#, #"{"weather":["fog"],"gameTime":{"fromHour":1,"toHour":2}}"#] {
            let json = #"{"v":1,"questID":"q","createdAt":0,"deadline":1,"maxWinners":1,"condition":{"all":[\#(condition)]}}"#
            let error = try #require(throws: ContractError.self) { try QuestContract.decode(Data(json.utf8)) }
            #expect(error.code == .unknownCondition, "\(condition)")
            #expect(error.path == "condition.all[0]", "\(condition)")
        }
    }

    @Test func malformedJSONNamesThePathOfTheBadValue() throws {
        let json = #"{"v":1,"questID":"q","createdAt":0,"deadline":1,"maxWinners":1,"condition":{"weather":["drizzle"]}}"#
        let error = try #require(throws: ContractError.self) { try QuestContract.decode(Data(json.utf8)) }
        #expect(error.code == .malformed)
        #expect(error.path.hasPrefix("condition.weather"))
        #expect(throws: ContractError.self) { try QuestContract.decode(Data("not json".utf8)) }
    }

    @Test func decodingAlsoValidates() throws {
        let json = #"{"v":1,"questID":"q","createdAt":5,"deadline":5,"maxWinners":1,"condition":{"reach":{"x":0,"y":0,"radius":1}}}"#
        let error = try #require(throws: ContractError.self) { try QuestContract.decode(Data(json.utf8)) }
        #expect(error.code == .deadlineNotAfterStart)
    }

    @Test func eventsAndOutcomesKeepTheirJSONShape() throws {
        let event = ContractEvent.position(x: 1_200, y: 1_500, at: 7, weather: .rain, gameHour: 21)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(String(decoding: try encoder.encode(event), as: UTF8.self) == #"{"position":{"at":7,"gameHour":21,"weather":"rain","x":1200,"y":1500}}"#)
        #expect(String(decoding: try encoder.encode(ContractEvent.clock(at: 9)), as: UTF8.self) == #"{"clock":{"at":9}}"#)
        let outcomes: [ContractOutcome] = [.pickedUp(item: "a", source: 1, path: "condition"), .ignored(.finished), .completed(at: 3)]
        #expect(try JSONDecoder().decode([ContractOutcome].self, from: encoder.encode(outcomes)) == outcomes)
        #expect(try JSONDecoder().decode(ContractEvent.self, from: encoder.encode(event)) == event)
    }
}
