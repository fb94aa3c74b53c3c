/// The entities a quest's prose may reference, frozen when the `title` line starts (all
/// declarations come before it): their ids in a trie, each with its display-name length.
///
/// Objective k is the reference `@k`, whose name is its ``ObjectivePhrase``: the text must
/// say each, in order, once; its bit (k − 1) records that it was said. A place to reach or
/// an item to collect may be named freely only once its objective has been said, so the text
/// cannot speak of it first as something else.
final class ReferenceTable: Sendable {
    struct Entity {
        var id: String
        var name: String
        /// The objective index this is the `@k` reference of.
        var objective: Int? = nil
        /// The objective that must have been said before the text may name this.
        var unlockedBy: Int? = nil
        /// Whether the objective is a collect (which words may come before it).
        var isCollect = false
    }

    let trie: WordTrie
    /// Display-name length in characters, per rank.
    let nameLength: [Int32]
    /// FNV-1a step over each display name's bytes: `nameHash(h, rank)` continues `h` with it.
    let names: [[UInt8]]
    /// Mention bit of an objective reference (its objective index), per rank; -1 for names.
    let requiredBit: [Int8]
    /// The bit that must be set before the text may name this rank; -1 for none.
    let unlockBit: [Int8]
    /// Whether the rank is a collect objective's reference.
    let isCollect: [Bool]
    /// All required bits set.
    let requiredMask: UInt64
    /// Sum of the objective phrases' lengths: what the prose still owes at the start.
    let requiredCost: Int32

    /// - Parameter entities: repeated ids merge (the first name, the earliest unlock).
    init(_ entities: [Entity]) {
        var merged: [String: Entity] = [:]
        for entity in entities {
            guard var old = merged[entity.id] else { merged[entity.id] = entity; continue }
            old.objective = old.objective ?? entity.objective
            if let unlock = entity.unlockedBy { old.unlockedBy = min(old.unlockedBy ?? unlock, unlock) }
            merged[entity.id] = old
        }
        trie = WordTrie(Array(merged.keys))
        var lengths: [Int32] = []
        var nameBytes: [[UInt8]] = []
        var bits: [Int8] = []
        var unlocks: [Int8] = []
        var collects: [Bool] = []
        var mask: UInt64 = 0
        var cost: Int32 = 0
        for rank in 0..<trie.count {
            let entry = merged[trie.word(rank)]
            let length = Int32(entry?.name.count ?? 0)
            lengths.append(length)
            nameBytes.append(Array((entry?.name ?? "").utf8))
            collects.append(entry?.isCollect ?? false)
            if let objective = entry?.objective, objective < 64 {
                bits.append(Int8(objective))
                mask |= 1 << UInt64(objective)
                cost += length
            } else {
                bits.append(-1)
            }
            unlocks.append(entry?.unlockedBy.map { Int8(min($0, 63)) } ?? -1)
        }
        nameLength = lengths
        names = nameBytes
        requiredBit = bits
        unlockBit = unlocks
        isCollect = collects
        requiredMask = mask
        requiredCost = cost
    }
}
