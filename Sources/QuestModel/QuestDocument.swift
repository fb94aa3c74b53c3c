import Quests
import World

/// A quest in the spec language: the header, the objective lines with their
/// conditions, and the prose with `{entity-id}` references still in place.
///
/// It is what the model writes and what the corpus holds. `text` renders it byte for
/// byte; `QuestDocument.parse` reads it back; `spec(...)` turns it into a `QuestSpec`
/// with coordinates from the world and a time limit computed from the route.
///
/// ```
/// <quest> personal catnip-meadows d2 comfort
/// reach the-purring-mill
/// when hours 18-22
/// collect catnip-sprig 2 from kittenford saucer-well nipfield-market
/// title The Bell of {purring-mill}
/// text The miller's cat lost a bell near {purring-mill}. Gather {catnip-sprig} ...
/// </quest>
/// ```
public struct QuestDocument: Hashable, Sendable {
    public var scope: QuestScope
    /// Region id.
    public var region: String
    /// 1...5
    public var difficulty: Int
    public var motivation: Motivation
    public var objectives: [Line]
    /// The title with `{id}` references.
    public var title: String
    /// The description with `{id}` references.
    public var body: String

    /// One objective line and the `when` lines under it.
    public enum Line: Hashable, Sendable {
        /// `reach <place>`
        case reach(place: String, conditions: ObjectiveConditions)
        /// `collect <item> <count> from <place> <place> ...`
        case collect(item: String, count: Int, sources: [String], conditions: ObjectiveConditions)

        public var conditions: ObjectiveConditions {
            switch self {
            case .reach(_, let conditions), .collect(_, _, _, let conditions): conditions
            }
        }
    }

    public init(
        scope: QuestScope, region: String, difficulty: Int, motivation: Motivation, objectives: [Line], title: String,
        body: String
    ) {
        self.scope = scope
        self.region = region
        self.difficulty = difficulty
        self.motivation = motivation
        self.objectives = objectives
        self.title = title
        self.body = body
    }

    /// The document in the spec language, from `<quest>` to `</quest>` with no newline after.
    public var text: String {
        var lines = ["<quest> \(scope.rawValue) \(region) d\(difficulty) \(motivation.rawValue)"]
        for objective in objectives {
            switch objective {
            case .reach(let place, _):
                lines.append("reach \(place)")
            case .collect(let item, let count, let sources, _):
                lines.append("collect \(item) \(count) from \(sources.joined(separator: " "))")
            }
            let conditions = objective.conditions
            if let weather = conditions.weather {
                lines.append("when weather \(weather.map(\.rawValue).joined(separator: " "))")
            }
            if let window = conditions.gameTimeWindow {
                lines.append("when hours \(window.fromHour)-\(window.toHour)")
            }
        }
        lines.append("title \(title)")
        lines.append("text \(body)")
        lines.append("</quest>")
        return lines.joined(separator: "\n")
    }

    /// Ids of the places to reach and items to collect: what the prose must mention.
    public var requiredReferences: [String] {
        objectives.map { objective in
            switch objective {
            case .reach(let place, _): place
            case .collect(let item, _, _, _): item
            }
        }
    }
}
