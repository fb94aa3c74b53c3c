import Foundation

/// The words quest prose may be written with: the letter runs, lower-cased, of the corpus the
/// model learned from (`words.txt` beside the model). With them the quest grammar refuses a
/// word no quest has used, so a sampled text never holds a mangled one ("theffort",
/// "ComeWreck"); names are `{references}` and not words.
public final class ProseWords: Sendable {
    let trie: WordTrie
    /// Fewest letters that complete a word from each trie node (0 where a word ends).
    let minRest: [Int32]
    /// The words that may stand right before a reach objective's `{@k}` and before a collect
    /// one's (word ranks), so a reach is never "gathered" nor a collect "visited"; nil: any.
    let beforeReach: BitSet?
    let beforeCollect: BitSet?

    /// - Parameters:
    ///   - words: lower-case ASCII letters only; anything else is left out.
    ///   - beforeReach: the words that may stand before a reach objective's phrase; nil for any.
    ///   - beforeCollect: the same for a collect objective's.
    public init(_ words: some Sequence<String>, beforeReach reach: Set<String>? = nil, beforeCollect collect: Set<String>? = nil) {
        let clean = words.filter { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }
        let trie = WordTrie(clean)
        var rest = [Int32](repeating: Int32.max, count: trie.nodeCount)
        for word in trie.words {
            var node = WordTrie.root
            rest[node] = min(rest[node], Int32(word.count))
            for (depth, byte) in word.enumerated() {
                guard let next = trie.child(node, byte) else { break }
                node = next
                rest[node] = min(rest[node], Int32(word.count - depth - 1))
            }
        }
        self.trie = trie
        minRest = rest
        func ranks(_ set: Set<String>?) -> BitSet? {
            guard let set else { return nil }
            var bits = BitSet(capacity: trie.count)
            for word in set { if let rank = trie.rank(of: word) { bits.insert(rank) } }
            return bits
        }
        beforeReach = ranks(reach)
        beforeCollect = ranks(collect)
    }

    /// How many words.
    public var count: Int { trie.count }

    /// Reads `words.txt`: one word per line, followed by the marks that apply: `global` (only
    /// global quests use it), `reach` and `collect` (it may stand right before such an
    /// objective's phrase).
    /// - Returns: the words of every quest, and those a personal quest may use.
    public static func read(_ url: URL) throws -> (all: ProseWords, personal: ProseWords) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var all: [String] = []
        var personal: [String] = []
        var reach = Set<String>(), collect = Set<String>()
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard let word = parts.first else { continue }
            all.append(word)
            if !parts.contains(Mark.global.rawValue) { personal.append(word) }
            if parts.contains(Mark.reach.rawValue) { reach.insert(word) }
            if parts.contains(Mark.collect.rawValue) { collect.insert(word) }
        }
        let r: Set<String>? = reach.isEmpty ? nil : reach, c: Set<String>? = collect.isEmpty ? nil : collect
        return (ProseWords(all, beforeReach: r, beforeCollect: c), ProseWords(personal, beforeReach: r, beforeCollect: c))
    }

    /// The marks a word may carry in `words.txt`.
    public enum Mark: String, Sendable { case global, reach, collect }

    /// The words of prose texts: letter runs outside `{references}`, lower-cased, sorted.
    public static func words(inProse texts: some Sequence<String>) -> [String] {
        var words = Set<String>()
        for text in texts {
            var inReference = false
            var word: [UInt8] = []
            for byte in text.utf8 {
                if byte == 0x7B { inReference = true }
                if !inReference, QuestGrammar.isLetter(byte) { word.append(byte | 0x20); continue }
                if !word.isEmpty { words.insert(String(decoding: word, as: UTF8.self)); word = [] }
                if byte == 0x7D { inReference = false }
            }
            if !word.isEmpty { words.insert(String(decoding: word, as: UTF8.self)) }
        }
        return words.sorted()
    }

    /// The file `words.txt` holds: one word per line with its marks.
    public static func fileText(_ words: [String], marks: [String: [Mark]] = [:]) -> String {
        words.map { word in ([word] + (marks[word] ?? []).map(\.rawValue)).joined(separator: " ") + "\n" }.joined()
    }

    /// Times of day and weather a reader takes for a condition: only an objective's phrase
    /// may say them, so they are never words of the prose.
    public static let conditionWords: Set<String> = [
        "night", "nights", "midnight", "moon", "moonlight", "dark", "evening", "morning", "dawn", "dusk", "sunrise", "sunset",
        "noon", "midday", "afternoon", "roosters", "rain", "rains", "raining", "rainy", "wet", "storm", "storms", "stormy",
        "thunder", "fog", "foggy", "mist", "misty", "snow", "snows", "snowing", "snowy", "clear", "sunny", "cloud", "clouds",
        "cloudy", "overcast", "dry",
    ]

    /// The node after a letter (either case) from `node`, or -1 when no word goes on so.
    @inline(__always)
    func step(_ node: Int32, _ letter: UInt8) -> Int32 {
        trie.child(Int(node), letter | 0x20).map(Int32.init) ?? -1
    }

    /// Whether a word ends at `node`.
    @inline(__always)
    func isWord(_ node: Int32) -> Bool { trie.terminal[Int(node)] >= 0 }

    /// The rank of the word ending at `node`, or -1.
    @inline(__always)
    func rank(_ node: Int32) -> Int32 { trie.terminal[Int(node)] }

    /// Letters still needed after `node` to end a word other than `banned`; nil when only
    /// `banned` can be made from here.
    func rest(_ node: Int32, besides banned: Int32) -> Int32? {
        let n = Int(node)
        guard trie.low[n] <= banned, banned < trie.high[n] else { return minRest[n] }
        // Every word below the node shares its prefix: the path of `banned` gives its depth.
        var at = WordTrie.root
        var depth = 0
        for byte in trie.words[Int(banned)] where at != n {
            guard let next = trie.child(at, byte) else { break }
            at = next
            depth += 1
        }
        var best: Int32?
        for rank in Int(trie.low[n])..<Int(trie.high[n]) where rank != Int(banned) {
            let left = Int32(trie.words[rank].count - depth)
            best = min(best ?? left, left)
        }
        return best
    }

    /// Letters still needed after `node` to end a word.
    @inline(__always)
    func rest(_ node: Int32) -> Int32 { minRest[Int(node)] }
}
