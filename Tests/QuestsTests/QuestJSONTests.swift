import Foundation
import Ledger
import Testing
import Quests
import World

@Suite struct QuestJSONTests {
    @Test func aQuestEncodesWithTheAgreedShape() throws {
        let world = try shippedWorld()
        let spec = try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .global, difficulty: 4, seed: 77, now: testNow))
        let quest = try makeQuest(spec, world: world, scope: .global)
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(quest)) as? [String: Any])
        #expect(Set(object.keys) == [
            "id", "scope", "requester", "title", "description", "region", "difficulty", "motivation", "objectives", "reward",
            "price", "maxWinners", "createdAt", "deadline", "status", "winners",
        ])
        #expect(object["scope"] as? String == "global")
        #expect(object["status"] as? String == "active")
        #expect(object["reward"] as? String == quest.reward.decimalString)
        #expect(object["price"] as? String == quest.price.decimalString)
        let objectives = try #require(object["objectives"] as? [[String: Any]])
        for objective in objectives {
            let type = try #require(objective["type"] as? String)
            #expect(type == "reach" || type == "collect")
            if type == "collect" {
                #expect(objective["item"] is String && objective["count"] is Int && objective["sources"] is [[String: Any]])
            } else {
                let target = try #require(objective["target"] as? [String: Any])
                #expect(Set(target.keys) == ["x", "y", "radius"])
            }
        }
    }

    @Test func aQuestSurvivesAJSONRoundTrip() throws {
        let world = try shippedWorld()
        for seed in 0..<20 {
            let spec = try GrammarQuestGenerator().generate(QuestRequestContext(world: world, scope: .personal, difficulty: 5, seed: UInt64(seed), now: testNow))
            let quest = try makeQuest(spec, world: world)
            #expect(try JSONDecoder().decode(Quest.self, from: JSONEncoder().encode(quest)) == quest)
        }
    }

    @Test func objectiveConditionsSitBesideTheOtherFields() throws {
        let json = #"{"type":"reach","target":{"x":1,"y":2,"radius":25},"poi":"kittenford","weather":["fog","rain"],"gameTimeWindow":{"fromHour":20,"toHour":4}}"#
        let objective = try JSONDecoder().decode(Objective.self, from: Data(json.utf8))
        #expect(objective == .reach(ReachObjective(
            target: TargetArea(x: 1, y: 2, radius: 25), poi: "kittenford",
            conditions: ObjectiveConditions(weather: [.fog, .rain], gameTimeWindow: GameTimeWindow(fromHour: 20, toHour: 4)))))
    }

    @Test func anUnknownObjectiveTypeIsAnError() {
        let json = #"{"type":"dance","target":{"x":1,"y":2,"radius":25}}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Objective.self, from: Data(json.utf8)) }
    }
}
