/// A byte trie over a small, fixed set of words (ids, keywords, numbers).
///
/// Words are numbered by their rank in byte order, so the words below any node form one
/// contiguous range `low[node]..<high[node]`. Together with a `BitSet` of allowed ranks
/// that answers "can this prefix still become an allowed word?" without walking the subtree.
struct WordTrie: Sendable {
    /// The words in byte order; a word's index here is its rank.
    let words: [[UInt8]]
    private var edgeStart: [Int32] = []
    private var edgeCount: [Int32] = []
    private var edgeBytes: [UInt8] = []
    private var edgeTargets: [Int32] = []
    /// Rank range of the words at or below each node.
    private(set) var low: [Int32] = []
    private(set) var high: [Int32] = []
    /// Rank of the word ending at each node, or -1.
    private(set) var terminal: [Int32] = []

    static let root = 0

    init(_ strings: [String]) {
        let sorted = Array(Set(strings.map { Array($0.utf8) })).sorted { $0.lexicographicallyPrecedes($1) }
        words = sorted
        // Build with per-node child lists, then flatten so lookups touch contiguous arrays.
        var children: [[(UInt8, Int)]] = [[]]
        var lows: [Int32] = [0], highs: [Int32] = [Int32(sorted.count)], terminals: [Int32] = [-1]
        for (rank, word) in sorted.enumerated() {
            var node = 0
            for byte in word {
                if let next = children[node].first(where: { $0.0 == byte })?.1 {
                    node = next
                    highs[node] = Int32(rank + 1)
                } else {
                    children.append([])
                    lows.append(Int32(rank))
                    highs.append(Int32(rank + 1))
                    terminals.append(-1)
                    children[node].append((byte, children.count - 1))
                    node = children.count - 1
                }
            }
            terminals[node] = Int32(rank)
        }
        for list in children {
            edgeStart.append(Int32(edgeBytes.count))
            edgeCount.append(Int32(list.count))
            for (byte, target) in list.sorted(by: { $0.0 < $1.0 }) {
                edgeBytes.append(byte)
                edgeTargets.append(Int32(target))
            }
        }
        low = lows
        high = highs
        terminal = terminals
    }

    var count: Int { words.count }

    /// How many nodes, the root included.
    var nodeCount: Int { terminal.count }

    /// The node reached from `node` by `byte`, or nil.
    @inline(__always)
    func child(_ node: Int, _ byte: UInt8) -> Int? {
        let start = Int(edgeStart[node])
        let end = start + Int(edgeCount[node])
        var index = start
        while index < end {
            if edgeBytes[index] == byte { return Int(edgeTargets[index]) }
            index += 1
        }
        return nil
    }

    /// The rank of a word, or nil when it is not in the trie.
    func rank(of word: String) -> Int? {
        var node = Self.root
        for byte in word.utf8 {
            guard let next = child(node, byte) else { return nil }
            node = next
        }
        let rank = Int(terminal[node])
        return rank >= 0 ? rank : nil
    }

    func word(_ rank: Int) -> String {
        String(decoding: words[rank], as: UTF8.self)
    }
}
