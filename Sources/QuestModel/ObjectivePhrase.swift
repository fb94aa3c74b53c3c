import Quests
import World

/// How an objective reads in a quest's text. The text refers to objective k as `{@k}` and
/// this renders it from the objective line, so the facts a player reads (the place, the
/// count and item, the hours, the weather) are the contract's whatever words the model wrote
/// around them: "Skyclaw Hermitage (only between 22:00 and 02:00 game time)", "three pieces
/// of Owl Feather (only in rainy or foggy weather)".
///
/// Sources are not part of the phrase: they are free `{place}` references in the text, and
/// listing up to a dozen of them in every collect phrase would not fit a description.
public enum ObjectivePhrase {
    /// The reference id of objective `index` (0-based): `@1`, `@2`, …
    public static func referenceID(_ index: Int) -> String { "@\(index + 1)" }

    /// The objective index (0-based) an id like `@3` names, or nil.
    public static func objectiveIndex(_ id: some StringProtocol) -> Int? {
        guard id.first == "@", let k = Int(id.dropFirst()), k >= 1, String(k) == id.dropFirst() else { return nil }
        return k - 1
    }

    /// The phrase of an objective line; nil when it names a place or item the world lacks.
    public static func render(_ line: QuestDocument.Line, world: World) -> String? {
        switch line {
        case .reach(let place, let conditions):
            guard let name = world.pointOfInterest(id: place)?.name else { return nil }
            return name + clause(conditions)
        case .collect(let item, let count, _, let conditions):
            guard let name = world.item(id: item)?.name else { return nil }
            return quantity(count) + name + clause(conditions)
        }
    }

    /// "one piece of ", "three pieces of ", "11 pieces of ".
    static func quantity(_ count: Int) -> String {
        let number = numberWords.indices.contains(count) ? numberWords[count] : String(count)
        return count == 1 ? "one piece of " : "\(number) pieces of "
    }

    /// The conditions in brackets after the place or item, with a leading space; empty when
    /// there are none.
    static func clause(_ conditions: ObjectiveConditions) -> String {
        var parts: [String] = []
        if let kinds = conditions.weather, !kinds.isEmpty {
            parts.append("in \(list(kinds.map(adjective))) weather")
        }
        if let window = conditions.gameTimeWindow {
            parts.append("between \(clock(window.fromHour)) and \(clock(window.toHour)) game time")
        }
        return parts.isEmpty ? "" : " (only \(parts.joined(separator: ", ")))"
    }

    /// The longest clause any conditions can give (three weather kinds and a window), for
    /// the lexicon's check that every quest's phrases fit a description.
    static var longestClause: Int {
        let kinds = Weather.allCases.sorted { adjective($0).count > adjective($1).count }
        return clause(ObjectiveConditions(weather: Array(kinds.prefix(3)), gameTimeWindow: GameTimeWindow(fromHour: 22, toHour: 23))).count
    }

    static let longestQuantity = (1...99).map { quantity($0).count }.max() ?? 0

    /// Every word a phrase can say besides names ("three pieces of", "only in rainy weather,
    /// between … game time"), as one text: what a reader of rendered quests must know.
    public static var everyWording: String {
        let counts = (1..<numberWords.count).map { quantity($0) }
        let clauses = Weather.allCases.map { clause(ObjectiveConditions(weather: [$0], gameTimeWindow: GameTimeWindow(fromHour: 1, toHour: 2))) }
        return (counts + clauses + [list(["a", "b", "c"])]).joined(separator: " ")
    }

    static func adjective(_ weather: Weather) -> String {
        switch weather {
        case .clear: "clear"
        case .cloudy: "cloudy"
        case .rain: "rainy"
        case .fog: "foggy"
        case .storm: "stormy"
        case .snow: "snowy"
        }
    }

    static func clock(_ hour: Int) -> String { hour < 10 ? "0\(hour):00" : "\(hour):00" }

    static func list(_ words: [String]) -> String {
        guard let last = words.last else { return "" }
        return words.count == 1 ? last : words.dropLast().joined(separator: ", ") + " or " + last
    }

    static let numberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
}
