import World

/// A rendered text cut into what the checker reads: words, sentences, the world's names,
/// and the times, weather and numbers they carry. Offsets are byte offsets into the text.
struct RenderedText {
    struct Word {
        let text: String
        let start: Int
        let end: Int
        let sentence: Int
        /// Clauses end at sentence ends and at , ; : ( ) and "--".
        let clause: Int
    }

    struct Mention {
        let start: Int
        let end: Int
        let kind: QuestTruthChecker.NameKind
        let id: String
    }

    struct TimeReading {
        let phrase: String
        let hours: TruthLexicon.Hours
        /// A clock window ("17:00-21:00"), which must match exactly.
        let exact: Bool
        let position: Int
    }

    struct WeatherReading {
        let phrase: String
        let kinds: Set<Weather>
        let position: Int
    }

    let original: [UInt8]
    let bytes: [UInt8]
    let words: [Word]
    let sentences: [Range<Int>]
    let mentions: [Mention]

    init(_ text: String, checker: QuestTruthChecker) {
        original = Array(text.utf8)
        bytes = original.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        // Sentences end at . ! ? followed by a space or the end.
        var sentences: [Range<Int>] = []
        var start = 0
        for i in bytes.indices where [UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?")].contains(bytes[i]) {
            if i + 1 == bytes.count || bytes[i + 1] == 0x20 {
                sentences.append(start..<(i + 1))
                start = i + 1
            }
        }
        if start < bytes.count { sentences.append(start..<bytes.count) }
        self.sentences = sentences
        var words: [Word] = []
        var i = 0
        var sentence = 0
        var clause = 0
        var previousEnd = 0
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "'") || b == UInt8(ascii: "-")
        }
        while i < bytes.count {
            guard isWordByte(bytes[i]), bytes[i] != UInt8(ascii: "-") else { i += 1; continue }
            var j = i
            while j < bytes.count, isWordByte(bytes[j]) { j += 1 }
            while sentence + 1 < sentences.count, sentences[sentence].upperBound <= i { sentence += 1; clause += 1 }
            let gap = bytes[previousEnd..<i]
            if gap.contains(where: { [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "("), UInt8(ascii: ")")].contains($0) })
                || String(decoding: gap, as: UTF8.self).contains("--") {
                clause += 1
            }
            previousEnd = j
            var word = String(decoding: bytes[i..<j], as: UTF8.self)
            if word.hasSuffix("'s") { word.removeLast(2) }
            words.append(Word(text: word, start: i, end: j, sentence: sentence, clause: clause))
            i = j
        }
        self.words = words
        mentions = checker.mentions(in: bytes)
    }

    func sentenceStart(at position: Int) -> Int {
        sentences.first { $0.contains(position) }?.lowerBound ?? 0
    }

    /// Whether the words of `phrase` follow each other somewhere in one sentence of the text.
    func containsWords(_ phrase: [String]) -> Bool {
        guard !phrase.isEmpty, words.count >= phrase.count else { return false }
        return (0...(words.count - phrase.count)).contains { i in matches(phrase, at: i) }
    }

    private func matches(_ phrase: [String], at index: Int) -> Bool {
        index + phrase.count <= words.count && phrase.indices.allSatisfy { words[index + $0].text == phrase[$0] }
            && words[index + phrase.count - 1].sentence == words[index].sentence
    }

    /// Whether a condition word sits among the few words before `index`, in its clause.
    private func triggered(_ index: Int, by triggers: Set<String>) -> Bool {
        // "every evening", "one night": a habit or a story, not a condition.
        let habit: Set<String> = ["every", "each", "last", "one", "same", "that"]
        if (max(0, index - 2)..<index).contains(where: { habit.contains(words[$0].text) && words[$0].clause == words[index].clause }) {
            return false
        }
        let clause = words[index].clause
        var j = index - 1
        while j >= 0, index - j <= 6, words[j].clause == clause {
            let inAll = words[j].text == "in" && j + 1 < words.count && words[j + 1].text == "all"
            if triggers.contains(words[j].text), !inAll { return true }
            j -= 1
        }
        return false
    }

    /// Words that are part of a name ("Snow Lynx Fur") say nothing about the weather.
    private func isInName(_ index: Int) -> Bool {
        let w = words[index]
        return mentions.contains { $0.start <= w.start && w.end <= $0.end }
    }

    /// Times of day used as conditions, and clock windows wherever they are.
    func timeReadings() -> [TimeReading] {
        var readings = clockReadings()
        let phrases = TruthLexicon.times.sorted { $0.phrase.count > $1.phrase.count }
        var i = 0
        while i < words.count {
            guard !isInName(i), let entry = phrases.first(where: { matches($0.phrase, at: i) }) else { i += 1; continue }
            if entry.isCondition || triggered(i, by: TruthLexicon.conditionTriggers) {
                readings.append(TimeReading(phrase: entry.phrase.joined(separator: " "), hours: entry.hours, exact: false, position: words[i].start))
            }
            i += entry.phrase.count
        }
        return readings
    }

    /// "HH:MM-HH:MM", "HH:MM to HH:MM", "between HH:MM and HH:MM"; a lone "HH:MM" is its hour.
    private func clockReadings() -> [TimeReading] {
        var clocks: [(hour: Int, start: Int, end: Int)] = []
        var i = 0
        let digit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        while i < bytes.count {
            guard digit(bytes[i]), i == 0 || !digit(bytes[i - 1]) else { i += 1; continue }
            var j = i
            while j < bytes.count, digit(bytes[j]) { j += 1 }
            if j - i <= 2, j + 2 < bytes.count, bytes[j] == UInt8(ascii: ":"), digit(bytes[j + 1]), digit(bytes[j + 2]),
               let hour = Int(String(decoding: bytes[i..<j], as: UTF8.self)) {
                clocks.append((hour % 24, i, j + 3))
                i = j + 3
            } else {
                i = j
            }
        }
        var readings: [TimeReading] = []
        var k = 0
        while k < clocks.count {
            let a = clocks[k]
            if k + 1 < clocks.count {
                let b = clocks[k + 1]
                let between = String(decoding: bytes[a.end..<b.start], as: UTF8.self).trimmingSpaces
                if ["-", "\u{2013}", "\u{2014}", "to", "and", "until", "till"].contains(between) {
                    readings.append(TimeReading(phrase: String(decoding: original[a.start..<b.end], as: UTF8.self),
                                                hours: TruthLexicon.Hours(from: a.hour, to: b.hour), exact: true, position: a.start))
                    k += 2
                    continue
                }
            }
            readings.append(TimeReading(phrase: String(decoding: original[a.start..<a.end], as: UTF8.self),
                                        hours: TruthLexicon.Hours(from: a.hour, to: (a.hour + 1) % 24), exact: false, position: a.start))
            k += 1
        }
        return readings
    }

    /// Weather words used as conditions.
    func weatherReadings() -> [WeatherReading] {
        let triggers: Set<String> = ["only", "when", "while", "in", "during", "as", "under", "whenever", "counts", "once", "if"]
        let phrases = TruthLexicon.weather.sorted { $0.phrase.count > $1.phrase.count }
        var readings: [WeatherReading] = []
        var i = 0
        while i < words.count {
            guard !isInName(i), let entry = phrases.first(where: { matches($0.phrase, at: i) }) else { i += 1; continue }
            if triggered(i, by: triggers) {
                readings.append(WeatherReading(phrase: entry.phrase.joined(separator: " "), kinds: entry.kinds, position: words[i].start))
            }
            i += entry.phrase.count
        }
        return readings
    }

    /// The number a mention is counted with: "three pawfuls of X", "two X", "a bit of X",
    /// "X, 3 in all". Nil when the mention is not counted.
    func quantity(of mention: Mention) -> (value: Int, phrase: String)? {
        let before = words.filter { $0.end <= mention.start }.suffix(3)
        let after = words.filter { $0.start >= mention.end }.prefix(3)
        let name = String(decoding: original[mention.start..<mention.end], as: UTF8.self)
        func number(_ w: Word) -> Int? { TruthLexicon.numbers[w.text] ?? (w.text.count <= 3 ? Int(w.text) : nil) }
        let sentence = sentenceIndex(mention.start)
        let prior = Array(before.filter { $0.sentence == sentence })
        if let last = prior.last, let value = number(last) {
            return (value, "\(last.text) \(name)")
        }
        if let last = prior.last, last.text == "of" {
            for w in prior.dropLast().reversed() {
                if let value = number(w) { return (value, "\(w.text) … of \(name)") }
                if mention.kind == .item, w.text == "a" || w.text == "an" { return (1, "\(w.text) … of \(name)") }
            }
        }
        let next = Array(after.filter { $0.sentence == sentence })
        if next.count >= 3, let value = number(next[0]), next[1].text == "in", next[2].text == "all" {
            return (value, "\(name), \(next[0].text) in all")
        }
        return nil
    }

    private func sentenceIndex(_ position: Int) -> Int {
        sentences.firstIndex { $0.contains(position) } ?? 0
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
