import Foundation
@testable import QuestTruth
import Quests
import Testing
import World

/// Each kind of untruth a player met, on one hand-written quest: the true text passes, and
/// each change of one fact is caught with its code.
@Suite struct QuestTruthCheckerTests {
    /// Two places of one region and an item, by their world names.
    struct Fixture {
        let world: World
        let first: PointOfInterest
        let second: PointOfInterest
        let item: Item

        init() throws {
            guard let world = shared?.world else { throw MissingWorld() }
            self.world = world
            guard let region = world.regions.first(where: { world.pointsOfInterest(inRegion: $0.id).count >= 2 }),
                  let item = world.items.first else { throw MissingWorld() }
            let places = world.pointsOfInterest(inRegion: region.id)
            first = places[0]
            second = places[1]
            self.item = item
        }

        func spec(_ description: String) -> QuestSpec {
            let area = { (p: PointOfInterest) in TargetArea(centre: p.position, radius: 25) }
            return QuestSpec(
                title: "A Test of \(item.name)", description: description, region: first.region, difficulty: 3, motivation: .knowledge,
                objectives: [
                    .reach(ReachObjective(target: area(first), poi: first.id,
                                          conditions: ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: 17, toHour: 21)))),
                    .collect(CollectObjective(item: item.id, count: 3, sources: [area(first), area(second)])),
                    .reach(ReachObjective(target: area(second), poi: second.id, conditions: ObjectiveConditions(weather: [.rain, .storm]))),
                ],
                timeLimit: 3_600)
        }

        var goTo: String { "First, go to \(first.name), but only at dusk (17:00-21:00 game time)." }
        var gather: String { "Then gather three pieces of \(item.name) from separate places." }
        var visit: String { "Finally, visit \(second.name) while it rains or storms." }
        var truthful: String { "Old Tom needs a hand. \(goTo) \(gather) \(visit) Be quick about it." }

        func codes(_ description: String, scope: QuestScope = .personal) -> Set<QuestTruthReport.Code> {
            Set(QuestTruthChecker(world: world).check(spec(description), scope: scope).violations.map(\.code))
        }
    }

    @Test("A text that says what the objectives say passes, for either scope")
    func truthfulPasses() throws {
        let f = try Fixture()
        #expect(f.codes(f.truthful).isEmpty)
        #expect(f.codes(f.truthful, scope: .global).isEmpty)
        // Story words that are not conditions: a habit, a name, a time in the opening.
        let story = "Late one evening, Old Tom asks for help. \(f.goTo) Offerings are left there every full moon. \(f.gather) \(f.visit)"
        #expect(f.codes(story).isEmpty)
    }

    @Test("Hours: a window the contract does not have, a time word for an objective without one, a window left out")
    func hours() throws {
        let f = try Fixture()
        #expect(f.codes(f.truthful.replacingOccurrences(of: "17:00-21:00", with: "15:00-18:00")) == [.hours])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "at dusk (17:00-21:00 game time)", with: "at dawn")) == [.hours])
        #expect(f.codes(f.truthful.replacingOccurrences(of: ", but only at dusk (17:00-21:00 game time)", with: "")) == [.hours])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "from separate places", with: "in the small hours")) == [.hours])
    }

    @Test("Weather: a kind the contract does not accept, or none said")
    func weather() throws {
        let f = try Fixture()
        #expect(f.codes(f.truthful.replacingOccurrences(of: "while it rains or storms", with: "in thick fog")) == [.weather])
        #expect(f.codes(f.truthful.replacingOccurrences(of: " while it rains or storms", with: "")) == [.weather])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "from separate places", with: "while no rain falls")) == [.weather])
    }

    @Test("Counts: a wrong number, none at all, a place counted as an item, an objective asked twice")
    func counts() throws {
        let f = try Fixture()
        #expect(f.codes(f.truthful.replacingOccurrences(of: "three pieces", with: "two pieces")) == [.count])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "three pieces of \(f.item.name)", with: "\(f.item.name), 4 in all,")) == [.count])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "three pieces of", with: "some")) == [.count])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "Be quick about it.", with: "Bring three measures of \(f.second.name).")) == [.placeAsItem])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "Be quick about it.", with: "Last of all, find three pieces of \(f.item.name).")) == [.duplicate])
    }

    @Test("Order and omission: objectives spoken of out of order, or not at all")
    func order() throws {
        let f = try Fixture()
        #expect(f.codes("Old Tom needs a hand. \(f.visit) \(f.goTo) \(f.gather)").contains(.order))
        #expect(f.codes("Old Tom needs a hand. \(f.goTo) \(f.gather)") == [.omitted])
    }

    @Test("Scope: race phrases only in a global quest, 'you alone' only in a personal one")
    func scope() throws {
        let f = try Fixture()
        let race = f.truthful + " The first paws to finish claim the reward."
        #expect(f.codes(race) == [.scope])
        #expect(f.codes(race, scope: .global).isEmpty)
        let alone = f.truthful + " This task is for you alone."
        #expect(f.codes(alone, scope: .global) == [.scope])
        #expect(f.codes(alone).isEmpty)
    }

    @Test("With a dictionary, a word no quest has used is a broken fragment; names are not words")
    func spelling() throws {
        let f = try Fixture()
        let words = QuestTruthChecker.dictionary(from: ["Old Tom needs a hand. First, go to {x}, but only at dusk (17:00-21:00 game time).",
                                                        "Then gather three pieces of {y} from separate places. Finally, visit {z} while it rains or storms.",
                                                        "Be quick about it. The fastest cats win.", "A Test of {y}"])
        let checker = QuestTruthChecker(world: f.world, dictionary: words)
        #expect(checker.check(f.spec(f.truthful), scope: .personal).isTruthful)
        let broken = checker.check(f.spec(f.truthful.replacingOccurrences(of: "Be quick", with: "Be fastestune")), scope: .personal)
        #expect(Set(broken.violations.map(\.code)) == [.fragment])
        #expect(broken.description.contains("fastestune"))
    }

    @Test("Overlapping names are read as the longest: \"the Yarnspire Crags\" is the region, not The Yarnspire and a stray word")
    func overlappingNames() throws {
        let f = try Fixture()
        let words = QuestTruthChecker.dictionary(from: [f.truthful, "A Test of {y}", "The goats of the {r} tread carefully."])
        let checker = QuestTruthChecker(world: f.world, dictionary: words)
        #expect(checker.check(f.spec(f.truthful + " The goats of the Yarnspire Crags tread carefully."), scope: .personal).isTruthful)
        let mentions = checker.mentions(in: Array("go to the yarnspire crags and the yarnspire".utf8))
        #expect(mentions.map(\.id) == ["yarnspire-crags", "the-yarnspire"])
    }

    @Test("Repetition and fragments: a sentence twice, a glued name, a sentence cut or started in the middle")
    func fragments() throws {
        let f = try Fixture()
        #expect(f.codes(f.truthful + " Be quick about it.") == [.repeatedSentence])
        #expect(f.codes(f.truthful.replacingOccurrences(of: "Be quick about it.", with: "Come\(f.second.name)Sunstone.")) == [.fragment])
        #expect(f.codes(f.truthful + " of all, the reward is waiting.") == [.fragment])
        #expect(f.codes(String(f.truthful.dropLast())) == [.fragment])
    }
}
