import Foundation
import World

/// Why a generator could not propose a quest.
public struct QuestGenerationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
    public var description: String { "\(field): \(reason) [quest.generation]" }
}

/// How difficulty shapes a quest; index 0 is difficulty 1.
public struct DifficultyProfile: Hashable, Sendable {
    public var objectives: ClosedRange<Int>
    /// Preferred leg length range in metres from the previous stop.
    public var legMetres: ClosedRange<Double>
    public var maxRarity: Rarity
    public var minRarity: Rarity
    public var collectCount: ClosedRange<Int>
    /// Chance that a scouting step carries a weather condition (else a time window).
    public var weatherChance: Double
    /// Chance of one extra condition on some other step.
    public var extraConditionChance: Double
    /// Chance, per visit, to use a place in a neighbouring region.
    public var foreignPlaceChance: Double
    /// Time limit = slack × travel + waits + buffer; slack never below the validator's 2.
    public var slack: Double
    /// Whether scouting steps carry a weather or game-hour condition at all.
    public var allowsConditions: Bool

    public static let standard: [DifficultyProfile] = [
        .init(objectives: 1...1, legMetres: 0...1_500, maxRarity: .common, minRarity: .common, collectCount: 1...1,
              weatherChance: 0, extraConditionChance: 0, foreignPlaceChance: 0, slack: 4, allowsConditions: false),
        .init(objectives: 1...2, legMetres: 400...3_000, maxRarity: .uncommon, minRarity: .common, collectCount: 1...2,
              weatherChance: 0, extraConditionChance: 0, foreignPlaceChance: 0, slack: 3.5, allowsConditions: true),
        .init(objectives: 2...3, legMetres: 1_200...5_000, maxRarity: .rare, minRarity: .uncommon, collectCount: 2...3,
              weatherChance: 0.3, extraConditionChance: 0.3, foreignPlaceChance: 0.15, slack: 3, allowsConditions: true),
        .init(objectives: 3...4, legMetres: 2_000...7_000, maxRarity: .epic, minRarity: .rare, collectCount: 2...3,
              weatherChance: 0.5, extraConditionChance: 0.5, foreignPlaceChance: 0.3, slack: 2.5, allowsConditions: true),
        .init(objectives: 4...5, legMetres: 3_000...9_000, maxRarity: .legendary, minRarity: .epic, collectCount: 3...4,
              weatherChance: 0.7, extraConditionChance: 0.8, foreignPlaceChance: 0.4, slack: 2.2, allowsConditions: true),
    ]
}

/// Generates quests from the Doran & Parberry grammar: motivation → strategy → actions →
/// objectives, then text from templates that name the same places and items.
///
/// Deterministic: the same context (world, scope, region, difficulty, position, seed,
/// now) always gives the same quest. Every result has passed `QuestValidator`.
public struct GrammarQuestGenerator: QuestGenerator {
    public var profiles: [DifficultyProfile]
    public var rules: QuestRules
    /// Seconds added to every time limit for finding one's bearings.
    public var bufferSeconds: Double

    public init(profiles: [DifficultyProfile] = DifficultyProfile.standard, rules: QuestRules = QuestRules(), bufferSeconds: Double = 300) {
        self.profiles = profiles
        self.rules = rules
        self.bufferSeconds = bufferSeconds
    }

    public func generate(_ request: QuestRequestContext) throws -> QuestSpec {
        let world = request.world
        var rng = SplitMix64(mixing: request.seed, world.seed, FNV1a.hash(request.scope.rawValue))

        let difficulty = request.difficulty ?? rng.nextInt(in: 1...5)
        guard (1...5).contains(difficulty), profiles.count == 5 else {
            throw QuestGenerationError(field: "difficulty", reason: "difficulty \(difficulty) must be in 1...5")
        }
        let profile = profiles[difficulty - 1]
        let region: Region
        if let id = request.region {
            guard let found = world.region(id: id) else {
                throw QuestGenerationError(field: "region", reason: "no region has id \"\(id)\"")
            }
            region = found
        } else {
            let fitting = world.regions.filter { abs($0.hazard - difficulty) <= 1 }
            var pool = fitting.isEmpty ? world.regions : fitting
            if request.scope == .personal, let position = request.requesterPosition, world.isReachable(position) {
                // A personal quest happens near the requester: one of the two closest fitting regions.
                func remoteness(_ r: Region) -> Double { r.contains(position) ? 0 : r.centre.distance(to: position) }
                pool = Array(pool.sorted { (remoteness($0), $0.id) < (remoteness($1), $1.id) }.prefix(2))
            }
            region = Self.pick(pool, &rng) ?? world.regions[0]
        }
        guard let origin = request.origin(regionID: region.id) else {
            throw QuestGenerationError(field: "region", reason: "region \"\(region.id)\" has no start point")
        }

        let motivation = Self.pick(Motivation.allCases, &rng) ?? .knowledge
        let strategies = QuestGrammar.strategies(for: motivation)
        guard let strategy = Self.pick(strategies, &rng) else {
            throw QuestGenerationError(field: "motivation", reason: "no strategy for \(motivation.rawValue)")
        }
        let steps = expand(strategy.steps, to: rng.nextInt(in: profile.objectives), &rng)

        var builder = Builder(world: world, region: region, profile: profile, origin: origin, rng: rng, now: request.now)
        builder.npc = Self.pick(QuestGrammar.npcs, &builder.rng) ?? "Old Marmalade"
        builder.chooseGiver()
        for step in steps {
            try builder.add(step)
        }
        builder.addExtraCondition()

        // Drop weather conditions if the forecast never obliges within a day, then size the limit.
        let horizon = request.now.addingTimeInterval(24 * 3_600)
        var route = QuestRoute(objectives: builder.objectives, origin: origin, world: world)
        var walk = ReferenceWalk.walk(route, world: world, start: request.now, horizon: horizon)
        if walk == nil {
            builder.dropWeatherConditions()
            route = QuestRoute(objectives: builder.objectives, origin: origin, world: world)
            walk = ReferenceWalk.walk(route, world: world, start: request.now, horizon: horizon)
        }
        guard let walk else {
            throw QuestGenerationError(field: "objectives", reason: "no way to meet the conditions within a day")
        }
        let needed = max(profile.slack, rules.minSlack) * route.travelSeconds + walk.waitSeconds + bufferSeconds
        let timeLimit = Int((needed / 60).rounded(.up)) * 60

        let spec = QuestSpec(
            title: builder.title(strategy: strategy),
            description: builder.description(motivation: motivation, scope: request.scope),
            region: region.id, difficulty: difficulty, motivation: motivation,
            objectives: builder.objectives, timeLimit: timeLimit)
        try QuestValidator.validate(spec, world: world, origin: origin, now: request.now, rules: rules)
        return spec
    }

    /// Fits a strategy's actions to the wanted objective count: pads with generic visits
    /// and gathers before a final report, or trims the middle, keeping the first action.
    func expand(_ steps: [GrammarStep], to count: Int, _ rng: inout SplitMix64) -> [GrammarStep] {
        var result = steps
        let endsWithReport = result.last == .report
        while result.count < count {
            let extra: GrammarStep = rng.nextUnit() < 0.5 ? .visit(QuestGrammar.genericVisits) : .gather(QuestGrammar.genericGathers)
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

    static func pick<T>(_ options: [T], _ rng: inout SplitMix64) -> T? {
        guard !options.isEmpty else { return nil }
        return options[rng.nextInt(in: 0...(options.count - 1))]
    }
}

/// Turns grammar steps into objectives and sentences while walking the route in mind.
private struct Builder {
    let world: World
    let region: Region
    let profile: DifficultyProfile
    var rng: SplitMix64
    /// When the quest starts: conditions lean towards the weather and hours of the live world.
    let now: Date
    var here: Point
    var npc = ""
    var giver: PointOfInterest?
    var used = Set<String>()
    var usedItems = Set<String>()
    var usedPhrases = Set<String>()
    var objectives: [Objective] = []
    var sentences: [String] = []
    var firstPlace: PointOfInterest?
    var firstItem: Item?
    var lastItem: Item?

    init(world: World, region: Region, profile: DifficultyProfile, origin: Point, rng: SplitMix64, now: Date) {
        self.world = world
        self.region = region
        self.profile = profile
        self.here = origin
        self.rng = rng
        self.now = now
    }

    mutating func chooseGiver() {
        let places = world.pointsOfInterest(inRegion: region.id)
        let givers = places.filter { QuestGrammar.giverKinds.contains($0.kind) }
        giver = GrammarQuestGenerator.pick(givers.isEmpty ? places : givers, &rng)
        if let giver { used.insert(giver.id) }
    }

    mutating func add(_ step: GrammarStep) throws {
        switch step {
        case .visit(let phrases):
            let place = try choosePlace()
            let phrase = pickPhrase(phrases)
            appendReach(place, phrase: phrase, conditions: .none, conditionText: "")
        case .scout(let phrases):
            let place = try choosePlace()
            let (conditions, text) = chooseConditions(at: place.position, forScouting: true)
            appendReach(place, phrase: pickPhrase(phrases), conditions: conditions, conditionText: text)
        case .gather(let phrases):
            try appendCollect(phrase: pickPhrase(phrases))
        case .report:
            let place: PointOfInterest
            if let giver { place = giver } else { place = try choosePlace() }
            let phrase = GrammarQuestGenerator.pick(QuestGrammar.reports, &rng) ?? "Return to {giver}"
            appendReach(place, phrase: phrase, conditions: .none, conditionText: "")
        }
    }

    /// A phrase that can be filled in; one that needs an item falls back to a generic visit
    /// when no item has been gathered yet.
    mutating func pickPhrase(_ phrases: [String]) -> String {
        let usable = phrases.filter { !$0.contains("{item}") || lastItem != nil || $0.contains("{count}") }
        let options = usable.isEmpty ? QuestGrammar.genericVisits : usable
        let fresh = options.filter { !usedPhrases.contains($0) }
        let phrase = GrammarQuestGenerator.pick(fresh.isEmpty ? options : fresh, &rng) ?? "Make your way to {poi}"
        usedPhrases.insert(phrase)
        return phrase
    }

    mutating func choosePlace() throws -> PointOfInterest {
        let useForeign = rng.nextUnit() < profile.foreignPlaceChance
        let pool = world.pointsOfInterest.filter { poi in
            !used.contains(poi.id) && (poi.region == region.id || useForeign)
        }
        let fallbackPool = world.pointsOfInterest.filter { !used.contains($0.id) }
        let candidates = pool.isEmpty ? fallbackPool : pool
        let inRange = candidates.filter { profile.legMetres.contains($0.position.distance(to: here)) }
        let chosen: PointOfInterest?
        if !inRange.isEmpty {
            chosen = GrammarQuestGenerator.pick(inRange, &rng)
        } else {
            // Nothing at the preferred distance: take the place whose distance is closest to the range.
            chosen = candidates.min { distanceOutside($0) < distanceOutside($1) || distanceOutside($0) == distanceOutside($1) && $0.id < $1.id }
        }
        guard let chosen else {
            throw QuestGenerationError(field: "objectives", reason: "the map has run out of places")
        }
        used.insert(chosen.id)
        return chosen
    }

    private func distanceOutside(_ poi: PointOfInterest) -> Double {
        let d = poi.position.distance(to: here)
        return d < profile.legMetres.lowerBound ? profile.legMetres.lowerBound - d : max(0, d - profile.legMetres.upperBound)
    }

    mutating func appendReach(_ place: PointOfInterest, phrase: String, conditions: ObjectiveConditions, conditionText: String) {
        let target = TargetArea(centre: place.position, radius: world.settings.reachRadius)
        objectives.append(.reach(ReachObjective(target: target, poi: place.id, conditions: conditions)))
        if firstPlace == nil, place.id != giver?.id { firstPlace = place }
        sentences.append(fill(phrase, place: place, count: nil) + conditionText + ".")
        here = place.position
    }

    mutating func appendCollect(phrase: String) throws {
        // Items come from the quest's region, or now and then from the region the route has wandered into.
        let hereRegion = world.region(at: here) ?? region
        let wander = hereRegion.id != region.id && rng.nextUnit() < profile.foreignPlaceChance
        let sourceRegion = wander ? hereRegion : region
        let available = world.items(foundIn: sourceRegion.id).filter { $0.rarity <= profile.maxRarity }
        let fresh = available.filter { !usedItems.contains($0.id) }
        let pool = fresh.isEmpty ? available : fresh
        let preferred = pool.filter { $0.rarity >= profile.minRarity }
        let fallback = pool.filter { $0.rarity == pool.map(\.rarity).max() }
        guard let item = GrammarQuestGenerator.pick(preferred.isEmpty ? fallback : preferred, &rng) else {
            throw QuestGenerationError(field: "objectives", reason: "no item of rarity up to \(profile.maxRarity.rawValue) is found in \(sourceRegion.id)")
        }
        usedItems.insert(item.id)
        let count = rng.nextInt(in: profile.collectCount)
        let sources = try sampleSources(count: count + (profile.maxRarity >= .rare ? 2 : 1), in: sourceRegion)
        var conditions = ObjectiveConditions.none
        var conditionText = ""
        // Rare finds at higher difficulty only show themselves at certain hours.
        if profile.weatherChance > 0, rng.nextUnit() < 0.3, let window = pickWindow() {
            conditions.gameTimeWindow = window.0
            conditionText = " — it only shows itself \(window.1) (\(Self.hours(window.0)) game time)"
        }
        objectives.append(.collect(CollectObjective(item: item.id, count: count, sources: sources, conditions: conditions)))
        if firstItem == nil { firstItem = item }
        lastItem = item
        let base = fill(phrase, place: nil, count: count)
        sentences.append(base + " in \(sourceRegion.name)" + conditionText + ".")
        let route = QuestRoute(objectives: [objectives[objectives.count - 1]], origin: here, world: world)
        here = route.stops.last?.target.centre ?? here
    }

    /// Random, non-overlapping points where the item is found, preferring ones within the
    /// profile's leg length of the current position.
    mutating func sampleSources(count: Int, in sourceRegion: Region) throws -> [TargetArea] {
        let radius = world.settings.claimRadius
        let box = sourceRegion.area.boundingBox
        var sources: [TargetArea] = []
        var tries = 0
        while sources.count < count && tries < 2_000 {
            tries += 1
            let point = Point(
                x: (box.minX + rng.nextUnit() * box.width).rounded(),
                y: (box.minY + rng.nextUnit() * box.height).rounded())
            guard world.region(at: point)?.id == sourceRegion.id, world.isReachable(point) else { continue }
            if tries < 1_000, point.distance(to: here) > profile.legMetres.upperBound { continue }
            guard sources.allSatisfy({ $0.centre.distance(to: point) >= 2 * radius + 10 }) else { continue }
            sources.append(TargetArea(centre: point, radius: radius))
        }
        guard sources.count == count else {
            throw QuestGenerationError(field: "objectives", reason: "could not place \(count) sources in \(sourceRegion.id)")
        }
        return sources
    }

    mutating func chooseConditions(at point: Point, forScouting: Bool) -> (ObjectiveConditions, String) {
        guard profile.allowsConditions else { return (.none, "") }
        let terrain = (world.region(at: point) ?? region).terrain
        var conditions = ObjectiveConditions.none
        var parts: [String] = []
        if rng.nextUnit() < profile.weatherChance {
            let likely = QuestGrammar.weatherSets.filter { set in set.0.map { $0.probability(on: terrain) }.reduce(0, +) >= 0.25 }
            // Most often a weather that holds there now, so the quest can be done without waiting.
            let current = world.weather(at: point, date: now)
            let holding = likely.filter { set in current.map { set.0.contains($0) } ?? false }
            let pool = !holding.isEmpty && rng.nextUnit() < 0.7 ? holding : likely
            if let choice = GrammarQuestGenerator.pick(pool, &rng) {
                conditions.weather = choice.0
                parts.append("while there is \(choice.1) over \((world.region(at: point) ?? region).name)")
            }
        }
        if conditions.weather == nil || rng.nextUnit() < profile.extraConditionChance - 0.5 {
            if let window = pickWindow() {
                conditions.gameTimeWindow = window.0
                parts.append("\(window.1) (\(Self.hours(window.0)) game time)")
            }
        }
        return (conditions, parts.isEmpty ? "" : " — but only " + parts.joined(separator: " and "))
    }

    /// An hour window, most often one open now or opening within six game hours.
    mutating func pickWindow() -> (GameTimeWindow, String)? {
        let hour = world.clock.gameTime(at: now).hour
        let soon = QuestGrammar.timeWindows.filter { window in
            let w = window.0
            let open = (hour - w.fromHour + 24) % 24 < w.hours
            return open || (w.fromHour - hour + 24) % 24 <= 6
        }
        let pool = !soon.isEmpty && rng.nextUnit() < 0.7 ? soon : QuestGrammar.timeWindows
        return GrammarQuestGenerator.pick(pool, &rng)
    }

    /// At higher difficulty, one more plain visit becomes conditional.
    mutating func addExtraCondition() {
        guard rng.nextUnit() < profile.extraConditionChance else { return }
        let plain = objectives.indices.filter {
            if case .reach(let reach) = objectives[$0], reach.conditions.isEmpty, reach.poi != giver?.id { return true }
            return false
        }
        guard let index = GrammarQuestGenerator.pick(plain, &rng), case .reach(var reach) = objectives[index] else { return }
        let (conditions, text) = chooseConditions(at: reach.target.centre, forScouting: false)
        guard !conditions.isEmpty else { return }
        reach.conditions = conditions
        objectives[index] = .reach(reach)
        if sentences[index].hasSuffix(".") {
            sentences[index] = String(sentences[index].dropLast()) + text + "."
        }
    }

    mutating func dropWeatherConditions() {
        for index in objectives.indices {
            if case .reach(var reach) = objectives[index], reach.conditions.weather != nil {
                reach.conditions.weather = nil
                objectives[index] = .reach(reach)
                if let range = sentences[index].range(of: " — but only while there is") {
                    var sentence = String(sentences[index][..<range.lowerBound])
                    if let window = reach.conditions.gameTimeWindow {
                        sentence += " — but only \(Self.hours(window)) game time"
                    }
                    sentences[index] = sentence + "."
                }
            }
        }
    }

    func title(strategy: GrammarStrategy) -> String {
        let usable = strategy.titles.filter { template in
            (!template.contains("{poi}") || firstPlace != nil) && (!template.contains("{item}") || firstItem != nil)
        }
        guard !usable.isEmpty else { return "A Task in \(region.name)" }
        return fill(usable[Int(rngIndex(usable.count))], place: firstPlace, count: nil, item: firstItem)
    }

    /// A title choice that does not consume the generator (titles are picked last).
    private func rngIndex(_ count: Int) -> UInt64 {
        var copy = rng
        return copy.next() % UInt64(max(count, 1))
    }

    func description(motivation: Motivation, scope: QuestScope) -> String {
        let intros = QuestGrammar.intros(for: motivation)
        let intro = intros[Int(rngIndex(intros.count))]
        let giverName = giver?.name ?? region.name
        let opening = scope == .global
            ? "A notice nailed up at \(giverName): \(npc) \(fill(intro, place: nil, count: nil))"
            : "\(npc) of \(giverName) pulls you aside and \(fill(intro, place: nil, count: nil))"
        return ([opening] + sentences + ["Finish before the deadline."]).joined(separator: " ")
    }

    func fill(_ template: String, place: PointOfInterest?, count: Int?, item: Item? = nil) -> String {
        var text = template
        let itemName = (item ?? lastItem)?.name ?? "supplies"
        let placeRegion = place.flatMap { world.region(id: $0.region) } ?? region
        text = text.replacingOccurrences(of: "{poi}", with: place?.name ?? region.name)
        text = text.replacingOccurrences(of: "{kind}", with: place?.kind ?? "place")
        text = text.replacingOccurrences(of: "{region}", with: placeRegion.name)
        text = text.replacingOccurrences(of: "{item}", with: itemName)
        text = text.replacingOccurrences(of: "{count}", with: String(count ?? 1))
        text = text.replacingOccurrences(of: "{npc}", with: npc)
        text = text.replacingOccurrences(of: "{giver}", with: giver?.name ?? region.name)
        return text
    }

    static func hours(_ window: GameTimeWindow) -> String {
        func two(_ h: Int) -> String { h < 10 ? "0\(h):00" : "\(h):00" }
        return "\(two(window.fromHour))–\(two(window.toHour))"
    }
}
