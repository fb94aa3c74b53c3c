/// A set of small non-negative integers packed into 64-bit words: the grammar's
/// allowed-word sets and the token masks. Ranges are checked a word at a time, which is
/// what makes "is any allowed word below this trie node" cheap.
struct BitSet: Hashable, Sendable {
    private(set) var words: [UInt64]
    /// One past the largest member the set can hold.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        words = Array(repeating: 0, count: (self.capacity + 63) / 64)
    }

    /// A set holding every integer in `0..<capacity`.
    static func full(capacity: Int) -> BitSet {
        var set = BitSet(capacity: capacity)
        for i in 0..<set.capacity { set.insert(i) }
        return set
    }

    @inline(__always)
    func contains(_ member: Int) -> Bool {
        guard member >= 0, member < capacity else { return false }
        return words[member >> 6] & (1 << UInt64(member & 63)) != 0
    }

    @inline(__always)
    mutating func insert(_ member: Int) {
        guard member >= 0, member < capacity else { return }
        words[member >> 6] |= 1 << UInt64(member & 63)
    }

    @inline(__always)
    mutating func remove(_ member: Int) {
        guard member >= 0, member < capacity else { return }
        words[member >> 6] &= ~(1 << UInt64(member & 63))
    }

    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Members in increasing order.
    var members: [Int] {
        var result: [Int] = []
        for (index, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(index * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }

    /// The smallest member, if any.
    var first: Int? {
        for (index, word) in words.enumerated() where word != 0 {
            return index * 64 + word.trailingZeroBitCount
        }
        return nil
    }

    /// Whether any member lies in `lower..<upper`.
    @inline(__always)
    func intersects(_ lower: Int, _ upper: Int) -> Bool {
        let lower = max(lower, 0), upper = min(upper, capacity)
        guard lower < upper else { return false }
        let firstWord = lower >> 6, lastWord = (upper - 1) >> 6
        for index in firstWord...lastWord {
            var word = words[index]
            if index == firstWord { word &= ~0 << UInt64(lower & 63) }
            if index == lastWord, (upper & 63) != 0 { word &= (1 << UInt64(upper & 63)) - 1 }
            if word != 0 { return true }
        }
        return false
    }

    func intersection(_ other: BitSet) -> BitSet {
        var result = self
        for index in result.words.indices {
            result.words[index] &= index < other.words.count ? other.words[index] : 0
        }
        return result
    }

    func subtracting(_ other: BitSet) -> BitSet {
        var result = self
        for index in result.words.indices where index < other.words.count {
            result.words[index] &= ~other.words[index]
        }
        return result
    }

    func union(_ other: BitSet) -> BitSet {
        var result = self
        for index in result.words.indices where index < other.words.count {
            result.words[index] |= other.words[index]
        }
        return result
    }
}
