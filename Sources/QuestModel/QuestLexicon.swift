import Quests
import World

/// The world and the rules as the quest grammar sees them: every id in byte order (so a
/// rank is an index), with what each region, place and item allows. Built once per world
/// and shared by every grammar and decoder; immutable, so any thread may read it.
///
/// ```swift
/// let lexicon = try QuestLexicon(world: world)
/// let grammar = try QuestGrammar(lexicon: lexicon, scope: .personal, region: "purrington", difficulty: 2)
/// ```
public final class QuestLexicon: Sendable {
    public let world: World
    public let profiles: [DifficultyProfile]
    public let rules: QuestRules
    public let limits: QuestGrammarLimits
    /// The words prose may use; nil allows any letters.
    public let proseWords: ProseWords?
    /// The words a personal quest's prose may use (no race words); nil for ``proseWords``.
    public let personalProseWords: ProseWords?

    let regions: [Region]
    let places: [PointOfInterest]
    let items: [Item]
    let regionTrie: WordTrie
    let placeTrie: WordTrie
    let itemTrie: WordTrie

    /// Rank of the region each place really lies in (`World.region(at:)`, which is what
    /// the validator uses), or -1 for a place off the map.
    let placeRegion: [Int]
    /// Weather kinds possible on each region's terrain, as bits in `Weather.allCases` order.
    let regionWeather: [UInt8]
    /// Regions a quest may be set in: those with at least one reachable place.
    let viableRegions: BitSet
    /// Places a quest may visit, per region: `[region][0]` its own, `[region][1]` its own
    /// and its neighbours'.
    let placesByRegion: [[BitSet]]
    /// Per region, per breadth (0 own, 1 with neighbours), per item: places where a unit
    /// may be collected.
    let sourcesByRegion: [[[BitSet]]]

    let scopeTrie: WordTrie
    let scopes: [QuestScope]
    let difficultyTrie: WordTrie
    let difficulties: [Int]
    let motivationTrie: WordTrie
    let motivations: [Motivation]
    let keywordTrie: WordTrie
    let keywords: [QuestKeyword]
    let conditionTrie: WordTrie
    let conditionKinds: [QuestConditionKind]
    let weatherTrie: WordTrie
    let weathers: [Weather]
    /// "0", "1", … up to the larger of 23 and the largest count; used for counts and hours.
    /// Hashes (``QuestGrammar/sentenceHash(_:)``) of the sentences that promise a race,
    /// which a personal quest's text may never say.
    let raceSentences: [UInt64] = QuestLexicon.raceSentenceHashes()
    let numberTrie: WordTrie
    let numbers: [Int]
    let rankOfNumber: [Int]

    /// Builds the tables.
    /// - Parameters:
    ///   - proseWords: the words titles and texts may use (the model's `words.txt`); nil for any.
    ///   - personalProseWords: those a personal quest may use; nil for the same.
    /// - Throws: `QuestGrammarError` when the world or the profiles leave the grammar
    ///   unable to finish a quest (no five profiles, a text limit too short for the names).
    public init(
        world: World, profiles: [DifficultyProfile] = DifficultyProfile.standard, rules: QuestRules = QuestRules(),
        limits: QuestGrammarLimits = QuestGrammarLimits(), proseWords: ProseWords? = nil, personalProseWords: ProseWords? = nil
    ) throws(QuestGrammarError) {
        self.proseWords = proseWords
        self.personalProseWords = personalProseWords ?? proseWords
        guard profiles.count == 5 else {
            throw QuestGrammarError(code: .badProfiles, reason: "need five difficulty profiles, got \(profiles.count)")
        }
        self.world = world
        self.profiles = profiles
        self.rules = rules
        let limits = limits.clamped(to: rules)
        self.limits = limits

        let regionTrie = WordTrie(world.regions.map(\.id))
        let placeTrie = WordTrie(world.pointsOfInterest.map(\.id))
        let itemTrie = WordTrie(world.items.map(\.id))
        self.regionTrie = regionTrie
        self.placeTrie = placeTrie
        self.itemTrie = itemTrie
        // World ids are unique (WorldValidation), so sorting by bytes gives rank == index.
        let regionByID = Dictionary(world.regions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let placeByID = Dictionary(world.pointsOfInterest.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let itemByID = Dictionary(world.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let regions = (0..<regionTrie.count).compactMap { regionByID[regionTrie.word($0)] }
        let places = (0..<placeTrie.count).compactMap { placeByID[placeTrie.word($0)] }
        let items = (0..<itemTrie.count).compactMap { itemByID[itemTrie.word($0)] }
        self.regions = regions
        self.places = places
        self.items = items

        let regionRank = Dictionary(regions.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let placeRegion = places.map { place -> Int in
            guard world.isReachable(place.position), let region = world.region(at: place.position) else { return -1 }
            return regionRank[region.id] ?? -1
        }
        self.placeRegion = placeRegion
        regionWeather = regions.map { region in
            var bits: UInt8 = 0
            for (index, weather) in Weather.allCases.enumerated() where weather.probability(on: region.terrain) > 0 {
                bits |= 1 << UInt8(index)
            }
            return bits
        }

        // Neighbours: bounding boxes that touch or overlap. Cheap, and exact for the
        // rectangles and triangles the shipped map is made of.
        func touches(_ a: Bounds, _ b: Bounds) -> Bool {
            a.minX <= b.maxX + 1 && b.minX <= a.maxX + 1 && a.minY <= b.maxY + 1 && b.minY <= a.maxY + 1
        }
        var placesByRegion: [[BitSet]] = []
        var viable = BitSet(capacity: regions.count)
        for (r, region) in regions.enumerated() {
            var own = BitSet(capacity: places.count)
            var wide = BitSet(capacity: places.count)
            for (p, home) in placeRegion.enumerated() where home >= 0 {
                if home == r { own.insert(p) }
                if home == r || touches(region.area.boundingBox, regions[home].area.boundingBox) { wide.insert(p) }
            }
            if !own.isEmpty { viable.insert(r) }
            placesByRegion.append([own, wide])
        }
        self.placesByRegion = placesByRegion
        viableRegions = viable

        // A place closer than two claim radii to an earlier one would make two sources
        // overlap (which the validator refuses); such a place is never a source.
        let claim = world.settings.claimRadius
        var sourceable = BitSet(capacity: places.count)
        for (p, place) in places.enumerated() where placeRegion[p] >= 0 {
            let clashes = places[..<p].enumerated().contains { q, other in
                placeRegion[q] >= 0 && other.position.distance(to: place.position) < 2 * claim
            }
            if !clashes { sourceable.insert(p) }
        }
        let itemPlaces = items.map { item -> BitSet in
            let homes = Set(item.regions.compactMap { regionRank[$0] })
            var set = BitSet(capacity: places.count)
            for p in sourceable.members where homes.contains(placeRegion[p]) { set.insert(p) }
            return set
        }
        sourcesByRegion = placesByRegion.map { breadths in
            breadths.map { allowed in itemPlaces.map { $0.intersection(allowed) } }
        }

        (scopeTrie, scopes) = Self.ordered(QuestScope.allCases.map { ($0.rawValue, $0) })
        (difficultyTrie, difficulties) = Self.ordered((1...5).map { ("d\($0)", $0) })
        (motivationTrie, motivations) = Self.ordered(Motivation.allCases.map { ($0.rawValue, $0) })
        (keywordTrie, keywords) = Self.ordered(QuestKeyword.allCases.map { ($0.rawValue, $0) })
        (conditionTrie, conditionKinds) = Self.ordered(QuestConditionKind.allCases.map { ($0.rawValue, $0) })
        (weatherTrie, weathers) = Self.ordered(Weather.allCases.map { ($0.rawValue, $0) })
        let largest = max(23, rules.maxCount)
        (numberTrie, numbers) = Self.ordered((0...largest).map { (String($0), $0) })
        var rankOfNumber = Array(repeating: -1, count: largest + 1)
        for (rank, value) in numbers.enumerated() { rankOfNumber[value] = rank }
        self.rankOfNumber = rankOfNumber

        // Every objective's phrase must fit in a description, or a quest could paint itself
        // into a corner it cannot write its way out of.
        let longestName = (places.map(\.name.count) + items.map { $0.name.count + ObjectivePhrase.longestQuantity }).max() ?? 0
        let longestPhrase = longestName + ObjectivePhrase.longestClause
        guard limits.maxTextLength > longestPhrase * limits.maxObjectives else {
            throw QuestGrammarError(
                code: .textLimitTooShort,
                reason: "a description of \(limits.maxTextLength) characters cannot say \(limits.maxObjectives) objectives of up to \(longestPhrase) characters")
        }
        guard !viable.isEmpty else {
            throw QuestGrammarError(code: .emptyWorld, reason: "no region has a reachable point of interest")
        }
    }

    /// Builds a trie over the words and returns the values in rank order.
    private static func ordered<T>(_ pairs: [(String, T)]) -> (WordTrie, [T]) {
        let trie = WordTrie(pairs.map(\.0))
        let byWord = Dictionary(pairs.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        return (trie, (0..<trie.count).compactMap { byWord[trie.word($0)] })
    }

    func profile(_ difficulty: Int) -> DifficultyProfile {
        profiles[min(max(difficulty, 1), 5) - 1]
    }

    /// Whether the lexicon was built from this world (same name, seed and tables).
    public func describes(_ other: World) -> Bool {
        other.name == world.name && other.seed == world.seed && other.regions == world.regions
            && other.pointsOfInterest == world.pointsOfInterest && other.items == world.items
            && other.settings == world.settings
    }

    func placeRank(_ id: String) -> Int? { placeTrie.rank(of: id) }
    func itemRank(_ id: String) -> Int? { itemTrie.rank(of: id) }
    func regionRank(_ id: String) -> Int? { regionTrie.rank(of: id) }
}

/// The words that start an objective, condition or prose line.
enum QuestKeyword: String, CaseIterable, Sendable {
    case reach, collect, when, title
}

/// What a `when` line constrains.
enum QuestConditionKind: String, CaseIterable, Sendable {
    case weather, hours
}

extension QuestLexicon {
    /// Every way the global closings are said (and one race phrase an older corpus gave personal
    /// quests), without their end mark.
    static func raceSentenceHashes() -> [UInt64] {
        var sentences: [String] = ["History is written by the winners"]
        for closing in QuestPhrasebook.globalClosings where !closing.isEmpty {
            sentences += expandOptions(closing)
        }
        return sentences.map { sentence in
            var bytes = Array(sentence.utf8)
            while let last = bytes.last, QuestGrammar.isEndMark(last) { bytes.removeLast() }
            return QuestGrammar.sentenceHash(bytes)
        }
    }

    /// "May the [swiftest|boldest] cat win." → both sentences.
    static func expandOptions(_ template: String) -> [String] {
        guard let open = template.firstIndex(of: "["), let close = template[open...].firstIndex(of: "]") else { return [template] }
        let head = template[..<open], tail = String(template[template.index(after: close)...])
        return template[template.index(after: open)..<close].split(separator: "|", omittingEmptySubsequences: false)
            .flatMap { option in expandOptions(head + option + tail) }
    }
}
