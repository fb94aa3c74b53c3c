import Foundation
import Testing
import Quests
import World

@Suite struct QuestValidatorTests {
    /// A small valid spec in Purrington: reach the market, then collect two yarn balls.
    func validSpec() -> QuestSpec {
        QuestSpec(
            title: "Yarn for the Grand Litter Market",
            description: "Go to the Grand Litter Market, then gather 2× Ball of Yarn.",
            region: "purrington", difficulty: 2, motivation: .wealth,
            objectives: [
                .reach(ReachObjective(target: TargetArea(x: 9800, y: 9400, radius: 25), poi: "grand-litter-market")),
                .collect(CollectObjective(item: "ball-of-yarn", count: 2, sources: [
                    TargetArea(x: 9000, y: 9000, radius: 30), TargetArea(x: 9500, y: 8500, radius: 30),
                    TargetArea(x: 8000, y: 10000, radius: 30),
                ])),
            ],
            timeLimit: 3_600)
    }

    func code(of spec: QuestSpec) throws -> QuestValidationError.Code? {
        let world = try shippedWorld()
        do {
            try QuestValidator.validate(spec, world: world, now: testNow)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func aHandWrittenValidSpecPasses() throws {
        #expect(try code(of: validSpec()) == nil)
    }

    @Test func anUnknownItemIsRefused() throws {
        var spec = validSpec()
        spec.objectives[1] = .collect(CollectObjective(item: "unicorn-hair", count: 1, sources: [TargetArea(x: 9000, y: 9000, radius: 30)]))
        #expect(try code(of: spec) == .unknownItem)
    }

    @Test func aSourceWhereTheItemIsNotFoundIsRefused() throws {
        var spec = validSpec()
        // Sardine tins are found on the coast and in Purrington, not in the Hissing Mire.
        spec.description += " Sardine Tin."
        spec.objectives[1] = .collect(CollectObjective(item: "sardine-tin", count: 1, sources: [TargetArea(x: 3000, y: 9000, radius: 30)]))
        let world = try shippedWorld()
        #expect {
            try QuestValidator.validate(spec, world: world, now: testNow)
        } throws: { error in
            guard let error = error as? QuestValidationError else { return false }
            return error.code == .itemNotFoundThere && error.field == "objectives[1].sources[0]"
        }
    }

    @Test func overlappingSourcesAreRefused() throws {
        var spec = validSpec()
        spec.objectives[1] = .collect(CollectObjective(item: "ball-of-yarn", count: 2, sources: [
            TargetArea(x: 9000, y: 9000, radius: 30), TargetArea(x: 9010, y: 9000, radius: 30),
        ]))
        #expect(try code(of: spec) == .overlappingSources)
    }

    @Test func fewerSourcesThanTheCountAreRefused() throws {
        var spec = validSpec()
        spec.objectives[1] = .collect(CollectObjective(item: "ball-of-yarn", count: 3, sources: [TargetArea(x: 9000, y: 9000, radius: 30)]))
        #expect(try code(of: spec) == .tooFewSources)
    }

    @Test func aTargetOffTheMapIsRefused() throws {
        var spec = validSpec()
        spec.objectives[0] = .reach(ReachObjective(target: TargetArea(x: -500, y: 9400, radius: 25)))
        #expect(try code(of: spec) == .unreachableTarget)
    }

    @Test func aPlaceOutsideItsTargetCircleIsRefused() throws {
        var spec = validSpec()
        spec.objectives[0] = .reach(ReachObjective(target: TargetArea(x: 9000, y: 9400, radius: 25), poi: "grand-litter-market"))
        #expect(try code(of: spec) == .placeMismatch)
    }

    @Test func snowInTheDesertIsRefused() throws {
        var spec = validSpec()
        spec.region = "sunnap-dunes"
        spec.description += " The Sand Sphinx."
        spec.objectives = [.reach(ReachObjective(
            target: TargetArea(x: 17900, y: 10600, radius: 25), poi: "sand-sphinx", conditions: ObjectiveConditions(weather: [.snow])))]
        #expect(try code(of: spec) == .impossibleWeather)
    }

    @Test func anEmptyTimeWindowIsRefused() throws {
        var spec = validSpec()
        spec.objectives[0] = .reach(ReachObjective(
            target: TargetArea(x: 9800, y: 9400, radius: 25), poi: "grand-litter-market",
            conditions: ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: 5, toHour: 5))))
        #expect(try code(of: spec) == .badCondition)
    }

    @Test func aTimeLimitUnderTwiceTheTravelTimeIsRefused() throws {
        var spec = validSpec()
        spec.timeLimit = 200
        #expect(try code(of: spec) == .timeLimitTooShort)
    }

    @Test func aConditionThatCannotHoldBeforeTheDeadlineIsRefused() throws {
        var spec = validSpec()
        // A night-only visit with a limit shorter than the wait for nightfall.
        let world = try shippedWorld()
        let hour = world.clock.gameTime(at: testNow).hour
        spec.objectives[0] = .reach(ReachObjective(
            target: TargetArea(x: 9800, y: 9400, radius: 25), poi: "grand-litter-market",
            conditions: ObjectiveConditions(gameTimeWindow: GameTimeWindow(fromHour: (hour + 12) % 24, toHour: (hour + 13) % 24))))
        spec.timeLimit = 1_800
        #expect(try code(of: spec) == .conditionNeverHolds)
    }

    @Test func textThatNeverNamesTheItemIsRefused() throws {
        var spec = validSpec()
        spec.title = "Errands"
        spec.description = "Go to the Grand Litter Market and do some shopping."
        #expect(try code(of: spec) == .textInconsistent)
    }

    @Test func anEmptyTitleIsRefused() throws {
        var spec = validSpec()
        spec.title = "  "
        #expect(try code(of: spec) == .emptyText)
    }

    @Test func aDifficultyOfZeroIsRefused() throws {
        var spec = validSpec()
        spec.difficulty = 0
        #expect(try code(of: spec) == .badDifficulty)
    }
}
