import Quests

extension QuestContract {
    /// Compiles one of today's quests into its contract.
    ///
    /// The objectives become one `allInOrder`, one step each. A reach with conditions
    /// becomes `all([reach, weather, gameTime])` (the parts it has), so place and conditions
    /// must hold at the same observation; a collect keeps its conditions as `when`, which
    /// must hold at each pick-up. Evaluating the result agrees with `QuestProgress.advance`
    /// observation by observation.
    /// - Throws: `ContractError` when the quest breaks a contract rule (no objectives, an
    ///   empty weather list, a window with equal hours, a deadline not after the start…).
    public init(quest: Quest) throws(ContractError) {
        let steps = quest.objectives.map(Self.condition(for:))
        self.init(
            questID: quest.id, createdAt: quest.createdAt, deadline: quest.deadline, maxWinners: quest.maxWinners,
            condition: .allInOrder(steps))
        try validate()
    }

    static func condition(for objective: Objective) -> ContractCondition {
        switch objective {
        case .reach(let reach):
            let place = ContractCondition.reach(ContractArea(reach.target, poi: reach.poi))
            let conditions = Self.conditions(reach.conditions)
            return conditions.isEmpty ? place : .all([place] + conditions)
        case .collect(let collect):
            let conditions = Self.conditions(collect.conditions)
            let when: ContractCondition? = switch conditions.count {
            case 0: nil
            case 1: conditions[0]
            default: .all(conditions)
            }
            return .collect(item: collect.item, count: collect.count, sources: collect.sources.map { ContractArea($0) }, when: when)
        }
    }

    private static func conditions(_ conditions: ObjectiveConditions) -> [ContractCondition] {
        var parts: [ContractCondition] = []
        if let weather = conditions.weather { parts.append(.weather(in: weather)) }
        if let window = conditions.gameTimeWindow { parts.append(.gameTime(fromHour: window.fromHour, toHour: window.toHour)) }
        return parts
    }
}
