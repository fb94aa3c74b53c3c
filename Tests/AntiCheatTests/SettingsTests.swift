import Foundation
import Testing
import Quests
import World
@testable import AntiCheat

@Suite struct SettingsTests {
    @Test func theDefaultsAreValid() throws {
        try AntiCheatSettings().validate()
        _ = try stripRules()
    }

    struct BadCase: Sendable, CustomStringConvertible {
        let field: String
        let edit: @Sendable (inout AntiCheatSettings) -> Void
        var description: String { field }
    }

    static let badCases: [BadCase] = [
        BadCase(field: "sampleSpacingMetres") { $0.sampleSpacingMetres = 0 },
        BadCase(field: "maxSamples") { $0.maxSamples = 1 },
        BadCase(field: "teleportSpeedFactor") { $0.teleportSpeedFactor = 1.5 },
        BadCase(field: "teleportMinimumMetres") { $0.teleportMinimumMetres = -1 },
        BadCase(field: "teleportLagAllowanceSeconds") { $0.teleportLagAllowanceSeconds = .nan },
        BadCase(field: "cooldownBaseSeconds") { $0.cooldownBaseSeconds = -5 },
        BadCase(field: "cooldownSecondsPerKm") { $0.cooldownSecondsPerKm = .infinity },
        BadCase(field: "cooldownMaxSeconds") { $0.cooldownMaxSeconds = 10 },
        BadCase(field: "strikeWindowSeconds") { $0.strikeWindowSeconds = 0 },
        BadCase(field: "claimsRestrictionStrikes") { $0.claimsRestrictionStrikes = 0 },
        BadCase(field: "rewardsRestrictionStrikes") { $0.rewardsRestrictionStrikes = 1 },
    ]

    @Test(arguments: badCases)
    func aBadFieldIsRefusedByName(_ bad: BadCase) {
        var settings = AntiCheatSettings()
        bad.edit(&settings)
        #expect(throws: AntiCheatSettingsError.self) { try settings.validate() }
        do {
            try settings.validate()
        } catch {
            #expect(error.field == bad.field)
            #expect(error.description.contains("antiCheat.\(bad.field)"))
        }
    }

    @Test func theErrorSaysWhatTheFieldMustBe() {
        var settings = AntiCheatSettings()
        settings.cooldownMaxSeconds = 10
        #expect(throws: AntiCheatSettingsError.belowOtherField(
            field: "cooldownMaxSeconds", value: 10, other: "cooldownBaseSeconds", otherValue: 30)) { try settings.validate() }
        settings = AntiCheatSettings()
        settings.maxSamples = 0
        do {
            try settings.validate()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == "anti_cheat.out_of_range")
            #expect(error.description == "antiCheat.maxSamples must be at least 2 and at most 10000, got 0 [anti_cheat.out_of_range]")
        }
    }

    @Test func rulesCannotBeBuiltFromInvalidSettings() throws {
        var settings = AntiCheatSettings()
        settings.strikeWindowSeconds = -1
        #expect(throws: AntiCheatSettingsError.self) { try MovementRules(world: try stripWorld(), settings: settings) }
    }

    @Test func settingsRoundTripThroughJSON() throws {
        var settings = AntiCheatSettings()
        settings.cooldownSecondsPerKm = 45
        settings.rewardsRestrictionStrikes = 4
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(AntiCheatSettings.self, from: data) == settings)
        let keys = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        #expect(Set(keys) == [
            "sampleSpacingMetres", "maxSamples", "teleportSpeedFactor", "teleportMinimumMetres",
            "teleportLagAllowanceSeconds", "cooldownBaseSeconds", "cooldownSecondsPerKm", "cooldownMaxSeconds",
            "strikeWindowSeconds", "claimsRestrictionStrikes", "rewardsRestrictionStrikes",
        ])
    }
}
