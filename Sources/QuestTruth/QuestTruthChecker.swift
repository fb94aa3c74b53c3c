import Quests
import World

/// Reads a rendered quest (its title and description, as a player sees them) back into facts
/// and compares them with the quest's own objectives: which objective is spoken of where,
/// in what order, at what hours, in what weather, how many of an item, for whom.
///
/// It is independent of the writer: it knows the world's names and a player's reading of
/// times, weather and numbers (``TruthLexicon``), not the phrasebooks or the grammar that
/// wrote the text. The server hands out no quest it refuses.
public struct QuestTruthChecker: Sendable {
    enum NameKind: Sendable { case place, item, region }

    struct Name: Sendable {
        let bytes: [UInt8]
        let kind: NameKind
        let id: String
    }

    /// Names by their first (lower-cased) byte, longest first, so the longest name wins.
    private let namesByFirstByte: [UInt8: [Name]]
    private let places: [PointOfInterest]
    /// The words a quest may use outside names (lower-cased), when known: a word outside it
    /// is a broken one ("fastestune", "yeandelion").
    private let dictionary: Set<String>?

    /// - Parameter dictionary: the words quests are written with (``dictionary(from:)``); nil
    ///   skips the spelling check.
    public init(world: World, dictionary: Set<String>? = nil) {
        self.dictionary = dictionary
        var names: [Name] = []
        func add(_ name: String, _ kind: NameKind, _ id: String) {
            let lower = Array(name.lowercased().utf8)
            names.append(Name(bytes: lower, kind: kind, id: id))
            // The renderer may lower "The" inside a sentence or drop it; match both.
            if lower.starts(with: Array("the ".utf8)) { names.append(Name(bytes: Array(lower.dropFirst(4)), kind: kind, id: id)) }
        }
        for place in world.pointsOfInterest { add(place.name, .place, place.id) }
        for item in world.items { add(item.name, .item, item.id) }
        for region in world.regions { add(region.name, .region, region.id) }
        var byte: [UInt8: [Name]] = [:]
        for name in names where !name.bytes.isEmpty { byte[name.bytes[0], default: []].append(name) }
        namesByFirstByte = byte.mapValues { $0.sorted { $0.bytes.count > $1.bytes.count } }
        places = world.pointsOfInterest
    }

    /// Checks one quest.
    public func check(_ spec: QuestSpec, scope: QuestScope) -> QuestTruthReport {
        var report = QuestTruthReport()
        let text = RenderedText(spec.description, checker: self)
        let title = RenderedText(spec.title, checker: self)
        let anchors = spec.objectives.map(anchor(of:))
        let positions = locate(anchors, in: text, report: &report)
        let segments = Self.segments(positions, in: text)
        readConditions(spec, segments: segments, text: text, report: &report)
        readCounts(spec, segments: segments, text: text, report: &report)
        readScope(scope, texts: [title, text], report: &report)
        readRepetition(text, report: &report)
        readFragments(title, field: "title", report: &report)
        readFragments(text, field: "text", report: &report)
        return report
    }

    // MARK: Objectives

    /// What names an objective in the text: its place, or the item to collect.
    func anchor(of objective: Objective) -> (kind: NameKind, id: String) {
        switch objective {
        case .reach(let reach):
            if let poi = reach.poi { return (.place, poi) }
            let nearest = places.min { $0.position.distance(to: reach.target.centre) < $1.position.distance(to: reach.target.centre) }
            return (.place, nearest?.id ?? "")
        case .collect(let collect):
            return (.item, collect.item)
        }
    }

    /// Each objective's first mention after the previous objective's, in order.
    private func locate(_ anchors: [(kind: NameKind, id: String)], in text: RenderedText, report: inout QuestTruthReport) -> [Int?] {
        var cursor = -1
        var found: [Int?] = []
        for (index, anchor) in anchors.enumerated() {
            let mentions = text.mentions.filter { $0.id == anchor.id && $0.kind == anchor.kind }
            // A place named in the previous objective's sentence (a source to try, say) is
            // only this objective's mention when no later sentence names it.
            let previousSentence = cursor >= 0 ? text.sentenceStart(at: cursor) : -1
            let later = mentions.filter { $0.start > cursor }
            if let next = later.first(where: { text.sentenceStart(at: $0.start) != previousSentence }) ?? later.first {
                found.append(next.start)
                cursor = next.start
            } else {
                found.append(nil)
                let what = "objective \(index + 1) (\(anchor.id))"
                report.add(mentions.isEmpty ? .omitted : .order,
                           mentions.isEmpty ? "\(what) is not spoken of" : "\(what) is spoken of only before objective \(index)")
            }
        }
        return found
    }

    /// The stretch of text about each objective: from the sentence that names it (or the
    /// previous objective's name, when they share a sentence) to where the next one starts.
    static func segments(_ positions: [Int?], in text: RenderedText) -> [Range<Int>?] {
        var starts: [Int?] = []
        var previous = 0
        for position in positions {
            guard let position else { starts.append(nil); continue }
            let start = max(text.sentenceStart(at: position), previous)
            starts.append(start)
            previous = position + 1
        }
        var result: [Range<Int>?] = []
        for (index, start) in starts.enumerated() {
            guard let start else { result.append(nil); continue }
            let end = starts[(index + 1)...].compactMap { $0 }.first ?? text.bytes.count
            result.append(start..<max(start, end))
        }
        return result
    }

    // MARK: Conditions

    private func readConditions(_ spec: QuestSpec, segments: [Range<Int>?], text: RenderedText, report: inout QuestTruthReport) {
        let times = text.timeReadings()
        let weathers = text.weatherReadings()
        let windows = spec.objectives.compactMap { $0.conditions.gameTimeWindow }.map { TruthLexicon.Hours(from: $0.fromHour, to: $0.toHour) }
        for clock in times where clock.exact && !windows.contains(clock.hours) {
            report.add(.hours, "the text gives \(clock.phrase), which no objective's window is")
        }
        for (index, objective) in spec.objectives.enumerated() {
            guard let segment = segments[index] else { continue }
            let label = "objective \(index + 1)"
            let heard = times.filter { segment.contains($0.position) }
            if let window = objective.conditions.gameTimeWindow {
                let hours = TruthLexicon.Hours(from: window.fromHour, to: window.toHour)
                if heard.isEmpty { report.add(.hours, "\(label) is only at hours \(hours) but the text does not say when") }
                for reading in heard {
                    let fits = reading.exact ? reading.hours == hours : reading.hours.set.intersection(hours.set).count >= 1
                    if !fits { report.add(.hours, "\(label) is at hours \(hours) but the text says \"\(reading.phrase)\"") }
                }
            } else {
                for reading in heard { report.add(.hours, "\(label) has no hour window but the text says \"\(reading.phrase)\"") }
            }
            let said = weathers.filter { segment.contains($0.position) }
            if let kinds = objective.conditions.weather {
                let allowed = Set(kinds)
                if said.isEmpty { report.add(.weather, "\(label) needs \(kinds.map(\.rawValue).sorted()) but the text names no weather") }
                for reading in said where !reading.kinds.isSubset(of: allowed) {
                    report.add(.weather, "\(label) needs \(kinds.map(\.rawValue).sorted()) but the text says \"\(reading.phrase)\"")
                }
            } else {
                for reading in said { report.add(.weather, "\(label) has no weather condition but the text says \"\(reading.phrase)\"") }
            }
        }
    }

    // MARK: Counts

    private func readCounts(_ spec: QuestSpec, segments: [Range<Int>?], text: RenderedText, report: inout QuestTruthReport) {
        var counts: [String: Int] = [:]
        for case .collect(let collect) in spec.objectives { counts[collect.item] = collect.count }
        var quantified: [String: Int] = [:]
        for mention in text.mentions {
            guard let number = text.quantity(of: mention) else { continue }
            switch mention.kind {
            case .place, .region:
                report.add(.placeAsItem, "\"\(number.phrase)\" counts a place as if it were an item")
            case .item:
                guard let count = counts[mention.id] else {
                    report.add(.count, "the text counts \(mention.id) (\(number.phrase)), which no objective collects")
                    continue
                }
                quantified[mention.id, default: 0] += 1
                if number.value != count {
                    report.add(.count, "collect \(mention.id) wants \(count) but the text says \"\(number.phrase)\"")
                }
            }
        }
        for (index, objective) in spec.objectives.enumerated() {
            guard case .collect(let collect) = objective, segments[index] != nil else { continue }
            switch quantified[collect.item, default: 0] {
            case 0: report.add(.count, "objective \(index + 1) collects \(collect.count) \(collect.item) but the text never says how many")
            case 1: break
            default: report.add(.duplicate, "the text asks for \(collect.item) more than once")
            }
        }
    }

    // MARK: Scope, repetition, fragments

    private func readScope(_ scope: QuestScope, texts: [RenderedText], report: inout QuestTruthReport) {
        let forbidden = scope == .personal ? TruthLexicon.raceOnly : TruthLexicon.personalOnly
        for text in texts {
            for phrase in forbidden where text.containsWords(phrase) {
                report.add(.scope, "a \(scope.rawValue) quest says \"\(phrase.joined(separator: " "))\"")
            }
        }
    }

    private func readRepetition(_ text: RenderedText, report: inout QuestTruthReport) {
        var seen = Set<String>()
        for sentence in text.sentences {
            let words = text.words.filter { sentence.contains($0.start) }.map(\.text)
            guard words.count >= 3 else { continue }
            let key = words.joined(separator: " ")
            if !seen.insert(key).inserted {
                report.add(.repeatedSentence, "said twice: \"\(String(decoding: text.bytes[sentence], as: UTF8.self).prefix(80))\"")
            }
        }
    }

    private func readFragments(_ text: RenderedText, field: String, report: inout QuestTruthReport) {
        let b = text.original
        func isWordByte(_ x: UInt8) -> Bool { (x >= 0x61 && x <= 0x7A) || (x >= 0x41 && x <= 0x5A) || (x >= 0x30 && x <= 0x39) }
        for mention in text.mentions {
            let before = mention.start > 0 ? b[mention.start - 1] : 0x20
            let after = mention.end < b.count ? b[mention.end] : 0x20
            if isWordByte(before) || isWordByte(after) {
                let from = max(0, mention.start - 8), to = min(b.count, mention.end + 8)
                report.add(.fragment, "\(field): a name glued to a word: \"\(String(decoding: b[from..<to], as: UTF8.self))\"")
            }
        }
        var inName = [Bool](repeating: false, count: b.count)
        for mention in text.mentions { for i in mention.start..<mention.end { inName[i] = true } }
        for i in 1..<max(1, b.count) where !inName[i] && !inName[i - 1] {
            if b[i - 1] >= 0x61 && b[i - 1] <= 0x7A && b[i] >= 0x41 && b[i] <= 0x5A {
                report.add(.fragment, "\(field): words glued together at \"\(String(decoding: b[max(0, i - 8)..<min(b.count, i + 8)], as: UTF8.self))\"")
            }
        }
        if let dictionary {
            for word in text.words where !inName[word.start] && word.text.contains(where: \.isLetter) {
                let letters = word.text.split(whereSeparator: { !$0.isLetter })
                for part in letters where !dictionary.contains(String(part)) {
                    report.add(.fragment, "\(field): \"\(part)\" is not a word")
                }
            }
        }
        guard field == "text" else { return }
        for sentence in text.sentences {
            guard let first = sentence.first(where: { b[$0] != 0x20 }) else { continue }
            let startsWithName = text.mentions.contains { $0.start == first }
            if b[first] >= 0x61 && b[first] <= 0x7A && !startsWithName {
                report.add(.fragment, "text: a sentence starts in the middle: \"\(String(decoding: b[first..<min(b.count, first + 30)], as: UTF8.self))\"")
            }
        }
        if let last = b.last(where: { $0 != 0x20 }), ![UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: "\"")].contains(last) {
            report.add(.fragment, "text: ends in the middle of a sentence")
        }
        let s = String(decoding: b, as: UTF8.self)
        for bad in ["  ", " .", " ,", "..", ",.", ".,"] where s.contains(bad) {
            report.add(.fragment, "text: \"\(bad)\" in the text")
        }
    }

    /// The words of texts (lower-cased, split at anything but a letter), `{references}` left
    /// out: what a quest checked against them may say.
    public static func dictionary(from texts: some Sequence<String>) -> Set<String> {
        var words = Set<String>()
        for text in texts {
            var inReference = false
            var word = ""
            for ch in text.lowercased() {
                if ch == "{" { inReference = true }
                if !inReference, ch.isLetter { word.append(ch); continue }
                if !word.isEmpty { words.insert(word); word = "" }
                if ch == "}" { inReference = false }
            }
            if !word.isEmpty { words.insert(word) }
        }
        return words
    }

    /// Every name of the world found in `bytes` (lower-cased), longest first, not overlapping.
    func mentions(in lower: [UInt8]) -> [RenderedText.Mention] {
        // Every place a name matches, then the longest first where they overlap: "the Yarnspire
        // Crags" names the region, not the place "The Yarnspire" followed by a stray word.
        var candidates: [RenderedText.Mention] = []
        for i in lower.indices {
            for name in namesByFirstByte[lower[i]] ?? [] where i + name.bytes.count <= lower.count {
                if lower[i..<(i + name.bytes.count)].elementsEqual(name.bytes) {
                    candidates.append(RenderedText.Mention(start: i, end: i + name.bytes.count, kind: name.kind, id: name.id))
                    break
                }
            }
        }
        var taken = [Bool](repeating: false, count: lower.count)
        var result: [RenderedText.Mention] = []
        for mention in candidates.sorted(by: { ($0.end - $0.start, -$0.start) > ($1.end - $1.start, -$1.start) })
        where !taken[mention.start..<mention.end].contains(true) {
            for i in mention.start..<mention.end { taken[i] = true }
            result.append(mention)
        }
        return result.sorted { $0.start < $1.start }
    }
}

/// What the checker found wrong with a quest's text.
public struct QuestTruthReport: Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// An objective the text never speaks of.
        case omitted
        /// Objectives spoken of in another order than the contract's.
        case order
        /// An hour window the text gets wrong, leaves out, or invents.
        case hours
        /// Weather the text gets wrong, leaves out, or invents.
        case weather
        /// A count the text gets wrong or leaves out.
        case count
        /// An objective asked for twice.
        case duplicate
        /// A place counted as if it were an item ("three measures of the Gate").
        case placeAsItem
        /// Race phrases in a personal quest, or "you alone" in a global one.
        case scope
        /// A sentence said twice.
        case repeatedSentence
        /// Words glued together, a sentence cut off or started in the middle.
        case fragment
        /// A title handed out in the region a short while ago (``TruthfulGenerator``'s
        /// memory; the checker itself sees one quest at a time and never says it).
        case repeatedTitle
    }

    public struct Violation: Sendable, Hashable {
        public let code: Code
        public let detail: String
    }

    public private(set) var violations: [Violation] = []

    /// True when the text says what the contract says.
    public var isTruthful: Bool { violations.isEmpty }

    public func count(_ code: Code) -> Int { violations.filter { $0.code == code }.count }

    public init() {}

    mutating func add(_ code: Code, _ detail: String) { violations.append(Violation(code: code, detail: detail)) }

    public var description: String {
        isTruthful ? "truthful" : violations.map { "\($0.code.rawValue): \($0.detail)" }.joined(separator: "; ")
    }
}
