import Quests
import World

/// Bounds the grammar puts on a quest beyond what the difficulty profiles say. They keep
/// every generation finite and every prefix completable.
public struct QuestGrammarLimits: Hashable, Sendable {
    /// Longest rendered title, in characters (references count as their display names).
    public var maxTitleLength: Int
    /// Longest rendered description, in characters.
    public var maxTextLength: Int
    /// Most weather kinds one `when weather` line may list.
    public var maxWeatherKinds: Int
    /// How many sources a collect line may name beyond its count, so players can choose.
    public var extraSources: Int
    /// Shortest game-hour window a `when hours` line may ask for.
    public var minWindowHours: Int
    /// Most objectives whatever the profile says; the mention bookkeeping packs required
    /// entities into 64 bits.
    public var maxObjectives: Int

    /// Defaults inside `QuestRules()`'s text limits, with descriptions capped well below
    /// the validator's 2,000 characters so a sampled quest stays short (room for eight
    /// objective phrases of the longest kind, with prose around them).
    public init(
        maxTitleLength: Int = 100, maxTextLength: Int = 1_400, maxWeatherKinds: Int = 3, extraSources: Int = 2,
        minWindowHours: Int = 2, maxObjectives: Int = 8
    ) {
        self.maxTitleLength = maxTitleLength
        self.maxTextLength = maxTextLength
        self.maxWeatherKinds = maxWeatherKinds
        self.extraSources = extraSources
        self.minWindowHours = minWindowHours
        self.maxObjectives = maxObjectives
    }

    /// These limits tightened to what `rules` allow.
    func clamped(to rules: QuestRules) -> QuestGrammarLimits {
        var result = self
        result.maxTitleLength = max(1, min(maxTitleLength, rules.maxTitleLength))
        result.maxTextLength = max(1, min(maxTextLength, rules.maxDescriptionLength))
        result.maxWeatherKinds = max(1, min(maxWeatherKinds, Weather.allCases.count))
        result.extraSources = max(0, extraSources)
        result.minWindowHours = min(max(1, minWindowHours), 23)
        result.maxObjectives = max(1, min(maxObjectives, rules.maxObjectives, 64))
        return result
    }
}
