/// The entities a quest's prose may reference, frozen when the `title` line starts (all
/// declarations come before it): their ids in a trie, each with its display-name length
/// and, for places to reach and items to collect, the bit that records its mention.
final class ReferenceTable: Sendable {
    let trie: WordTrie
    /// Display-name length in characters, per rank.
    let nameLength: [Int32]
    /// Mention bit of a required entity, per rank; -1 for optional ones (the region, sources).
    let requiredBit: [Int8]
    /// All required bits set.
    let requiredMask: UInt64
    /// Sum of the required entities' name lengths: what the prose still owes at the start.
    let requiredCost: Int32

    /// - Parameters:
    ///   - entities: `(id, display name, required)`; repeated ids merge, required if any is.
    init(_ entities: [(id: String, name: String, required: Bool)]) {
        var merged: [String: (name: String, required: Bool)] = [:]
        for entity in entities {
            let old = merged[entity.id]
            merged[entity.id] = (old?.name ?? entity.name, (old?.required ?? false) || entity.required)
        }
        trie = WordTrie(Array(merged.keys))
        var lengths: [Int32] = []
        var bits: [Int8] = []
        var mask: UInt64 = 0
        var cost: Int32 = 0
        var next: Int8 = 0
        for rank in 0..<trie.count {
            let entry = merged[trie.word(rank)] ?? (name: "", required: false)
            lengths.append(Int32(entry.name.count))
            if entry.required, next < 64 {
                bits.append(next)
                mask |= 1 << UInt64(next)
                cost += Int32(entry.name.count)
                next += 1
            } else {
                bits.append(-1)
            }
        }
        nameLength = lengths
        requiredBit = bits
        requiredMask = mask
        requiredCost = cost
    }
}
