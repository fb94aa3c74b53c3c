import Foundation
import Testing
import Quests
import World
@testable import AntiCheat

@Suite struct PersistenceTests {
    func roundTrip(_ model: MovementModel) throws -> MovementModel {
        try JSONDecoder().decode(MovementModel.self, from: try JSONEncoder().encode(model))
    }

    @Test func aRoundTripKeepsPositionCooldownStrikesAndAnnouncedLevel() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: rules)
        _ = model.teleportAcrossTheStrip(at: 200, rules: rules)
        let restored = try roundTrip(model)
        #expect(restored == model)
        #expect(restored.account == "alice")
        #expect(restored.strikes.count == 2)
        #expect(restored.coolingDownUntil == model.coolingDownUntil)
        #expect(restored.announcedLevel == .noClaims)
        #expect(restored.lastAccepted == report(500, at: 200))
    }

    @Test func aRestoredModelJudgesTheNextReportsExactlyAsTheOriginal() throws {
        let rules = try stripRules()
        var original = MovementModel(account: "alice")
        _ = original.teleportAcrossTheStrip(at: 0, rules: rules)
        var restored = try roundTrip(original)
        for (x, seconds) in [(510.0, 10.0), (2_900, 175), (900, 176), (2_900, 177), (950, 2_000)] {
            #expect(restored.evaluate(report(x, at: seconds), rules: rules) == original.evaluate(report(x, at: seconds), rules: rules))
        }
        #expect(restored == original)
    }

    @Test func aRestoredModelDoesNotAnnounceAnOldRestrictionAgain() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: rules)
        _ = model.teleportAcrossTheStrip(at: 200, rules: rules)
        var restored = try roundTrip(model)
        #expect(restored.refresh(now: millis(300), settings: rules.settings) == nil)
    }

    @Test func aStrikeEventEncodesAsItsLedgerPayload() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        let ruling = model.teleportAcrossTheStrip(at: 0, rules: rules)
        let event = try #require(ruling.events.first)
        #expect(event.kind == "movement.strike")
        let json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(event)) as? [String: Any])
        #expect(json["account"] as? String == "alice")
        #expect(json["kind"] as? String == "teleport")
        #expect(json["distance"] as? Double == 2_400)
        #expect((json["from"] as? [String: Any])?["x"] as? Double == 500)
        #expect(json["cooldownUntil"] as? Int64 == millis(175))
        let decoded = try JSONDecoder().decode(StrikeEvent.self, from: try JSONEncoder().encode(event))
        #expect(decoded == ruling.strike)
    }

    @Test func aRestrictionChangeEncodesAsItsLedgerPayload() throws {
        let rules = try stripRules()
        var model = MovementModel(account: "alice")
        _ = model.teleportAcrossTheStrip(at: 0, rules: rules)
        let ruling = model.teleportAcrossTheStrip(at: 200, rules: rules)
        let event = try #require(ruling.events.last)
        #expect(event.kind == "restriction.changed")
        let json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(event)) as? [String: Any])
        #expect(json["previous"] as? String == "unrestricted")
        #expect(json["level"] as? String == "noClaims")
        #expect((json["reason"] as? String)?.hasPrefix("2 teleports in 24 h") == true)
    }
}
