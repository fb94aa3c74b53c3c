/// Finds added (special) tokens in raw text before pre-tokenisation, so that they are never
/// split and never merged with their neighbours.
///
/// Matching is leftmost-longest on UTF-8 bytes, the rule of the `tokenizers` added vocabulary
/// (Aho-Corasick, `LeftmostLongest`): of the tokens that match at the first position where
/// any does, the longest wins. There are only a handful of tokens, so candidates are found
/// through their first byte instead of an automaton.
struct AddedTokenMatcher: Sendable {
    /// One match: the bytes `range` of the text are the token `id`.
    struct Match: Equatable {
        var range: Range<Int>
        var id: Int32
    }

    /// Candidates for each first byte, longest first.
    private let candidates: [[(bytes: [UInt8], id: Int32)]]
    let isEmpty: Bool

    init(tokens: [(content: String, id: Int32)]) {
        var table = [[(bytes: [UInt8], id: Int32)]](repeating: [], count: 256)
        for token in tokens {
            let bytes = Array(token.content.utf8)
            guard let first = bytes.first else { continue }
            table[Int(first)].append((bytes, token.id))
        }
        for index in table.indices {
            // Longest first; equal lengths cannot both match unless equal, which validation forbids.
            table[index].sort { $0.bytes.count > $1.bytes.count }
        }
        candidates = table
        isEmpty = tokens.isEmpty
    }

    /// Every match in `bytes[start..<end]`, left to right, not overlapping.
    func matches(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> [Match] {
        guard !isEmpty else { return [] }
        var found: [Match] = []
        var i = start
        scan: while i < end {
            let options = candidates[Int(bytes[i])]
            if !options.isEmpty {
                for option in options where i + option.bytes.count <= end {
                    var equal = true
                    for k in 1..<option.bytes.count where bytes[i + k] != option.bytes[k] {
                        equal = false
                        break
                    }
                    if equal {
                        found.append(Match(range: i..<(i + option.bytes.count), id: option.id))
                        i += option.bytes.count
                        continue scan
                    }
                }
            }
            i += 1
        }
        return found
    }
}
