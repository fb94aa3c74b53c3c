import Quests
import World

/// The transition function. Rule of the file: a step either rejects the byte and leaves
/// the state untouched, or accepts it into a state from which the quest can still be
/// finished. Slots are entered with their allowed set already narrowed to words that
/// lead somewhere, so no accepted prefix is a dead end.
extension QuestGrammar {
    static let space: UInt8 = 0x20
    static let newline: UInt8 = 0x0A
    static let comma: UInt8 = 0x2C
    static let dash: UInt8 = 0x2D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D

    static let headerLiteral = Array("<quest> ".utf8)
    static let fromLiteral = Array("from ".utf8)
    static let textLiteral = Array("text ".utf8)
    static let endLiteral = Array("</quest>".utf8)

    static func bytes(of literal: State.Literal) -> [UInt8] {
        switch literal {
        case .header: headerLiteral
        case .from: fromLiteral
        case .text: textLiteral
        case .end: endLiteral
        }
    }

    /// Feeds one byte.
    /// - Returns: whether the byte was accepted; on false the state is unchanged.
    @inline(__always)
    public func advance(_ state: inout State, _ byte: UInt8) -> Bool {
        switch state.phase {
        case .literal: return advanceLiteral(&state, byte)
        case .word: return advanceWord(&state, byte)
        case .prose: return advanceProse(&state, byte)
        case .reference: return advanceReference(&state, byte)
        case .done: return false
        }
    }

    /// Feeds bytes until one is refused.
    /// - Returns: how many were accepted.
    public func advance(_ state: inout State, bytes: some Sequence<UInt8>) -> Int {
        var accepted = 0
        for byte in bytes {
            guard advance(&state, byte) else { break }
            accepted += 1
        }
        return accepted
    }

    // MARK: Literals

    private func advanceLiteral(_ state: inout State, _ byte: UInt8) -> Bool {
        let literal = Self.bytes(of: state.literal)
        let position = Int(state.position)
        guard position < literal.count, literal[position] == byte else { return false }
        guard position + 1 == literal.count else {
            state.position += 1
            return true
        }
        switch state.literal {
        case .header: enter(&state, .scope)
        case .from: enter(&state, .source)
        case .text:
            state.phase = .prose
            state.field = .text
            state.rendered = 0
            state.lastByte = 0
            state.gap = 2
            state.sentenceHash = Self.hashOffset
            state.said = state.scope == .personal ? lexicon.raceSentences : []
            state.closingSentences = 0
            state.namedInText = 0
            state.lastWord = -1
        case .end: state.phase = .done
        }
        return true
    }

    private func startLiteral(_ state: inout State, _ literal: State.Literal) {
        state.phase = .literal
        state.literal = literal
        state.position = 0
    }

    // MARK: Words

    func trie(for slot: State.Slot) -> WordTrie {
        switch slot {
        case .scope: lexicon.scopeTrie
        case .region: lexicon.regionTrie
        case .difficulty: lexicon.difficultyTrie
        case .motivation: lexicon.motivationTrie
        case .keyword: lexicon.keywordTrie
        case .reachPlace, .source: lexicon.placeTrie
        case .item: lexicon.itemTrie
        case .count, .fromHour, .toHour: lexicon.numberTrie
        case .condition: lexicon.conditionTrie
        case .weather: lexicon.weatherTrie
        }
    }

    private func advanceWord(_ state: inout State, _ byte: UInt8) -> Bool {
        let trie = trie(for: state.slot)
        let node = Int(state.position)
        if let next = trie.child(node, byte),
           state.allowed.intersects(Int(trie.low[next]), Int(trie.high[next])) {
            state.position = Int32(next)
            return true
        }
        let rank = Int(trie.terminal[node])
        guard rank >= 0, state.allowed.contains(rank) else { return false }
        return finishWord(&state, rank: rank, delimiter: byte)
    }

    /// Ends the current word with `delimiter` if the slot allows that delimiter after it,
    /// records what the word declares, and moves to what follows.
    private func finishWord(_ state: inout State, rank: Int, delimiter: UInt8) -> Bool {
        switch state.slot {
        case .scope:
            guard delimiter == Self.space else { return false }
            state.scope = lexicon.scopes[rank]
            enter(&state, .region)
        case .region:
            guard delimiter == Self.space else { return false }
            state.region = Int32(rank)
            enter(&state, .difficulty)
        case .difficulty:
            guard delimiter == Self.space else { return false }
            state.difficulty = Int8(lexicon.difficulties[rank])
            enter(&state, .motivation)
        case .motivation:
            guard delimiter == Self.newline else { return false }
            state.motivation = lexicon.motivations[rank]
            enter(&state, .keyword)
        case .keyword:
            guard delimiter == Self.space else { return false }
            switch lexicon.keywords[rank] {
            case .reach: enter(&state, .reachPlace)
            case .collect: enter(&state, .item)
            case .when: enter(&state, .condition)
            case .title: startTitle(&state)
            }
        case .reachPlace:
            guard delimiter == Self.newline else { return false }
            state.objectives.append(ObjectiveDraft(kind: .reach, place: Int32(rank)))
            enter(&state, .keyword)
        case .item:
            guard delimiter == Self.space else { return false }
            state.objectives.append(ObjectiveDraft(kind: .collect, item: Int32(rank)))
            enter(&state, .count)
        case .count:
            guard delimiter == Self.space, let last = state.objectives.indices.last else { return false }
            state.objectives[last].count = Int32(lexicon.numbers[rank])
            startLiteral(&state, .from)
        case .source:
            guard let last = state.objectives.indices.last else { return false }
            let draft = state.objectives[last]
            let written = draft.sources.count + 1
            if delimiter == Self.newline {
                guard written >= Int(draft.count) else { return false }
                state.objectives[last].sources.append(Int32(rank))
                enter(&state, .keyword)
            } else if delimiter == Self.space {
                var rest = state.allowed
                rest.remove(rank)
                guard written < Int(draft.count) + lexicon.limits.extraSources, !rest.isEmpty else { return false }
                state.objectives[last].sources.append(Int32(rank))
                state.allowed = rest
                state.position = 0
            } else {
                return false
            }
        case .condition:
            guard delimiter == Self.space else { return false }
            switch lexicon.conditionKinds[rank] {
            case .weather: enter(&state, .weather)
            case .hours: enter(&state, .fromHour)
            }
        case .weather:
            guard let last = state.objectives.indices.last else { return false }
            let listed = state.objectives[last].weather.count + 1
            if delimiter == Self.newline {
                state.objectives[last].weather.append(lexicon.weathers[rank])
                enter(&state, .keyword)
            } else if delimiter == Self.space {
                var rest = state.allowed
                rest.remove(rank)
                guard listed < lexicon.limits.maxWeatherKinds, !rest.isEmpty else { return false }
                state.objectives[last].weather.append(lexicon.weathers[rank])
                state.allowed = rest
                state.position = 0
            } else {
                return false
            }
        case .fromHour:
            guard delimiter == Self.dash, let last = state.objectives.indices.last else { return false }
            state.objectives[last].fromHour = Int8(lexicon.numbers[rank])
            enter(&state, .toHour)
        case .toHour:
            guard delimiter == Self.newline, let last = state.objectives.indices.last else { return false }
            state.objectives[last].toHour = Int8(lexicon.numbers[rank])
            enter(&state, .keyword)
        }
        return true
    }

    /// Starts a word slot with the ranks that may come next.
    private func enter(_ state: inout State, _ slot: State.Slot) {
        state.phase = .word
        state.slot = slot
        state.position = Int32(WordTrie.root)
        state.allowed = allowedWords(state, slot)
    }

    // MARK: Allowed words

    struct Shape {
        var minObjectives: Int
        var maxObjectives: Int
        var wide: Bool
        var maxRarity: Rarity
        var minCount: Int
        var maxCount: Int
        var allowsConditions: Bool
    }

    /// What the chosen difficulty allows.
    func shape(_ state: State) -> Shape {
        let profile = lexicon.profile(Int(state.difficulty))
        let maxObjectives = min(profile.objectives.upperBound, lexicon.limits.maxObjectives)
        return Shape(
            minObjectives: min(max(1, profile.objectives.lowerBound), maxObjectives),
            maxObjectives: maxObjectives,
            wide: profile.foreignPlaceChance > 0,
            maxRarity: profile.maxRarity,
            minCount: max(1, profile.collectCount.lowerBound),
            maxCount: min(profile.collectCount.upperBound, lexicon.rules.maxCount),
            allowsConditions: profile.allowsConditions)
    }

    func places(_ state: State, _ shape: Shape) -> BitSet {
        lexicon.placesByRegion[Int(state.region)][shape.wide ? 1 : 0]
    }

    func sources(_ state: State, _ shape: Shape, item: Int) -> BitSet {
        lexicon.sourcesByRegion[Int(state.region)][shape.wide ? 1 : 0][item]
    }

    /// Items a new collect line may name: within the difficulty's rarity, not collected
    /// already, and with enough sources for the smallest allowed count.
    func collectableItems(_ state: State, _ shape: Shape) -> BitSet {
        var result = BitSet(capacity: lexicon.items.count)
        guard shape.minCount <= shape.maxCount else { return result }
        let taken = Set(state.objectives.lazy.filter { $0.kind == .collect }.map { Int($0.item) })
        for (rank, item) in lexicon.items.enumerated() where item.rarity <= shape.maxRarity && !taken.contains(rank) {
            if sources(state, shape, item: rank).count >= shape.minCount { result.insert(rank) }
        }
        return result
    }

    /// Weather kinds possible at every area of the objective, as `Weather.allCases` bits.
    func possibleWeather(_ draft: ObjectiveDraft) -> UInt8 {
        switch draft.kind {
        case .reach:
            return regionWeather(ofPlace: Int(draft.place))
        case .collect:
            return draft.sources.reduce(UInt8.max) { $0 & regionWeather(ofPlace: Int($1)) }
        }
    }

    private func regionWeather(ofPlace place: Int) -> UInt8 {
        let region = lexicon.placeRegion[place]
        return region >= 0 ? lexicon.regionWeather[region] : 0
    }

    func canAddWeather(_ draft: ObjectiveDraft) -> Bool {
        draft.weather.isEmpty && draft.fromHour < 0 && possibleWeather(draft) != 0
    }

    func canAddHours(_ draft: ObjectiveDraft) -> Bool { draft.fromHour < 0 }

    func allowedWords(_ state: State, _ slot: State.Slot) -> BitSet {
        let trie = trie(for: slot)
        switch slot {
        case .scope:
            guard let scope else { return .full(capacity: trie.count) }
            return single(lexicon.scopes.firstIndex(of: scope), trie.count)
        case .region:
            guard let regionRank else { return lexicon.viableRegions }
            return single(regionRank, trie.count)
        case .difficulty:
            guard let difficulty else { return .full(capacity: trie.count) }
            return single(lexicon.difficulties.firstIndex(of: difficulty), trie.count)
        case .motivation:
            return .full(capacity: trie.count)
        case .keyword:
            let shape = shape(state)
            var result = BitSet(capacity: trie.count)
            let written = state.objectives.count
            for (rank, keyword) in lexicon.keywords.enumerated() {
                let ok: Bool
                switch keyword {
                case .reach: ok = written < shape.maxObjectives && !places(state, shape).isEmpty
                case .collect: ok = written < shape.maxObjectives && !collectableItems(state, shape).isEmpty
                case .when:
                    if shape.allowsConditions, let last = state.objectives.last {
                        ok = canAddWeather(last) || canAddHours(last)
                    } else {
                        ok = false
                    }
                case .title: ok = written >= shape.minObjectives
                }
                if ok { result.insert(rank) }
            }
            return result
        case .reachPlace:
            return places(state, shape(state))
        case .item:
            return collectableItems(state, shape(state))
        case .count:
            let shape = shape(state)
            var result = BitSet(capacity: trie.count)
            guard let last = state.objectives.last, shape.minCount <= shape.maxCount else { return result }
            let available = sources(state, shape, item: Int(last.item)).count
            for count in shape.minCount...shape.maxCount where count <= available {
                result.insert(lexicon.rankOfNumber[count])
            }
            return result
        case .source:
            guard let last = state.objectives.last else { return BitSet(capacity: trie.count) }
            var result = sources(state, shape(state), item: Int(last.item))
            for source in last.sources { result.remove(Int(source)) }
            return result
        case .condition:
            var result = BitSet(capacity: trie.count)
            guard let last = state.objectives.last else { return result }
            for (rank, kind) in lexicon.conditionKinds.enumerated() {
                switch kind {
                case .weather: if canAddWeather(last) { result.insert(rank) }
                case .hours: if canAddHours(last) { result.insert(rank) }
                }
            }
            return result
        case .weather:
            var result = BitSet(capacity: trie.count)
            guard let last = state.objectives.last else { return result }
            let possible = possibleWeather(last)
            for (rank, weather) in lexicon.weathers.enumerated() {
                guard let bit = Weather.allCases.firstIndex(of: weather) else { continue }
                if possible & (1 << UInt8(bit)) != 0, !last.weather.contains(weather) { result.insert(rank) }
            }
            return result
        case .fromHour:
            var result = BitSet(capacity: trie.count)
            for hour in 0...23 { result.insert(lexicon.rankOfNumber[hour]) }
            return result
        case .toHour:
            var result = BitSet(capacity: trie.count)
            guard let last = state.objectives.last, last.fromHour >= 0 else { return result }
            for hour in 0...23 where (hour - Int(last.fromHour) + 24) % 24 >= lexicon.limits.minWindowHours {
                result.insert(lexicon.rankOfNumber[hour])
            }
            return result
        }
    }

    private func single(_ rank: Int?, _ capacity: Int) -> BitSet {
        var result = BitSet(capacity: capacity)
        if let rank { result.insert(rank) }
        return result
    }

    // MARK: Prose

    /// Freezes the declarations into the reference table and starts the title.
    private func startTitle(_ state: inout State) {
        var entities: [ReferenceTable.Entity] = []
        if state.region >= 0 {
            let region = lexicon.regions[Int(state.region)]
            entities.append(.init(id: region.id, name: region.name))
        }
        for (index, draft) in state.objectives.enumerated() {
            let line: QuestDocument.Line
            switch draft.kind {
            case .reach:
                let place = lexicon.places[Int(draft.place)]
                entities.append(.init(id: place.id, name: place.name, unlockedBy: index))
                line = .reach(place: place.id, conditions: draft.conditions)
            case .collect:
                let item = lexicon.items[Int(draft.item)]
                entities.append(.init(id: item.id, name: item.name, unlockedBy: index))
                for source in draft.sources {
                    let place = lexicon.places[Int(source)]
                    entities.append(.init(id: place.id, name: place.name))
                }
                line = .collect(item: item.id, count: Int(draft.count), sources: [], conditions: draft.conditions)
            }
            let phrase = ObjectivePhrase.render(line, world: lexicon.world) ?? ""
            entities.append(.init(id: ObjectivePhrase.referenceID(index), name: phrase, objective: index, isCollect: draft.kind == .collect))
        }
        let table = ReferenceTable(entities)
        state.references = table
        state.mentioned = 0
        state.unmentionedCost = table.requiredCost
        state.phase = .prose
        state.field = .title
        state.rendered = 0
        state.lastByte = 0
        state.lastWord = -1
    }

    /// Characters the current field may still hold, after reserving room for the names it owes.
    @inline(__always)
    func rawRoom(_ state: State) -> Int32 {
        switch state.field {
        case .title: Int32(lexicon.limits.maxTitleLength) - state.rendered
        case .text: Int32(lexicon.limits.maxTextLength) - state.rendered - state.unmentionedCost
        }
    }

    /// How many required names the text still owes.
    @inline(__always)
    func owes(_ state: State) -> Int32 {
        guard state.field == .text, let table = state.references else { return 0 }
        return Int32((table.requiredMask & ~state.mentioned).nonzeroBitCount)
    }

    /// Characters the text needs at least to end from `state`, beyond the owed names
    /// themselves (already in ``rawRoom(_:)``): a space before each name that cannot touch
    /// what precedes it, an end mark, and a word before the end mark where none is.
    @inline(__always)
    static func need(gap: UInt8, lastByte: UInt8, owes: Int32) -> Int32 {
        let touches: Bool  // whether a name or end mark may come right away
        switch gap {
        case 1: return owes > 0 ? owes + 1 : 0
        case 2: touches = false
        default: touches = closesSentence(lastByte)
        }
        if owes > 0 { return touches ? owes + 1 : owes }
        return touches ? 1 : 2
    }

    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    /// The words the state's prose may use: a personal quest's have no race words.
    @inline(__always)
    func proseWords(_ state: State) -> ProseWords? {
        state.scope == .personal ? lexicon.personalProseWords : lexicon.proseWords
    }


    /// The bytes prose is written with besides braces: letters, space and the punctuation the
    /// corpus uses (`. , : ; - ( ) ' " ! ?`); no digit.
    static let proseBytes: [Bool] = (0..<256).map { b in
        isLetter(UInt8(b)) || " .,:;-()'\"!?".utf8.contains(UInt8(b))
    }
    @inline(__always) static func isProseByte(_ b: UInt8) -> Bool { proseBytes[Int(b)] }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    @inline(__always) static func isEndMark(_ b: UInt8) -> Bool { b == 0x2E || b == 0x21 || b == 0x3F }
    @inline(__always) static func isQuote(_ b: UInt8) -> Bool { b == 0x22 || b == 0x27 }
    /// A byte an end mark may follow: a word, a name, a closing bracket or quote.
    @inline(__always) static func closesSentence(_ b: UInt8) -> Bool { isAlnum(b) || b == closeBrace || b == 0x29 || isQuote(b) }

    /// Sentences a text may still say once it has named everything it must, counting the
    /// one that named the last: the most any corpus quest has (6 of 6,000; 99.7 % have at most
    /// 4). A small model that has said all it must would otherwise ramble on in closing lines
    /// until the length limit.
    static let maxClosingSentences: UInt8 = 6

    /// Characters of free room below which an objective's `{@k}` may follow any word: room
    /// enough to write one that may precede it ("at ", "gather ") and go on.
    static let wordRuleRoom: Int32 = 40

    static let hashOffset: UInt64 = 0xCBF2_9CE4_8422_2325
    @inline(__always) static func hash(_ h: UInt64, _ b: UInt8) -> UInt64 { (h ^ UInt64(b)) &* 0x100_0000_01B3 }

    /// The hash the grammar gives a sentence (its bytes, end mark excluded).
    static func sentenceHash(_ sentence: some Sequence<UInt8>) -> UInt64 {
        sentence.reduce(hashOffset) { hash($0, $1) }
    }

    private func advanceProse(_ state: inout State, _ byte: UInt8) -> Bool {
        switch byte {
        case Self.newline:
            guard state.rendered > 0 else { return false }
            switch state.field {
            case .title:
                if let words = proseWords(state), Self.isLetter(state.lastByte), !words.isWord(state.word) { return false }
                // Not a title handed out lately, unless the title has no room left to differ.
                if !avoidedTitles.isEmpty, avoidedTitles.contains(state.titleHash), rawRoom(state) > 0 { return false }
                startLiteral(&state, .text)
            case .text:
                // The text ends on an end mark, once every required name is in.
                guard state.gap == 1, owes(state) == 0 else { return false }
                startLiteral(&state, .end)
            }
            return true
        case Self.openBrace:
            // A name never touches a word, and a sentence never runs on after its end mark.
            guard !Self.isAlnum(state.lastByte), state.lastByte != Self.closeBrace else { return false }
            if state.field == .text, state.gap == 1 { return false }
            guard let table = state.references, anyReferenceFits(state, table, node: WordTrie.root) else { return false }
            if state.field == .text {
                if state.gap == 2 { state.sentenceHash = Self.hashOffset }
                state.gap = 0
                state.sentenceHash = Self.hash(state.sentenceHash, byte)
            }
            state.phase = .reference
            state.position = Int32(WordTrie.root)
            return true
        case Self.closeBrace:
            return false
        case 0x20...0x7E:
            if byte == Self.space, state.rendered == 0 { return false }
            // Numbers are facts: only an objective's phrase may give one. Other bytes outside the
            // corpus's alphabet ("<|", "]", "%") are no prose either.
            guard Self.isProseByte(byte) else { return false }
            if Self.isAlnum(byte), state.lastByte == Self.closeBrace { return false }
            // No two spaces in a row, no space before a comma.
            if state.lastByte == Self.space, byte == Self.space || byte == Self.comma { return false }
            // Only words of the corpus: a letter must go on to one, another byte end one.
            var word: Int32 = 0
            var rest: Int32 = 0
            var lastWord: Int32 = -1
            if let words = proseWords(state) {
                if Self.isLetter(byte) {
                    // A capital only at a word's start: "greeN" is no word.
                    if Self.isUpper(byte), Self.isLetter(state.lastByte) { return false }
                    word = words.step(Self.isLetter(state.lastByte) ? state.word : 0, byte)
                    guard word >= 0 else { return false }
                    // The word after "w " may not be w again ("at at"): it needs another ending.
                    lastWord = state.lastWord
                    guard let r = lastWord >= 0 ? words.rest(word, besides: lastWord) : words.rest(word) else { return false }
                    rest = r
                } else if Self.isLetter(state.lastByte) {
                    let rank = words.rank(state.word)
                    guard rank >= 0, rank != state.lastWord else { return false }
                    if byte == Self.space { lastWord = rank }
                }
            }
            guard state.field == .text else {
                guard rawRoom(state) >= 1 + rest else { return false }
                state.rendered += 1
                state.lastByte = byte
                state.titleHash = Self.hash(state.titleHash, byte)
                state.word = word
                state.lastWord = lastWord
                return true
            }
            guard advanceTextByte(&state, byte, rest: rest) else { return false }
            state.word = word
            state.lastWord = lastWord
            return true
        default:
            return false
        }
    }

    /// A plain byte of the text: sentences start with a capital, end with . ! or ?, never
    /// repeat, and the text keeps room to end.
    @inline(__always)
    private func advanceTextByte(_ state: inout State, _ byte: UInt8, rest: Int32) -> Bool {
        let owes = owes(state)
        var gap = state.gap
        var hash = state.sentenceHash
        var said: UInt64?
        if Self.isEndMark(byte) {
            switch gap {
            case 0:
                guard Self.closesSentence(state.lastByte), !state.said.contains(hash) else { return false }
                said = hash
            case 1:
                guard Self.isEndMark(state.lastByte), byte != 0x2E || state.lastByte != 0x2E else { return false }
            default:
                return false
            }
            gap = 1
            hash = Self.hashOffset
        } else {
            switch gap {
            case 1:
                guard byte == Self.space || Self.isQuote(byte) || byte == 0x29 else { return false }
                // A new sentence only while the closing lines have not run out.
                if byte == Self.space, state.closingSentences >= Self.maxClosingSentences { return false }
                gap = byte == Self.space ? 2 : 1
            case 2:
                guard Self.isUpper(byte) || Self.isQuote(byte) else { return false }
                gap = 0
                hash = Self.hash(Self.hashOffset, byte)
            default:
                hash = Self.hash(hash, byte)
            }
        }
        guard rawRoom(state) - 1 >= Self.need(gap: gap, lastByte: byte, owes: owes) + rest else { return false }
        state.rendered += 1
        state.lastByte = byte
        state.gap = gap
        state.sentenceHash = hash
        if let said {
            state.said.append(said)
            if let table = state.references, state.namedInText & table.requiredMask == table.requiredMask {
                state.closingSentences += 1
            }
        }
        return true
    }

    /// Whether the name of `rank` may come where the state stands and fits, leaving room to
    /// end: objective references only in the text, in order, once each; a place to reach or
    /// an item to collect in the text only after its objective's reference.
    @inline(__always)
    private func referenceFits(_ state: State, _ table: ReferenceTable, rank: Int) -> Bool {
        let length = table.nameLength[rank]
        var room = rawRoom(state) - length
        var mentioned = state.mentioned
        let bit = table.requiredBit[rank]
        guard state.field == .text else { return bit < 0 && room >= 0 }
        if bit >= 0 {
            let before: UInt64 = (1 << UInt64(bit)) - 1
            guard mentioned & (1 << UInt64(bit)) == 0, mentioned & table.requiredMask & before == table.requiredMask & before else { return false }
            // Right after a word that may stand before this kind of objective ("at", "gather"),
            // while the text has room to write one; near its end any word will do, so the text
            // can always be finished.
            if let words = proseWords(state), let allowed = table.isCollect[rank] ? words.beforeCollect : words.beforeReach,
               rawRoom(state) >= Self.wordRuleRoom {
                guard state.lastByte == Self.space, state.lastWord >= 0, allowed.contains(Int(state.lastWord)) else { return false }
            }
            room += length
            mentioned |= 1 << UInt64(bit)
        }
        let unlock = table.unlockBit[rank]
        if unlock >= 0, mentioned & (1 << UInt64(unlock)) == 0 { return false }
        let owesAfter = Int32((table.requiredMask & ~mentioned).nonzeroBitCount)
        return room >= Self.need(gap: 0, lastByte: Self.closeBrace, owes: owesAfter)
    }

    private func anyReferenceFits(_ state: State, _ table: ReferenceTable, node: Int) -> Bool {
        var rank = Int(table.trie.low[node])
        let end = Int(table.trie.high[node])
        while rank < end {
            if referenceFits(state, table, rank: rank) { return true }
            rank += 1
        }
        return false
    }

    private func advanceReference(_ state: inout State, _ byte: UInt8) -> Bool {
        guard let table = state.references else { return false }
        let node = Int(state.position)
        if byte == Self.closeBrace {
            let rank = Int(table.trie.terminal[node])
            guard rank >= 0, referenceFits(state, table, rank: rank) else { return false }
            let length = table.nameLength[rank]
            let bit = table.requiredBit[rank]
            if bit >= 0, state.mentioned & (1 << UInt64(bit)) == 0 {
                state.mentioned |= 1 << UInt64(bit)
                state.unmentionedCost -= length
            }
            if state.field == .text, bit >= 0 { state.namedInText |= 1 << UInt64(bit) }
            if state.field == .title { state.titleHash = table.names[rank].reduce(state.titleHash) { Self.hash($0, $1) } }
            state.rendered += length
            state.lastByte = Self.closeBrace
            if state.field == .text { state.sentenceHash = Self.hash(state.sentenceHash, byte) }
            state.phase = .prose
            return true
        }
        guard let next = table.trie.child(node, byte), anyReferenceFits(state, table, node: next) else { return false }
        state.position = Int32(next)
        if state.field == .text { state.sentenceHash = Self.hash(state.sentenceHash, byte) }
        return true
    }
}

extension QuestGrammar {
    /// What plain tokens (no brace, line break, end mark or non-ASCII byte, not only spaces)
    /// may follow a prose state, in the terms the token mask precomputes: how long one may be
    /// when it ends in a byte an end mark may follow (`closingRoom`) or in another byte
    /// (`openRoom`), and which first bytes are refused. This is the whole rule for such
    /// tokens in `advanceProse`, so the mask takes them by length instead of stepping through
    /// them. Nil outside prose, and between two sentences of the text, where so few tokens
    /// pass (a capital must come) that walking the trie is cheap.
    struct ProseView {
        /// First bytes a plain token may not start with.
        struct Exclusions: OptionSet {
            let rawValue: UInt8
            static let space = Exclusions(rawValue: 1)
            static let alnum = Exclusions(rawValue: 2)
            static let comma = Exclusions(rawValue: 4)
        }
        var closingRoom: Int
        var openRoom: Int
        var first: Exclusions
        /// The state is inside a word (its last byte a letter, the grammar holding words to
        /// the corpus's): plain tokens starting with a letter go on with it and are walked;
        /// others may only come when it is a whole word.
        var inWord = false
        var wordComplete = false
        /// The word the next one may not be: right after "w ", w (tokens that could spell it
        /// are walked); inside a whole word w, w (tokens that go on " w" are walked); else -1.
        var bannedWord: Int32 = -1
    }

    func proseView(_ state: State) -> ProseView? {
        guard state.phase == .prose else { return nil }
        let raw = rawRoom(state)
        var first: ProseView.Exclusions = []
        if state.rendered == 0 { first.insert(.space) }
        if state.lastByte == Self.closeBrace { first.insert(.alnum) }
        if state.lastByte == Self.space { first.formUnion([.space, .comma]) }
        var view: ProseView
        if state.field == .text {
            guard state.gap == 0 else { return nil }
            let owes = owes(state)
            let closing = Int(max(0, raw - Self.need(gap: 0, lastByte: 0x61, owes: owes)))
            let open = Int(max(0, raw - Self.need(gap: 0, lastByte: Self.space, owes: owes)))
            view = ProseView(closingRoom: closing, openRoom: open, first: first)
        } else {
            let room = Int(max(0, raw))
            view = ProseView(closingRoom: room, openRoom: room, first: first)
        }
        if let words = proseWords(state) {
            if Self.isLetter(state.lastByte) {
                view.inWord = true
                let rank = words.rank(state.word)
                view.wordComplete = rank >= 0 && rank != state.lastWord
                if view.wordComplete { view.bannedWord = rank }
            } else if state.lastByte == Self.space, state.lastWord >= 0 {
                view.bannedWord = state.lastWord
            }
        }
        return view
    }
}
