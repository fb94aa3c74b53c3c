import World

/// The words a player reads as facts: times of day, weather, counts, and the phrases that
/// promise a race. Written here on purpose, apart from the phrasebooks the corpus and the
/// decoder use, so that the checker reads a quest as a player would and not as the writer
/// meant it.
enum TruthLexicon {
    /// A span of game hours, `from` inclusive to `to` exclusive, wrapping past midnight.
    struct Hours: Hashable, Sendable, CustomStringConvertible {
        let from: Int
        let to: Int

        var set: Set<Int> {
            var hours = Set<Int>()
            var h = from
            repeat { hours.insert(h); h = (h + 1) % 24 } while h != to
            return hours
        }

        var description: String { "\(from)-\(to)" }
    }

    /// Times of day as a player understands them. "roosters" is before they wake;
    /// "midnight" alone is the hours around it. Most are conditions only after a word like
    /// "at" or "only" (``conditionTriggers``); `isCondition` phrases always are.
    static let times: [(phrase: [String], hours: Hours, isCondition: Bool)] = [
        // Phrases that only ever name a time to act ("well past midnight, sneak in").
        (["small", "hours"], Hours(from: 0, to: 5), true),
        (["past", "midnight"], Hours(from: 0, to: 5), true),
        (["first", "light"], Hours(from: 4, to: 8), true),
        (["sun", "comes", "up"], Hours(from: 4, to: 8), true),
        (["light", "fades"], Hours(from: 16, to: 22), true),
        (["high", "noon"], Hours(from: 11, to: 15), true),
        (["afternoon", "wears", "on"], Hours(from: 12, to: 18), true),
        (["roosters"], Hours(from: 0, to: 7), false),
        (["dawn"], Hours(from: 4, to: 8), false),
        (["sunrise"], Hours(from: 4, to: 8), false),
        (["morning"], Hours(from: 6, to: 12), false),
        (["noon"], Hours(from: 11, to: 15), false),
        (["midday"], Hours(from: 11, to: 15), false),
        (["afternoon"], Hours(from: 12, to: 18), false),
        (["dusk"], Hours(from: 16, to: 22), false),
        (["sunset"], Hours(from: 16, to: 21), false),
        (["evening"], Hours(from: 16, to: 22), false),
        (["night"], Hours(from: 19, to: 6), false),
        (["dark"], Hours(from: 18, to: 6), false),
        (["moonlight"], Hours(from: 19, to: 6), false),
        (["moon"], Hours(from: 19, to: 6), false),
        (["midnight"], Hours(from: 22, to: 3), false),
    ]

    /// Weather as a player understands it; negations and groups before single words.
    static let weather: [(phrase: [String], kinds: Set<Weather>)] = [
        (["no", "rain"], [.clear, .cloudy]),
        (["foul", "weather"], [.rain, .fog, .storm]),
        (["at", "its", "worst"], [.rain, .fog, .storm]),
        (["sky", "opens"], [.rain]),
        (["clear", "sky"], [.clear]),
        (["bright", "weather"], [.clear]),
        (["dry", "weather"], [.clear, .cloudy]),
        (["stays", "dry"], [.clear, .cloudy]),
        (["dry"], [.clear, .cloudy]),
        (["rain"], [.rain]), (["rains"], [.rain]), (["raining"], [.rain]), (["rainy"], [.rain]), (["wet"], [.rain]),
        (["storm"], [.storm]), (["storms"], [.storm]), (["stormy"], [.storm]), (["thunder"], [.storm]),
        (["fog"], [.fog]), (["foggy"], [.fog]), (["mist"], [.fog]), (["misty"], [.fog]),
        (["snow"], [.snow]), (["snows"], [.snow]), (["snowing"], [.snow]), (["snowy"], [.snow]),
        (["clear"], [.clear]), (["sunny"], [.clear]),
        (["cloud"], [.cloudy]), (["clouds"], [.cloudy]), (["cloudy"], [.cloudy]), (["overcast"], [.cloudy]),
    ]

    /// Words that make a time or weather word a condition ("only at dusk", "while it
    /// rains"), rather than a story ("Snow never melts on the peaks").
    static let conditionTriggers: Set<String> = [
        "only", "when", "while", "in", "at", "during", "after", "before", "as", "by", "around", "under", "until",
        "past", "between", "whenever", "once", "counts",
    ]

    static let numbers: [String: Int] = [
        "one": 1, "single": 1, "lone": 1, "two": 2, "pair": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12,
    ]

    /// Phrases that promise a race or a shared prize: only a global quest has winners.
    static let raceOnly: [[String]] = [
        ["first", "paws"], ["fastest"], ["the", "quickest", "will"], ["only", "the", "quickest"], ["winners"], ["winner"],
        ["a", "share"], ["every", "cat", "may", "try"], ["all", "paws", "wanted"], ["hear", "ye"], ["open", "call"],
        ["cat", "win"], ["cats", "win"], ["goes", "to", "the", "first"],
    ]

    /// Phrases that promise a quest to one cat alone: never in a global quest.
    static let personalOnly: [[String]] = [["you", "alone"], ["only", "you"], ["just", "for", "you"], ["nobody", "else"]]
}
