import Ledger

/// Tunable prices and rewards. Money is integer micro-PUR; shares are basis points
/// (1/100 of a percent) so no float ever decides an amount's last digit.
public struct EconomyConfig: Codable, Hashable, Sendable {
    /// Lowest price per difficulty 1...5, micro-PUR. Default 1.5, 3, 6, 10, 16 PUR.
    public var basePriceMicro: [Int64] = [1_500_000, 3_000_000, 6_000_000, 10_000_000, 16_000_000]
    /// Reward floor per difficulty 1...5 before points, micro-PUR. Default 1, 2, 4, 7, 12 PUR.
    public var baseRewardMicro: [Int64] = [1_000_000, 2_000_000, 4_000_000, 7_000_000, 12_000_000]
    /// Micro-PUR of reward per difficulty point. Default 0.1 PUR.
    public var rewardPerPointMicro: Int64 = 100_000
    /// Points per kilometre of reference route. Default 2.
    public var pointsPerKilometre: Double = 2
    /// Points per hazard level above 1 of the most dangerous region on the route. Default 4.
    public var pointsPerHazard: Double = 4
    /// Points per unit collected, by rarity common...legendary. Default 1, 2, 4, 8, 16.
    public var rarityPoints: [Double] = [1, 2, 4, 8, 16]
    /// Points per objective with a weather condition. Default 3.
    public var pointsPerWeatherCondition: Double = 3
    /// Points per objective with a game-time window. Default 2.
    public var pointsPerTimeWindow: Double = 2
    /// Points for a time limit with no spare time (tightness 1); scaled down linearly. Default 6.
    public var pointsForTightness: Double = 6
    /// Points per objective, for the bother of each step. Default 1.
    public var pointsPerObjective: Double = 1
    /// Share of the price kept by the treasury, in basis points; the rest funds rewards. Default 1000 (10%).
    public var treasuryShareBps: Int64 = 1_000
    /// Global quests cost this much more, in basis points of the personal price. Default 15000 (×1.5).
    public var globalPriceMultiplierBps: Int64 = 15_000
    /// How many players may win a global quest. Default 10.
    public var defaultGlobalMaxWinners: Int = 10
    /// Bounds on one winner's reward, micro-PUR. Default 0.5...100 PUR.
    public var minRewardMicro: Int64 = 500_000
    public var maxRewardMicro: Int64 = 100_000_000

    public init() {}
}

extension EconomyConfig {
    private enum CodingKeys: String, CodingKey {
        case basePriceMicro, baseRewardMicro, rewardPerPointMicro, pointsPerKilometre, pointsPerHazard, rarityPoints,
            pointsPerWeatherCondition, pointsPerTimeWindow, pointsForTightness, pointsPerObjective, treasuryShareBps,
            globalPriceMultiplierBps, defaultGlobalMaxWinners, minRewardMicro, maxRewardMicro
    }

    /// Decodes a config in which every field is optional, so a config file names only what it changes.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        basePriceMicro = try c.decodeIfPresent([Int64].self, forKey: .basePriceMicro) ?? basePriceMicro
        baseRewardMicro = try c.decodeIfPresent([Int64].self, forKey: .baseRewardMicro) ?? baseRewardMicro
        rewardPerPointMicro = try c.decodeIfPresent(Int64.self, forKey: .rewardPerPointMicro) ?? rewardPerPointMicro
        pointsPerKilometre = try c.decodeIfPresent(Double.self, forKey: .pointsPerKilometre) ?? pointsPerKilometre
        pointsPerHazard = try c.decodeIfPresent(Double.self, forKey: .pointsPerHazard) ?? pointsPerHazard
        rarityPoints = try c.decodeIfPresent([Double].self, forKey: .rarityPoints) ?? rarityPoints
        pointsPerWeatherCondition = try c.decodeIfPresent(Double.self, forKey: .pointsPerWeatherCondition) ?? pointsPerWeatherCondition
        pointsPerTimeWindow = try c.decodeIfPresent(Double.self, forKey: .pointsPerTimeWindow) ?? pointsPerTimeWindow
        pointsForTightness = try c.decodeIfPresent(Double.self, forKey: .pointsForTightness) ?? pointsForTightness
        pointsPerObjective = try c.decodeIfPresent(Double.self, forKey: .pointsPerObjective) ?? pointsPerObjective
        treasuryShareBps = try c.decodeIfPresent(Int64.self, forKey: .treasuryShareBps) ?? treasuryShareBps
        globalPriceMultiplierBps = try c.decodeIfPresent(Int64.self, forKey: .globalPriceMultiplierBps) ?? globalPriceMultiplierBps
        defaultGlobalMaxWinners = try c.decodeIfPresent(Int.self, forKey: .defaultGlobalMaxWinners) ?? defaultGlobalMaxWinners
        minRewardMicro = try c.decodeIfPresent(Int64.self, forKey: .minRewardMicro) ?? minRewardMicro
        maxRewardMicro = try c.decodeIfPresent(Int64.self, forKey: .maxRewardMicro) ?? maxRewardMicro
    }
}
