import Foundation

/// The words quest prose may be written with: the letter runs, lower-cased, of the corpus the
/// model learned from (`words.txt` beside the model). With them the quest grammar refuses a
/// word no quest has used, so a sampled text never holds a mangled one ("theffort",
/// "ComeWreck"); names are `{references}` and not words.
public final class ProseWords: Sendable {
    let trie: WordTrie
    /// Fewest letters that complete a word from each trie node (0 where a word ends).
    let minRest: [Int32]

    /// - Parameter words: lower-case ASCII letters only; anything else is left out.
    public init(_ words: some Sequence<String>) {
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
    }

    /// How many words.
    public var count: Int { trie.count }

    /// Reads `words.txt`: one word per line, `word global` for a word only global quests use.
    /// - Returns: the words of every quest, and those a personal quest may use.
    public static func read(_ url: URL) throws -> (all: ProseWords, personal: ProseWords) {
        let text = try String(contentsOf: url, encoding: .utf8)
        var all: [String] = []
        var personal: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard let word = parts.first.map(String.init) else { continue }
            all.append(word)
            if parts.count == 1 { personal.append(word) }
        }
        return (ProseWords(all), ProseWords(personal))
    }

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

    /// The file `words.txt` holds: one word per line, those only global quests use marked.
    public static func fileText(_ words: [String], globalOnly: Set<String> = []) -> String {
        words.map { globalOnly.contains($0) ? $0 + " global\n" : $0 + "\n" }.joined()
    }

    /// The node after a letter (either case) from `node`, or -1 when no word goes on so.
    @inline(__always)
    func step(_ node: Int32, _ letter: UInt8) -> Int32 {
        trie.child(Int(node), letter | 0x20).map(Int32.init) ?? -1
    }

    /// Whether a word ends at `node`.
    @inline(__always)
    func isWord(_ node: Int32) -> Bool { trie.terminal[Int(node)] >= 0 }

    /// Letters still needed after `node` to end a word.
    @inline(__always)
    func rest(_ node: Int32) -> Int32 { minRest[Int(node)] }
}
