import Foundation
import Testing
import Quests
import QuestModel
import World

@Suite struct QuestDocumentTests {
    @Test func aHandWrittenQuestParsesIntoItsLines() throws {
        let lexicon = try shippedLexicon()
        let document = try QuestDocument.parse(sampleQuest, lexicon: lexicon)
        #expect(document.scope == .personal)
        #expect(document.region == "catnip-meadows")
        #expect(document.difficulty == 2)
        #expect(document.motivation == .comfort)
        #expect(document.objectives == [
            .reach(place: "purring-mill", conditions: ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: 18, toHour: 22))),
            .collect(item: "catnip-sprig", count: 2, sources: ["kittenford", "saucer-well", "nipfield-market"], conditions: .none),
        ])
        #expect(document.title == "The Bell of {purring-mill}")
    }

    @Test func renderingAParsedDocumentGivesTheSameBytes() throws {
        let lexicon = try shippedLexicon()
        let document = try QuestDocument.parse(sampleQuest, lexicon: lexicon)
        #expect(document.text == sampleQuest)
        #expect(try QuestDocument.parse(document.text, lexicon: lexicon) == document)
    }

    @Test func aResolvedDocumentPassesTheValidatorWithNamesInPlaceOfReferences() throws {
        let lexicon = try shippedLexicon()
        let world = try shippedWorld()
        let spec = try QuestDocument.parse(sampleQuest, lexicon: lexicon).spec(lexicon: lexicon, now: testNow)
        #expect(spec.title == "The Bell of The Purring Mill")
        #expect(spec.description.contains("Gather 2 Catnip Sprig by Kittenford"))
        guard case .collect(let collect) = spec.objectives[1] else { Issue.record("not a collect"); return }
        #expect(collect.sources.count == 3)
        #expect(collect.sources[0].centre == world.pointOfInterest(id: "kittenford")?.position)
        #expect(collect.sources[0].radius == world.settings.claimRadius)
        try QuestValidator.validate(spec, world: world, now: testNow)
    }

    @Test func theTimeLimitFollowsTheRouteWithTheProfileSlack() throws {
        let lexicon = try shippedLexicon()
        let world = try shippedWorld()
        let spec = try QuestDocument.parse(sampleQuest, lexicon: lexicon).spec(lexicon: lexicon, now: testNow)
        let region = try #require(world.region(id: "catnip-meadows"))
        let route = QuestRoute(objectives: spec.objectives, origin: region.centre, world: world)
        let walk = try #require(ReferenceWalk.walk(route, world: world, start: testNow, horizon: testNow.addingTimeInterval(86_400)))
        let needed = 3.5 * route.travelSeconds + walk.waitSeconds + 300
        #expect(spec.timeLimit == Int((needed / 60).rounded(.up)) * 60)
    }

    @Test func aSpecWhoseTargetsArePlacesRendersBackToTheSameDocument() throws {
        let lexicon = try shippedLexicon()
        let world = try shippedWorld()
        let document = try QuestDocument.parse(sampleQuest, lexicon: lexicon)
        let spec = try document.spec(lexicon: lexicon, now: testNow)
        let back = try QuestDocument(spec: spec, scope: .personal, world: world)
        #expect(back == document)
    }

    @Test func aSpecWithARandomSourcePointCannotBeWritten() throws {
        let world = try shippedWorld()
        let spec = QuestSpec(
            title: "Yarn", description: "Gather Ball of Yarn.", region: "purrington", difficulty: 1, motivation: .wealth,
            objectives: [.collect(CollectObjective(item: "ball-of-yarn", count: 1, sources: [TargetArea(x: 9000, y: 9001, radius: 30)]))],
            timeLimit: 600)
        #expect(throws: QuestResolutionError.self) { try QuestDocument(spec: spec, scope: .personal, world: world) }
    }

    @Test(arguments: [
        ("reach purring-mill", "reach nowhere-at-all", 2, "nowhere-at-all"),
        ("catnip-sprig 2 from", "sunstone 2 from", 4, "sunstone"),
        ("from kittenford saucer-well", "from kittenford port-mackerel", 4, "port-mackerel"),
        ("when hours 18-22", "when hours 18-19", 3, "18-19"),
        ("when hours 18-22", "when weather snow snow", 3, "snow"),
        ("d2 comfort", "d7 comfort", 1, "d7"),
        ("comfort", "boredom", 1, "boredom"),
        ("catnip-sprig 2 from", "catnip-sprig 5 from", 4, "5"),
    ])
    func aBadTokenIsNamedWithItsLine(original: String, replacement: String, line: Int, token: String) throws {
        let lexicon = try shippedLexicon()
        let text = sampleQuest.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try QuestDocument.parse(text, lexicon: lexicon)
            Issue.record("\(replacement) parsed")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(token.contains(error.token) || error.token.contains(token), "\(error)")
        }
    }

    @Test func aTextThatForgetsAnItemCannotEnd() throws {
        let lexicon = try shippedLexicon()
        let text = sampleQuest.replacingOccurrences(of: "Gather 2 {catnip-sprig} by", with: "Gather two sprigs by")
        do {
            _ = try QuestDocument.parse(text, lexicon: lexicon)
            Issue.record("parsed without mentioning the item")
        } catch {
            #expect(error.line == 6)
            #expect(error.expected.contains("{catnip-sprig}"), "\(error)")
        }
    }

    @Test func aReferenceToAnUndeclaredPlaceIsRefused() throws {
        let lexicon = try shippedLexicon()
        let text = sampleQuest.replacingOccurrences(of: "to calm her nerves", with: "near {port-mackerel}")
        #expect(throws: QuestParseError.self) { try QuestDocument.parse(text, lexicon: lexicon) }
    }

    @Test func aTruncatedQuestReportsTheEnd() throws {
        let lexicon = try shippedLexicon()
        let text = String(sampleQuest.dropLast("</quest>".count))
        do {
            _ = try QuestDocument.parse(text, lexicon: lexicon)
            Issue.record("parsed")
        } catch {
            #expect(error.code == .unexpectedEnd)
        }
    }
}
