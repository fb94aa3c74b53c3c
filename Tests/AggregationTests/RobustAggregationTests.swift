import NeuralCore
import Testing
@testable import Aggregation

/// One row of the attack matrix: f attackers of one kind against 16 honest runners.
///
/// Honest updates come from ``UpdateFixtures/honest(count:length:seed:noise:)`` with seed 1 and
/// noise 0.5: ‖honest mean‖ = 1.02, each honest update lies 0.48 from the honest mean (pairwise
/// cosine ≈ 0.8), d = 5,003. Attackers are crafted with seed 1001. The distances in
/// `description` were measured with exactly these inputs; the bounds leave about 25% headroom.
struct AttackScenario: Sendable, CustomTestStringConvertible {
    var attack: Attack
    var attackers: Int
    /// Measured ‖aggregate − honest mean‖ of the plain mean and of the robust rule.
    var measuredMean: Double
    var measuredRobust: Double
    /// The robust rule must land within `bound` of the honest mean and within `ratio` times
    /// the mean's distance.
    var bound: Double
    var ratio: Double

    var testDescription: String {
        "\(attackers) × \(attack.name): mean \(measuredMean), robust \(measuredRobust) (bound \(bound), ≤ \(ratio)× mean)"
    }

    static let honestSeed: UInt64 = 1
    static let attackSeed: UInt64 = 1001

    func run(_ aggregator: some RobustAggregator) throws -> (mean: Double, robust: Double) {
        let honest = UpdateFixtures.honest(count: 16, seed: Self.honestSeed, noise: 0.5)
        let honestMean = UpdateFixtures.mean(honest)
        let all = honest + (try attack.craft(count: attackers, from: honest, seed: Self.attackSeed))
        let mean = try MeanAggregator().aggregate(all)
        let robust = try aggregator.aggregate(all)
        return (UpdateFixtures.distance(mean.aggregate, honestMean), UpdateFixtures.distance(robust.aggregate, honestMean))
    }
}

@Suite struct CenteredClipAttackTests {
    /// CenteredClip with the default radius (τ = median distance from the coordinate median).
    static let scenarios: [AttackScenario] = [
        // Outliers: far from the honest cloud, so clipping caps their pull.
        AttackScenario(attack: .random, attackers: 4, measuredMean: 0.233, measuredRobust: 0.092, bound: 0.12, ratio: 0.5),
        AttackScenario(attack: .random, attackers: 7, measuredMean: 0.337, measuredRobust: 0.153, bound: 0.20, ratio: 0.55),
        AttackScenario(attack: .signFlip, attackers: 4, measuredMean: 0.410, measuredRobust: 0.125, bound: 0.16, ratio: 0.4),
        AttackScenario(attack: .signFlip, attackers: 7, measuredMean: 0.622, measuredRobust: 0.233, bound: 0.30, ratio: 0.45),
        AttackScenario(attack: .scale(10), attackers: 4, measuredMean: 1.880, measuredRobust: 0.116, bound: 0.15, ratio: 0.1),
        AttackScenario(attack: .scale(10), attackers: 7, measuredMean: 2.824, measuredRobust: 0.214, bound: 0.27, ratio: 0.1),
        AttackScenario(attack: .scale(-10), attackers: 4, measuredMean: 2.279, measuredRobust: 0.119, bound: 0.15, ratio: 0.1),
        AttackScenario(attack: .scale(-10), attackers: 7, measuredMean: 3.439, measuredRobust: 0.221, bound: 0.28, ratio: 0.1),
        // Free-riding with zeros: ‖honest mean‖ = 1 away, about twice the honest spread.
        AttackScenario(attack: .zeros, attackers: 4, measuredMean: 0.204, measuredRobust: 0.128, bound: 0.16, ratio: 0.75),
        AttackScenario(attack: .zeros, attackers: 7, measuredMean: 0.310, measuredRobust: 0.245, bound: 0.31, ratio: 0.9),
        // Inside the honest spread by construction: CenteredClip cannot tell these from honest
        // updates and equals the mean, whose per-round damage is itself small. ALIE needs the
        // momentum/centre-from-last-round defence or validation by recomputation.
        AttackScenario(attack: .alie(z: nil), attackers: 4, measuredMean: 0.037, measuredRobust: 0.037, bound: 0.05, ratio: 1.02),
        AttackScenario(attack: .alie(z: nil), attackers: 7, measuredMean: 0.115, measuredRobust: 0.115, bound: 0.15, ratio: 1.02),
        AttackScenario(attack: .copy, attackers: 4, measuredMean: 0.043, measuredRobust: 0.043, bound: 0.06, ratio: 1.02),
        AttackScenario(attack: .copy, attackers: 7, measuredMean: 0.061, measuredRobust: 0.061, bound: 0.08, ratio: 1.02),
    ]

    @Test(arguments: scenarios)
    func centeredClipStaysNearTheHonestMean(_ scenario: AttackScenario) throws {
        let (mean, robust) = try scenario.run(CenteredClipAggregator())
        #expect(abs(mean - scenario.measuredMean) < 0.002, "mean drifted \(mean)")
        #expect(robust <= scenario.bound, "CenteredClip landed \(robust) away")
        #expect(robust <= scenario.ratio * mean, "CenteredClip \(robust) against mean \(mean)")
    }

    @Test func scaledAttackersGetSmallerClippingWeightsThanEveryHonestRunner() throws {
        let honest = UpdateFixtures.honest(count: 16, seed: 1, noise: 0.5)
        let attackers = try Attack.scale(10).craft(count: 7, from: honest, seed: 1001)
        let result = try CenteredClipAggregator().aggregate(honest + attackers)
        let honestWeights = result.diagnostics[0..<16].map(\.weight)
        let attackerWeights = result.diagnostics[16...].map(\.weight)
        // Measured: every honest weight 1.0 (all inside τ = 0.548), attackers ≤ 0.055.
        #expect((attackerWeights.max() ?? 1) < 0.1)
        #expect((honestWeights.min() ?? 0) > 0.9)
        #expect(result.clippingRadius != nil && result.iterations >= 1)
    }
}

@Suite struct TrimmedMeanAttackTests {
    /// β = 0.2 trims 4 of 20 per side; β = 0.31 trims 7 of 23.
    static let scenarios: [AttackScenario] = [
        AttackScenario(attack: .signFlip, attackers: 4, measuredMean: 0.410, measuredRobust: 0.171, bound: 0.21, ratio: 0.5),
        AttackScenario(attack: .signFlip, attackers: 7, measuredMean: 0.622, measuredRobust: 0.277, bound: 0.34, ratio: 0.5),
        AttackScenario(attack: .scale(10), attackers: 4, measuredMean: 1.880, measuredRobust: 0.162, bound: 0.20, ratio: 0.1),
        AttackScenario(attack: .scale(10), attackers: 7, measuredMean: 2.824, measuredRobust: 0.258, bound: 0.32, ratio: 0.1),
        AttackScenario(attack: .scale(-10), attackers: 4, measuredMean: 2.279, measuredRobust: 0.169, bound: 0.21, ratio: 0.1),
        AttackScenario(attack: .scale(-10), attackers: 7, measuredMean: 3.439, measuredRobust: 0.269, bound: 0.34, ratio: 0.1),
        AttackScenario(attack: .random, attackers: 4, measuredMean: 0.233, measuredRobust: 0.120, bound: 0.15, ratio: 0.6),
        AttackScenario(attack: .random, attackers: 7, measuredMean: 0.337, measuredRobust: 0.177, bound: 0.22, ratio: 0.6),
    ]

    @Test(arguments: scenarios)
    func trimmedMeanStaysNearTheHonestMean(_ scenario: AttackScenario) throws {
        let beta = scenario.attackers == 4 ? 0.2 : 0.31
        let (mean, robust) = try scenario.run(TrimmedMeanAggregator(trimFraction: beta))
        #expect(abs(mean - scenario.measuredMean) < 0.002, "mean drifted \(mean)")
        #expect(robust <= scenario.bound, "trimmed mean landed \(robust) away")
        #expect(robust <= scenario.ratio * mean, "trimmed mean \(robust) against mean \(mean)")
    }

    @Test func scaledAttackersAreKeptAtFewCoordinates() throws {
        let honest = UpdateFixtures.honest(count: 16, seed: 1, noise: 0.5)
        let attackers = try Attack.scale(10).craft(count: 4, from: honest, seed: 1001)
        let result = try TrimmedMeanAggregator(trimFraction: 0.2).aggregate(honest + attackers)
        // Measured: attackers kept at ≤ 5.0% of coordinates, honest runners at ≥ 72%.
        #expect(result.diagnostics[16...].allSatisfy { $0.weight < 0.1 })
        #expect(result.diagnostics[0..<16].allSatisfy { $0.weight > 0.6 })
    }
}

@Suite struct RobustAggregatorContractTests {
    static let aggregators: [any RobustAggregator] = {
        do {
            return [MeanAggregator(), CoordinateMedianAggregator(), try TrimmedMeanAggregator(trimFraction: 0.2), try CenteredClipAggregator()]
        } catch {
            return []
        }
    }()

    @Test func everyAggregatorRefusesAnUpdateHoldingNaNBeforeAggregating() throws {
        #expect(Self.aggregators.count == 4)
        let honest = UpdateFixtures.honest(count: 6, seed: 3)
        let poisoned = try Attack.nan.craft(count: 1, from: honest, seed: 8)
        let nanIndex = try #require(poisoned[0].firstIndex { $0.isNaN })
        for aggregator in Self.aggregators {
            #expect(throws: AggregationError.invalidUpdate(index: 6, reason: .nonFinite(index: nanIndex))) {
                try aggregator.aggregate(honest + poisoned)
            }
        }
        #expect(AggregationError.invalidUpdate(index: 6, reason: .nonFinite(index: nanIndex)).code == "update.non_finite")
    }

    @Test func droppingWhatValidationRefusesLeavesTheHonestAggregate() throws {
        let honest = UpdateFixtures.honest(count: 8, seed: 4)
        let poisoned = try Attack.nan.craft(count: 3, from: honest, seed: 9)
        let validation = try UpdateValidation(expectedCount: UpdateFixtures.length, maxNorm: 100)
        let all = honest + poisoned
        let accepted = zip(all, validation.validateAll(all)).compactMap { update, check in
            (try? check.get()) == nil ? nil : update
        }
        #expect(accepted.count == 8)
        let aggregator = try CenteredClipAggregator()
        #expect(try aggregator.aggregate(accepted) == aggregator.aggregate(honest))
    }

    @Test func everyAggregatorRefusesNoUpdatesAndUnequalLengths() {
        for aggregator in Self.aggregators {
            #expect(throws: AggregationError.noUpdates) { try aggregator.aggregate([]) }
            #expect(throws: AggregationError.invalidUpdate(index: 1, reason: .wrongLength(expected: 3, got: 2))) {
                try aggregator.aggregate([[1, 2, 3], [1, 2]])
            }
        }
    }

    @Test func everyAggregatorIsDeterministic() throws {
        let honest = UpdateFixtures.honest(count: 10, seed: 5)
        let all = honest + (try Attack.signFlip.craft(count: 3, from: honest, seed: 6))
        for aggregator in Self.aggregators {
            #expect(try aggregator.aggregate(all) == aggregator.aggregate(all))
        }
    }

    @Test func identicalUpdatesAggregateToThemselvesUnderEveryRule() throws {
        let update: [Float] = [0.5, -1, 2, 0, 3, 0.125, -7, 4, 0.25]   // 9: one full lane block and a tail
        for aggregator in Self.aggregators {
            let result = try aggregator.aggregate([update, update, update])
            #expect(result.aggregate == update)
            #expect(result.diagnostics.allSatisfy { $0.distanceToResult == 0 && $0.weight == 1 })
        }
    }
}

@Suite struct CoordinateRuleTests {
    @Test func theMedianOfOddAndEvenCountsMatchesHandComputedValues() throws {
        let median = CoordinateMedianAggregator()
        #expect(try median.aggregate([[1, -1], [5, -5], [3, -3]]).aggregate == [3, -3])
        // Even count: the mean of the two middle values.
        #expect(try median.aggregate([[1], [2], [10], [4]]).aggregate == [3])
    }

    @Test func theTrimmedMeanDropsTheExtremesAtEachCoordinate() throws {
        // n = 5, β = 0.2: one value dropped per side and coordinate.
        let updates: [[Float]] = [[1, 100], [2, 3], [3, 2], [4, 1], [100, 4]]
        let result = try TrimmedMeanAggregator(trimFraction: 0.2).aggregate(updates)
        #expect(result.aggregate == [3, 3])
        // Kept shares: update 0 is the minimum, then the maximum; update 3 the minimum at
        // coordinate 1; update 4 the maximum at coordinate 0.
        #expect(result.diagnostics.map(\.weight) == [0, 1, 1, 0.5, 0.5])
    }

    @Test func aTrimFractionOutsideZeroToOneHalfIsRefused() {
        #expect(throws: AggregationError.self) { try TrimmedMeanAggregator(trimFraction: 0.5) }
        #expect(throws: AggregationError.self) { try TrimmedMeanAggregator(trimFraction: -0.1) }
        #expect(throws: AggregationError.self) { try TrimmedMeanAggregator(trimFraction: .nan) }
    }

    @Test func theSortingNetworkSortsEveryCountUpTo40() {
        var generator = Xoshiro256StarStar(seed: 12)
        for count in 1...40 {
            let network = CoordinateOrder.sortingNetwork(count: count)
            for _ in 0..<20 {
                var values = (0..<count).map { _ in Int(generator.next() % 7) }
                let expected = values.sorted()
                for (low, high) in network where values[high] < values[low] { values.swapAt(low, high) }
                #expect(values == expected, "count \(count)")
            }
        }
    }

    @Test func theOrderStatisticsMatchASortedReferenceOnRandomData() throws {
        var generator = Xoshiro256StarStar(seed: 13)
        for count in [1, 2, 3, 7, 16, 23, 32] {
            let updates = (0..<count).map { _ in (0..<19).map { _ in Float(Int(generator.next() % 9)) - 4 } }
            let trim = try TrimmedMeanAggregator(trimFraction: 0.25)
            let t = trim.trimmedCount(for: count)
            let result = try trim.aggregate(updates)
            for j in 0..<19 {
                let column = updates.map { Double($0[j]) }.sorted()
                let kept = column[t..<(count - t)]
                let expected = Float(kept.reduce(0, +) / Double(kept.count))
                #expect(abs(result.aggregate[j] - expected) <= 1e-6, "n \(count), coordinate \(j)")
            }
        }
    }
}

@Suite struct CenteredClipTests {
    @Test func withARadiusAboveEveryDistanceItIsTheMean() throws {
        let honest = UpdateFixtures.honest(count: 9, seed: 14)
        let result = try CenteredClipAggregator(radius: .fixed(1_000)).aggregate(honest)
        let mean = UpdateFixtures.mean(honest)
        #expect(UpdateFixtures.distance(result.aggregate, mean) < 1e-5)
        #expect(result.converged && result.iterations <= 3)
        #expect(result.diagnostics.allSatisfy { $0.weight == 1 })
    }

    @Test func withOnlyHonestUpdatesItStaysCloseToTheMean() throws {
        let honest = UpdateFixtures.honest(count: 16, seed: 1, noise: 0.5)
        let result = try CenteredClipAggregator().aggregate(honest)
        // Honest updates lie 0.48 from their mean; the aggregate is 0.00005 from it (measured).
        #expect(UpdateFixtures.distance(result.aggregate, UpdateFixtures.mean(honest)) < 0.001)
    }

    @Test func zeroIterationsReturnTheStartingPoint() throws {
        let updates: [[Float]] = [[1, 10], [2, 20], [30, 3]]
        let result = try CenteredClipAggregator(maxIterations: 0).aggregate(updates)
        #expect(result.aggregate == [2, 10])   // the coordinate median
        #expect(result.iterations == 0 && !result.converged)
        let fromCentre = try CenteredClipAggregator(maxIterations: 0).aggregate(updates, startingFrom: [7, 7])
        #expect(fromCentre.aggregate == [7, 7])
    }

    @Test func oneIterationMovesByTheClippedAverageOfTheDifferences() throws {
        // Start at 0, τ = 1: update 0 is within the radius (pulls fully), update 1 is 10 away
        // (pulls by τ/10 of its difference). v = (1/2)(1·[0.5, 0] + 0.1·[0, 10]) = [0.25, 0.5].
        let result = try CenteredClipAggregator(radius: .fixed(1), maxIterations: 1)
            .aggregate([[0.5, 0], [0, 10]], startingFrom: [0, 0])
        #expect(result.aggregate == [0.25, 0.5])
        #expect(result.iterations == 1)
    }

    @Test func aStartingPointOfTheWrongLengthOrNotFiniteIsRefused() throws {
        let aggregator = try CenteredClipAggregator()
        #expect(throws: AggregationError.self) { try aggregator.aggregate([[1, 2]], startingFrom: [1]) }
        #expect(throws: AggregationError.self) { try aggregator.aggregate([[1, 2]], startingFrom: [1, .nan]) }
    }

    @Test func invalidParametersAreRefused() {
        #expect(throws: AggregationError.self) { try CenteredClipAggregator(radius: .fixed(-1)) }
        #expect(throws: AggregationError.self) { try CenteredClipAggregator(radius: .medianDistance(multiplier: .nan)) }
        #expect(throws: AggregationError.self) { try CenteredClipAggregator(maxIterations: -1) }
        #expect(throws: AggregationError.self) { try CenteredClipAggregator(tolerance: -1) }
    }
}
