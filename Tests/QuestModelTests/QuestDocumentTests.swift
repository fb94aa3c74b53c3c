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
        #expect(spec.description == "The miller's cat lost a bell near The Purring Mill (only between 18:00 and 22:00 game time). "
            + "Gather two pieces of Catnip Sprig by Kittenford or Saucer Well to calm her nerves.")
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
        let text = sampleQuest.replacingOccurrences(of: "Gather {@2} by", with: "Gather two sprigs by")
        do {
            _ = try QuestDocument.parse(text, lexicon: lexicon)
            Issue.record("parsed without saying the second objective")
        } catch {
            #expect(error.line == 6)
            #expect(error.expected.contains("{@2}"), "\(error)")
        }
    }

    @Test("The text says each objective in order, once, and names a place or item only after its objective", arguments: [
        ("near {@1}. Gather {@2} by", "near {@2}. Gather {@1} by", "{@2}"),                       // out of order
        ("to calm her nerves.", "to calm her nerves. Then see {@2} again.", "{@2}"),              // twice
        ("The miller's cat lost a bell near {@1}.", "The cat of {purring-mill} lost a bell near {@1}.", "{purring-mill}"),
        ("Gather {@2} by", "Gather {catnip-sprig} and {@2} by", "{catnip-sprig}"),                 // item before its objective
        ("to calm her nerves.", "to calm her nerves at 9 sharp.", "9"),                          // a number in prose
        ("title The Bell of {purring-mill}", "title The Bell of {@1}", "{@1}"),                  // an objective in the title
    ])
    func objectiveReferencesAreBoundToTheContract(original: String, replacement: String, refused: String) throws {
        let lexicon = try shippedLexicon()
        let text = sampleQuest.replacingOccurrences(of: original, with: replacement)
        #expect(text != sampleQuest)
        do {
            _ = try QuestDocument.parse(text, lexicon: lexicon)
            Issue.record("\(replacement) parsed")
        } catch {
            #expect(refused.hasPrefix(error.token) || error.token.hasPrefix(refused.prefix(2)), "\(error)")
        }
    }

    @Test("A title handed out lately is refused at its end; another, or one with no room left to differ, is taken")
    func avoidedTitles() throws {
        let lexicon = try shippedLexicon()
        let avoiding = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "catnip-meadows", difficulty: 2,
                                        avoidTitles: ["The Bell of The Purring Mill"])
        do {
            _ = try QuestDocument.parse(sampleQuest, lexicon: lexicon, grammar: avoiding)
            Issue.record("an avoided title parsed")
        } catch {
            #expect(error.line == 5, "\(error)")
        }
        let other = sampleQuest.replacingOccurrences(of: "title The Bell of {purring-mill}", with: "title The Bells of {purring-mill}")
        #expect(throws: Never.self) { try QuestDocument.parse(other, lexicon: lexicon, grammar: avoiding) }
        let full = String(repeating: "x", count: lexicon.limits.maxTitleLength)
        let fullAvoiding = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "catnip-meadows", difficulty: 2, avoidTitles: [full])
        let atLimit = sampleQuest.replacingOccurrences(of: "title The Bell of {purring-mill}", with: "title " + full)
        #expect(throws: Never.self) { try QuestDocument.parse(atLimit, lexicon: lexicon, grammar: fullAvoiding) }
    }

    @Test("An objective's phrase gives its place or count and item, and its conditions, in the contract's terms")
    func objectivePhrases() throws {
        let world = try shippedWorld()
        let reach = QuestDocument.Line.reach(place: "purring-mill", conditions: .none)
        #expect(ObjectivePhrase.render(reach, world: world) == "The Purring Mill")
        let night = QuestDocument.Line.reach(
            place: "purring-mill", conditions: ObjectiveConditions(weather: [.rain, .fog, .storm], gameTimeWindow: GameTimeWindow(fromHour: 22, toHour: 2)))
        #expect(ObjectivePhrase.render(night, world: world)
            == "The Purring Mill (only in rainy, foggy or stormy weather, between 22:00 and 02:00 game time)")
        let one = QuestDocument.Line.collect(item: "catnip-sprig", count: 1, sources: ["kittenford"], conditions: ObjectiveConditions(weather: [.clear]))
        #expect(ObjectivePhrase.render(one, world: world) == "one piece of Catnip Sprig (only in clear weather)")
        let many = QuestDocument.Line.collect(item: "catnip-sprig", count: 13, sources: [], conditions: .none)
        #expect(ObjectivePhrase.render(many, world: world) == "13 pieces of Catnip Sprig")
        #expect(ObjectivePhrase.render(.reach(place: "atlantis", conditions: .none), world: world) == nil)
        #expect(ObjectivePhrase.objectiveIndex("@3") == 2)
        for bad in ["@0", "@", "@03", "@x", "3", "@-1"] { #expect(ObjectivePhrase.objectiveIndex(bad) == nil, "\(bad)") }
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
