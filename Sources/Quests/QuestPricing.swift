import Foundation
import Ledger
import World

/// How a quote was reached; stored with the quest so a price can be explained later.
public struct PriceBreakdown: Codable, Hashable, Sendable {
    public var routeMetres: Double
    public var maxHazard: Int
    public var distancePoints: Double
    public var hazardPoints: Double
    public var rarityPoints: Double
    public var conditionPoints: Double
    /// Reference time needed (minimum slack × travel) over the time limit, clamped to 0...1.
    public var tightness: Double
    public var tightnessPoints: Double
    public var objectivePoints: Double
    public var totalPoints: Double
    public var winners: Int
    /// `reward × winners`, escrowed for the winners.
    public var rewardsPool: Amount
    /// `price − rewardsPool`, kept by the treasury.
    public var treasuryFee: Amount
}

/// A price to charge and a reward to pay.
public struct QuestQuote: Hashable, Sendable {
    public var price: Amount
    public var reward: Amount
    public var breakdown: PriceBreakdown
}

/// Why a quote could not be made.
public struct QuestPricingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public var description: String { "\(field): \(reason) [quest.pricing]" }
}

/// Prices a quest from what makes it hard.
///
/// The formula (d = difficulty 1...5, all sums over the reference route):
/// ```
/// points = pointsPerKilometre      × routeKm
///        + pointsPerHazard         × (maxHazard − 1)            // most dangerous region visited
///        + Σ collect: rarityPoints[rarity] × count
///        + pointsPerWeatherCondition × #objectives with weather
///        + pointsPerTimeWindow     × #objectives with a game-time window
///        + pointsForTightness      × tightness                  // tightness = min(1, 2·travel / timeLimit)
///        + pointsPerObjective      × #objectives
/// reward = clamp(baseReward[d] + round(points × rewardPerPoint), minReward, maxReward)
/// winners = 1 (personal) or maxWinners (global)
/// pool   = reward × winners
/// price  = max(basePrice[d], ⌈pool × 10000 / (10000 − treasuryShareBps)⌉)
///          × globalPriceMultiplierBps / 10000 for global quests (rounded up)
/// fee    = price − pool   (to the treasury; never negative)
/// ```
/// The price always covers the pool, so escrow can pay every winner.
public enum QuestPricing {
    public static func quote(
        spec: QuestSpec, world: World, origin: Point?, scope: QuestScope,
        config: EconomyConfig = EconomyConfig(), maxWinners: Int? = nil, rules: QuestRules = QuestRules()
    ) throws(QuestPricingError) -> QuestQuote {
        let d = spec.difficulty
        guard (1...5).contains(d), config.basePriceMicro.count == 5, config.baseRewardMicro.count == 5,
              config.rarityPoints.count == Rarity.allCases.count
        else {
            throw QuestPricingError(field: "difficulty", reason: "difficulty \(d) or the economy tables are out of range")
        }
        guard (0..<10_000).contains(config.treasuryShareBps), config.globalPriceMultiplierBps >= 10_000 else {
            throw QuestPricingError(field: "config", reason: "treasury share must be in 0..<10000 bps and the global multiplier ≥ 10000 bps")
        }
        let start = origin ?? world.region(id: spec.region)?.centre ?? world.bounds.centre
        let route = QuestRoute(objectives: spec.objectives, origin: start, world: world)

        let maxHazard = route.stops.compactMap { world.region(at: $0.target.centre)?.hazard }.max()
            ?? world.region(id: spec.region)?.hazard ?? 1
        var rarity = 0.0
        var weatherCount = 0.0
        var windowCount = 0.0
        for objective in spec.objectives {
            if case .collect(let collect) = objective, let item = world.item(id: collect.item) {
                rarity += config.rarityPoints[item.rarity.rank] * Double(collect.count)
            }
            if objective.conditions.weather != nil { weatherCount += 1 }
            if objective.conditions.gameTimeWindow != nil { windowCount += 1 }
        }
        let tightness = spec.timeLimit > 0
            ? min(1, rules.minSlack * route.travelSeconds / Double(spec.timeLimit)) : 1
        let distancePoints = config.pointsPerKilometre * route.distance / 1_000
        let hazardPoints = config.pointsPerHazard * Double(maxHazard - 1)
        let conditionPoints = config.pointsPerWeatherCondition * weatherCount + config.pointsPerTimeWindow * windowCount
        let tightnessPoints = config.pointsForTightness * tightness
        let objectivePoints = config.pointsPerObjective * Double(spec.objectives.count)
        let points = distancePoints + hazardPoints + rarity + conditionPoints + tightnessPoints + objectivePoints

        let pointMicro = (points * Double(config.rewardPerPointMicro)).rounded()
        guard pointMicro.isFinite, pointMicro < 1e15 else {
            throw QuestPricingError(field: "objectives", reason: "the quest is too large to price")
        }
        let rewardMicro = min(config.maxRewardMicro, max(config.minRewardMicro, config.baseRewardMicro[d - 1] + Int64(pointMicro)))
        let winners = scope == .personal ? 1 : max(1, maxWinners ?? config.defaultGlobalMaxWinners)
        let (pool, poolOverflow) = rewardMicro.multipliedReportingOverflow(by: Int64(winners))
        guard !poolOverflow, pool < Int64.max / 20_000 else {
            throw QuestPricingError(field: "maxWinners", reason: "\(winners) winners make the pool too large")
        }
        let keep = 10_000 - config.treasuryShareBps
        var price = max(config.basePriceMicro[d - 1], (pool * 10_000 + keep - 1) / keep)
        if scope == .global {
            price = (price * config.globalPriceMultiplierBps + 9_999) / 10_000
        }
        guard let reward = Amount(micro: rewardMicro), let priceAmount = Amount(micro: price),
              let poolAmount = Amount(micro: pool), let fee = Amount(micro: price - pool)
        else {
            throw QuestPricingError(field: "config", reason: "the economy settings produce a negative amount")
        }
        let breakdown = PriceBreakdown(
            routeMetres: route.distance, maxHazard: maxHazard, distancePoints: distancePoints, hazardPoints: hazardPoints,
            rarityPoints: rarity, conditionPoints: conditionPoints, tightness: tightness, tightnessPoints: tightnessPoints,
            objectivePoints: objectivePoints, totalPoints: points, winners: winners, rewardsPool: poolAmount, treasuryFee: fee)
        return QuestQuote(price: priceAmount, reward: reward, breakdown: breakdown)
    }
}
