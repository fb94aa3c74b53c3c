/// A byte trie of token ids, flattened into parallel arrays so the mask walk reads
/// contiguous memory.
struct TokenTrie: Sendable {
    private var childStart: [Int32] = []
    private var childCount: [Int32] = []
    private var childByte: [UInt8] = []
    private var childNode: [Int32] = []
    private var tokenStart: [Int32] = []
    private var tokenCount: [Int32] = []
    private var tokenIDs: [Int32] = []

    /// - Parameter tokens: `(id, bytes)`; tokens with no bytes are left out.
    init(_ tokens: [(id: Int, bytes: [UInt8])]) {
        var children: [[UInt8: Int]] = [[:]]
        var ending: [[Int32]] = [[]]
        for (id, bytes) in tokens where !bytes.isEmpty {
            var node = 0
            for byte in bytes {
                if let next = children[node][byte] {
                    node = next
                } else {
                    children.append([:])
                    ending.append([])
                    children[node][byte] = children.count - 1
                    node = children.count - 1
                }
            }
            ending[node].append(Int32(id))
        }
        for node in children.indices {
            childStart.append(Int32(childByte.count))
            childCount.append(Int32(children[node].count))
            for (byte, target) in children[node].sorted(by: { $0.key < $1.key }) {
                childByte.append(byte)
                childNode.append(Int32(target))
            }
            tokenStart.append(Int32(tokenIDs.count))
            tokenCount.append(Int32(ending[node].count))
            tokenIDs.append(contentsOf: ending[node])
        }
    }

    var nodeCount: Int { childStart.count }

    /// Adds every token below the root whose bytes the grammar accepts from `state`.
    ///
    /// The hot loop of constrained decoding: depth first, copying the small state once
    /// per edge tried and abandoning a subtree at its first refused byte.
    /// Generic so each grammar gets its own specialised copy of the walk.
    func collect<Grammar: ByteGrammar>(grammar: Grammar, state: Grammar.State, into mask: inout GrammarMask) {
        collect(node: 0, state: state, grammar: grammar, into: &mask)
    }

    private func collect<Grammar: ByteGrammar>(node: Int, state: Grammar.State, grammar: Grammar, into mask: inout GrammarMask) {
        let start = Int(childStart[node])
        let end = start + Int(childCount[node])
        var edge = start
        while edge < end {
            var next = state
            if grammar.advance(&next, childByte[edge]) {
                let child = Int(childNode[edge])
                let first = Int(tokenStart[child])
                var t = first
                while t < first + Int(tokenCount[child]) {
                    mask.insert(Int(tokenIDs[t]))
                    t += 1
                }
                if childCount[child] > 0 { collect(node: child, state: next, grammar: grammar, into: &mask) }
            }
            edge += 1
        }
    }

    /// The longest token that prefixes `bytes[from...]`, as `(id, length)`.
    func longestMatch(_ bytes: [UInt8], from start: Int) -> (token: Int, length: Int)? {
        var node = 0
        var best: (token: Int, length: Int)?
        var length = 0
        while start + length < bytes.count, let next = child(node, bytes[start + length]) {
            node = next
            length += 1
            if tokenCount[node] > 0 { best = (Int(tokenIDs[Int(tokenStart[node])]), length) }
        }
        return best
    }

    private func child(_ node: Int, _ byte: UInt8) -> Int? {
        let start = Int(childStart[node])
        for edge in start..<(start + Int(childCount[node])) where childByte[edge] == byte {
            return Int(childNode[edge])
        }
        return nil
    }
}
