import Foundation
import Quests
import World

/// Writes one corpus sample: picks a spec the way the grammar allows it (places of the
/// region, or its neighbours from difficulty 3; items within the difficulty's rarity;
/// sources where the item is found; weather the terrain can have), then prose from the
/// phrasebook in which each objective is its `{@k}` reference (rendered from the objective
/// line: place, count, item, hours, weather) and every other place and item a `{reference}`,
/// so the text always agrees with the spec. Its free prose gives no number, hour or weather.
struct QuestCorpusWriter {
    let lexicon: QuestLexicon
    var rng: SplitMix64

    private var world: World { lexicon.world }
    private var difficulty = 1
    private var profile = DifficultyProfile.standard[0]
    private var region = 0
    private var wide = false
    private var scope = QuestScope.personal
    private var npc = ""
    private var giver: Int?
    private var here = Point(x: 0, y: 0)
    private var usedPlaces = Set<Int>()
    /// Places named by reach lines, in order; flavour may talk about them.
    private var placesUsed: [Int] = []
    private var usedItems = Set<Int>()
    private var usedPhrases = Set<String>()
    private var lines: [QuestDocument.Line] = []
    private var sentences: [String] = []
    private var firstPlace: Int?
    private var firstItem: Int?
    private var lastItem: Int?

    init(lexicon: QuestLexicon, rng: SplitMix64) {
        self.lexicon = lexicon
        self.rng = rng
    }

    /// One sample document, or nil when the dice led somewhere the world cannot follow.
    mutating func write() -> QuestDocument? {
        difficulty = rng.nextInt(in: 1...5)
        profile = lexicon.profile(difficulty)
        wide = profile.foreignPlaceChance > 0
        let viable = lexicon.viableRegions.members
        let fitting = viable.filter { abs(lexicon.regions[$0].hazard - difficulty) <= 1 }
        guard let chosen = pick(rng.nextUnit() < 0.8 && !fitting.isEmpty ? fitting : viable) else { return nil }
        region = chosen
        here = lexicon.regions[region].centre
        scope = rng.nextUnit() < 0.65 ? .personal : .global
        let motivation = pick(Motivation.allCases) ?? .knowledge
        guard let strategy = pick(QuestPhrasebook.strategies(for: motivation)) else { return nil }
        npc = makeName()
        chooseGiver()

        let maxObjectives = min(profile.objectives.upperBound, lexicon.limits.maxObjectives)
        let steps = expand(strategy.steps, to: rng.nextInt(in: min(profile.objectives.lowerBound, maxObjectives)...maxObjectives))
        for (index, step) in steps.enumerated() {
            guard add(step, index: index, of: steps.count) else { return nil }
        }
        addExtraCondition()

        let title = makeTitle(strategy: strategy, motivation: motivation)
        let body = makeBody(motivation: motivation)
        return QuestDocument(
            scope: scope, region: lexicon.regions[region].id, difficulty: difficulty, motivation: motivation,
            objectives: lines, title: title, body: body)
    }

    // MARK: Spec

    private mutating func chooseGiver() {
        let own = lexicon.placesByRegion[region][0].members
        let givers = own.filter { QuestPhrasebook.giverKinds.contains(lexicon.places[$0].kind) }
        giver = pick(givers.isEmpty ? own : givers)
        if let giver { usedPlaces.insert(giver) }
    }

    /// Fits a strategy's actions to the objective count, as `GrammarQuestGenerator` does.
    private mutating func expand(_ steps: [QuestPhrasebook.Step], to count: Int) -> [QuestPhrasebook.Step] {
        var result = steps
        let endsWithReport = result.last == .report
        while result.count < count {
            let extra: QuestPhrasebook.Step = rng.nextUnit() < 0.5
                ? .visit(QuestPhrasebook.genericVisits) : .gather(QuestPhrasebook.genericGathers)
            result.insert(extra, at: endsWithReport ? result.count - 1 : result.count)
        }
        while result.count > count {
            if result.count > 1, endsWithReport, count >= 2 {
                result.remove(at: result.count - 2)
            } else {
                result.removeLast()
            }
        }
        return result
    }

    private mutating func add(_ step: QuestPhrasebook.Step, index: Int, of total: Int) -> Bool {
        let sentence: String
        switch step {
        case .visit(let phrases):
            guard let place = choosePlace() else { return false }
            sentence = fill(phrase(phrases, place: place), place: place, objective: lines.count) + "."
            appendReach(place, conditions: .none)
        case .scout(let phrases):
            guard let place = choosePlace() else { return false }
            let conditions = chooseConditions(weatherBits: weatherBits(ofPlace: place), scouting: true)
            sentence = fill(phrase(phrases, place: place), place: place, objective: lines.count) + "."
            appendReach(place, conditions: conditions)
        case .gather(let phrases):
            guard let gathered = gather(phrases) else { return false }
            sentence = gathered
        case .report:
            guard let place = giver ?? choosePlace() else { return false }
            sentence = fill(phrase(QuestPhrasebook.reports, place: place), place: place, objective: lines.count) + "."
            appendReach(place, conditions: .none)
        }
        sentences.append(connect(sentence, index: index, of: total))
        return true
    }

    private mutating func choosePlace() -> Int? {
        let foreign = wide && rng.nextUnit() < profile.foreignPlaceChance
        let pool = lexicon.placesByRegion[region][foreign ? 1 : 0].members.filter { !usedPlaces.contains($0) }
        let fallback = lexicon.placesByRegion[region][wide ? 1 : 0].members.filter { !usedPlaces.contains($0) }
        let candidates = pool.isEmpty ? fallback : pool
        let inRange = candidates.filter { profile.legMetres.contains(lexicon.places[$0].position.distance(to: here)) }
        let chosen = pick(inRange.isEmpty ? candidates : inRange)
        if let chosen { usedPlaces.insert(chosen) }
        return chosen
    }

    private mutating func appendReach(_ place: Int, conditions: ObjectiveConditions) {
        lines.append(.reach(place: lexicon.places[place].id, conditions: conditions))
        placesUsed.append(place)
        if firstPlace == nil, place != giver { firstPlace = place }
        here = lexicon.places[place].position
    }

    private mutating func gather(_ phrases: [String]) -> String? {
        let minCount = max(1, profile.collectCount.lowerBound)
        let maxCount = min(profile.collectCount.upperBound, lexicon.rules.maxCount)
        guard minCount <= maxCount else { return nil }
        let breadth = wide ? 1 : 0
        let available = lexicon.items.indices.filter { item in
            lexicon.items[item].rarity <= profile.maxRarity && !usedItems.contains(item)
                && lexicon.sourcesByRegion[region][breadth][item].count >= minCount
        }
        let preferred = available.filter { lexicon.items[$0].rarity >= profile.minRarity }
        guard let item = pick(preferred.isEmpty ? available : preferred) else { return nil }
        usedItems.insert(item)
        let places = lexicon.sourcesByRegion[region][breadth][item].members
        let count = rng.nextInt(in: minCount...min(maxCount, places.count))
        let wanted = min(places.count, count + rng.nextInt(in: 0...lexicon.limits.extraSources))
        // The nearest few, so the route stays sensible; shuffled so the line is not sorted.
        var nearest = Array(places.sorted {
            let a = lexicon.places[$0].position.distance(to: here), b = lexicon.places[$1].position.distance(to: here)
            return a == b ? $0 < $1 : a < b
        }.prefix(wanted))
        shuffle(&nearest)

        var bits = UInt8.max
        for source in nearest { bits &= weatherBits(ofPlace: source) }
        var conditions = ObjectiveConditions.none
        if profile.weatherChance > 0, rng.nextUnit() < 0.3 {
            conditions = chooseConditions(weatherBits: bits, scouting: false)
        }
        let objective = lines.count
        lines.append(.collect(
            item: lexicon.items[item].id, count: count, sources: nearest.map { lexicon.places[$0].id }, conditions: conditions))
        if firstItem == nil { firstItem = item }
        lastItem = item

        let foreignSource = nearest.contains { lexicon.placeRegion[$0] != region }
        let usable = phrases.filter { $0.contains("$qty") && (!foreignSource || !$0.contains("$region")) }
        let generic = QuestPhrasebook.genericGathers.filter { !$0.contains("$region") }
        var text = fill(phrase(usable.isEmpty ? generic : usable), objective: objective)
        // A hint names places the text may not name before their own objective: keep them
        // out of later reach lines.
        let hinted = nearest.filter { !usedPlaces.contains($0) || placesUsed.contains($0) }
        if rng.nextUnit() < 0.45, !hinted.isEmpty {
            let shown = Array(hinted.prefix(rng.nextInt(in: 1...min(3, hinted.count))))
            usedPlaces.formUnion(shown)
            let refs = shown.map { "{\(lexicon.places[$0].id)}" }
            let list = refs.count == 1 ? refs[0] : refs.dropLast().joined(separator: ", ") + " or " + (refs.last ?? "")
            let hint = vary(pick(QuestPhrasebook.sourceHints) ?? "try $sources").replacingOccurrences(of: "$sources", with: list)
            text += rng.nextUnit() < 0.5 ? " -- \(hint)" : " (\(hint))"
        }
        // Walk on to where this objective leaves the player, for the next leg.
        let areas = nearest.map { TargetArea(centre: lexicon.places[$0].position, radius: world.settings.claimRadius) }
        let route = QuestRoute(
            objectives: [.collect(CollectObjective(item: lexicon.items[item].id, count: count, sources: areas))], origin: here, world: world)
        here = route.stops.last?.target.centre ?? here
        return text + "."
    }

    private func weatherBits(ofPlace place: Int) -> UInt8 {
        let home = lexicon.placeRegion[place]
        return home >= 0 ? lexicon.regionWeather[home] : 0
    }

    /// Conditions as `GrammarQuestGenerator` picks them, restricted to weather every area
    /// can have and that is likely enough to come round within a day. The text never says
    /// them in its own words: the objective's `{@k}` renders them.
    private mutating func chooseConditions(weatherBits: UInt8, scouting: Bool) -> ObjectiveConditions {
        guard profile.allowsConditions else { return .none }
        var conditions = ObjectiveConditions.none
        if scouting, rng.nextUnit() < profile.weatherChance {
            let terrains = lexicon.regions.indices.filter { weatherBits & lexicon.regionWeather[$0] == weatherBits }.map { lexicon.regions[$0].terrain }
            let likely = QuestPhrasebook.weatherSets.filter { set in
                set.allSatisfy { weather in
                    guard let bit = Weather.allCases.firstIndex(of: weather) else { return false }
                    return weatherBits & (1 << UInt8(bit)) != 0
                } && terrains.allSatisfy { terrain in set.map { $0.probability(on: terrain) }.reduce(0, +) >= 0.25 }
            }
            if let choice = pick(likely) { conditions.weather = choice }
        }
        if conditions.weather == nil || rng.nextUnit() < profile.extraConditionChance - 0.5 {
            if let window = pick(QuestPhrasebook.timeWindows) { conditions.gameTimeWindow = window }
        }
        return conditions
    }

    /// At higher difficulty, one more plain visit becomes conditional.
    private mutating func addExtraCondition() {
        guard rng.nextUnit() < profile.extraConditionChance else { return }
        let plain = lines.indices.filter {
            if case .reach(let place, let conditions) = lines[$0], conditions.isEmpty, place != giver.map({ lexicon.places[$0].id }) {
                return true
            }
            return false
        }
        guard let index = pick(plain), case .reach(let placeID, _) = lines[index], let place = lexicon.placeRank(placeID) else { return }
        let conditions = chooseConditions(weatherBits: weatherBits(ofPlace: place), scouting: false)
        guard !conditions.isEmpty else { return }
        lines[index] = .reach(place: placeID, conditions: conditions)
    }

    // MARK: Text

    private mutating func phrase(_ options: [String], place: Int? = nil) -> String {
        let foreign = place.map { lexicon.placeRegion[$0] != region } ?? false
        let usable = options.filter { option in
            (!option.contains("$item") || lastItem != nil || option.contains("$qty"))
                && !(foreign && option.contains("$region"))
        }
        let fallback = QuestPhrasebook.genericVisits.filter { !$0.contains("$region") }
        let pool = usable.isEmpty ? fallback : usable
        let fresh = pool.filter { !usedPhrases.contains($0) }
        let chosen = pick(fresh.isEmpty ? pool : fresh) ?? "Make your way to $poi"
        usedPhrases.insert(chosen)
        return chosen
    }

    private mutating func connect(_ sentence: String, index: Int, of total: Int) -> String {
        guard total > 1 else { return sentence }
        let options: [String]
        if index == 0 {
            options = QuestPhrasebook.firstConnectors
        } else if index == total - 1, rng.nextUnit() < 0.6 {
            options = QuestPhrasebook.lastConnectors
        } else {
            options = QuestPhrasebook.connectors + ["", ""]
        }
        let connector = vary(pick(options) ?? "")
        guard !connector.isEmpty else { return sentence }
        let lowered = connector.hasSuffix(":") ? sentence : Self.lowercasingFirst(sentence)
        return "\(connector) \(lowered)"
    }

    /// Fills a template. With `objective`, the template's objective slot (`$qty`, else the
    /// first `$poi` or `$giver`) becomes that objective's `{@k}` reference.
    private mutating func fill(_ template: String, place: Int? = nil, objective: Int? = nil) -> String {
        var text = vary(template)
        if let objective {
            let ref = "{\(ObjectivePhrase.referenceID(objective))}"
            let slot = ["$qty", "$poi", "$giver"].compactMap { text.range(of: $0) }.min { $0.lowerBound < $1.lowerBound }
            if let slot { text.replaceSubrange(slot, with: ref) }
        }
        if let place {
            text = text.replacingOccurrences(of: "$poi", with: "{\(lexicon.places[place].id)}")
            text = text.replacingOccurrences(of: "$kind", with: lexicon.places[place].kind)
            text = text.replacingOccurrences(of: "$giver", with: "{\(lexicon.places[place].id)}")
        }
        if let item = lastItem { text = text.replacingOccurrences(of: "$item", with: "{\(lexicon.items[item].id)}") }
        text = text.replacingOccurrences(of: "$region", with: "{\(lexicon.regions[region].id)}")
        text = text.replacingOccurrences(of: "$npc", with: npc)
        return text
    }

    private mutating func makeTitle(strategy: QuestPhrasebook.Strategy, motivation: Motivation) -> String {
        let generic = QuestPhrasebook.genericTitles(for: motivation)
        let options = (rng.nextUnit() < 0.75 ? strategy.titles : generic).filter { template in
            (!template.contains("$poi") || firstPlace != nil) && (!template.contains("$item") || firstItem != nil)
        }
        var title = pick(options.isEmpty ? generic.filter { !$0.contains("$poi") && !$0.contains("$item") } : options) ?? "A Task"
        if let place = firstPlace { title = title.replacingOccurrences(of: "$poi", with: "{\(lexicon.places[place].id)}") }
        if let item = firstItem { title = title.replacingOccurrences(of: "$item", with: "{\(lexicon.items[item].id)}") }
        return fill(title)
    }

    private mutating func makeBody(motivation: Motivation) -> String {
        let openings = scope == .global ? QuestPhrasebook.globalOpenings : QuestPhrasebook.personalOpenings
        var opening = pick(openings) ?? "$npc"
        if !opening.contains("$npc,"), rng.nextUnit() < 0.25, let trait = pick(QuestPhrasebook.traits) {
            opening = opening.replacingOccurrences(of: "$npc", with: "$npc, who \(trait),")
        }
        var parts = [fill(opening) + " " + fill(pick(QuestPhrasebook.reasons(for: motivation)) ?? "needs help.")]
        if rng.nextUnit() < 0.5, let flavour = pick(QuestPhrasebook.flavour(for: lexicon.regions[region].terrain)) {
            parts.append(fill(flavour))
        }
        var steps = sentences
        // Sometimes a word about one of the places, right after the step that goes there.
        if rng.nextUnit() < 0.4, let place = pick(placesUsed), let flavour = pick(QuestPhrasebook.placeFlavour(for: lexicon.places[place].kind)),
           let index = lines.firstIndex(where: { if case .reach(lexicon.places[place].id, _) = $0 { true } else { false } }) {
            steps.insert(fill(flavour, place: place), at: min(index + 1, steps.count))
        }
        parts += steps
        if rng.nextUnit() < 0.3, let stake = pick(QuestPhrasebook.stakes(for: motivation)) { parts.append(stake) }
        let closings = scope == .global ? QuestPhrasebook.globalClosings : QuestPhrasebook.personalClosings
        let closing = fill(pick(closings) ?? "")
        if !closing.isEmpty { parts.append(closing) }
        return parts.joined(separator: " ")
    }

    private mutating func makeName() -> String {
        if rng.nextUnit() < 0.5 {
            return "\(pick(QuestPhrasebook.honorifics) ?? "Old") \(pick(QuestPhrasebook.givenNames) ?? "Marmalade")"
        }
        return "\(pick(QuestPhrasebook.givenNames) ?? "Pip") \(pick(QuestPhrasebook.familyNames) ?? "Shorttail")"
    }

    // MARK: Helpers

    /// Expands every `[a|b|c]` in a template to one of its options.
    private mutating func vary(_ template: String) -> String {
        guard template.contains("[") else { return template }
        var result = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            result += rest[..<open]
            let options = rest[rest.index(after: open)..<close].split(separator: "|", omittingEmptySubsequences: false)
            result += pick(options) ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    private mutating func pick<T>(_ options: [T]) -> T? {
        guard !options.isEmpty else { return nil }
        return options[rng.nextInt(in: 0...(options.count - 1))]
    }

    private mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(i, rng.nextInt(in: 0...i))
        }
    }

    static func lowercasingFirst(_ text: String) -> String {
        guard let first = text.first, !text.hasPrefix("{") else { return text }
        // Keep names and "I" as they are: only lower a capital followed by a lowercase letter.
        let second = text.dropFirst().first
        guard first.isUppercase, second?.isLowercase == true else { return text }
        return first.lowercased() + text.dropFirst()
    }

    static func capitalizingFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

}
