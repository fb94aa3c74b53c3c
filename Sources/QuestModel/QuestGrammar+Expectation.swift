import Quests
import World

/// What the grammar would accept at a state, in words a person can act on; parse errors
/// carry it.
extension QuestGrammar {
    /// Describes what may come next.
    /// - Parameter refused: the byte that was refused, if any; sharpens the message (a
    ///   newline refused because a name is still unmentioned, say).
    public func expectation(_ state: State, refused: UInt8?) -> String {
        switch state.phase {
        case .done:
            return "nothing after </quest>"
        case .literal:
            let literal = Self.bytes(of: state.literal)
            return "\"\(String(decoding: literal, as: UTF8.self).trimmingSuffix())\""
        case .word:
            var text = describeSlot(state)
            let trie = trie(for: state.slot)
            let rank = Int(trie.terminal[Int(state.position)])
            if rank >= 0, state.allowed.contains(rank) {
                let endings = acceptedBytes(state).compactMap { byte -> String? in
                    switch byte {
                    case Self.space: "a space"
                    case Self.newline: "the end of the line"
                    case Self.dash: "\"-\""
                    default: nil
                    }
                }
                let word = trie.word(rank)
                let separators: Set<UInt8> = [Self.space, Self.newline, Self.dash]
                if endings.isEmpty {
                    text = "no more after \"\(word)\" here (\(text))"
                } else if let refused, separators.contains(refused) {
                    // The word is fine; what followed it is not.
                    text = "\(endings.joined(separator: " or ")) after \"\(word)\""
                } else {
                    text = "\(endings.joined(separator: " or ")) after \"\(word)\", or \(text)"
                }
            }
            return text
        case .prose:
            let field = state.field == .title ? "title" : "text"
            let limit = state.field == .title ? lexicon.limits.maxTitleLength : lexicon.limits.maxTextLength
            if refused == Self.newline, state.field == .text, let table = state.references {
                let missing = (0..<table.trie.count).filter { rank in
                    let bit = table.requiredBit[rank]
                    return bit >= 0 && state.mentioned & (1 << UInt64(bit)) == 0
                }.map { "{\(table.trie.word($0))}" }
                if !missing.isEmpty {
                    return "more text: it must still mention \(missing.joined(separator: ", "))"
                }
            }
            if refused == Self.newline, state.rendered == 0 { return "some \(field) text before the end of the line" }
            if refused == Self.space, state.rendered == 0 { return "\(field) text that does not start with a space" }
            if let refused, refused == Self.closeBrace || !(0x20...0x7E).contains(refused) {
                return "printable ASCII \(field) text; braces only around a reference such as {\(exampleReference(state))}"
            }
            return "at most \(limit) characters of \(field), leaving room for the names it must still mention"
        case .reference:
            guard let table = state.references else { return "a reference" }
            let ids = (0..<table.trie.count).map { "{\(table.trie.word($0))}" }
            return "a reference to a declared place, item or the region: \(Self.list(ids))"
        }
    }

    private func exampleReference(_ state: State) -> String {
        guard let table = state.references, table.trie.count > 0 else { return "place-id" }
        return table.trie.word(0)
    }

    private func describeSlot(_ state: State) -> String {
        var words = state.allowed.members.map { trie(for: state.slot).word($0) }
        if state.slot == .count || state.slot == .fromHour || state.slot == .toHour {
            words.sort { (Int($0) ?? 0) < (Int($1) ?? 0) }
        }
        let options = Self.list(words)
        switch state.slot {
        case .scope: return "a scope: \(options)"
        case .region: return "a region id: \(options)"
        case .difficulty: return "a difficulty: \(options)"
        case .motivation: return "a motivation: \(options)"
        case .keyword:
            let shape = shape(state)
            let note = state.objectives.count < shape.minObjectives
                ? " (difficulty \(state.difficulty) needs at least \(shape.minObjectives) objectives)"
                : state.objectives.count >= shape.maxObjectives ? " (difficulty \(state.difficulty) allows at most \(shape.maxObjectives) objectives)" : ""
            return "a line starting with \(options)\(note)"
        case .reachPlace:
            let shape = shape(state)
            let region = lexicon.regions[Int(state.region)].id
            return "a place in \(region)\(shape.wide ? " or a neighbouring region" : ""): \(options)"
        case .item:
            let shape = shape(state)
            return "an item of rarity up to \(shape.maxRarity.rawValue), found near the quest's region and not collected already: \(options)"
        case .count:
            return "a count: \(options)"
        case .source:
            let item = state.objectives.last.map { lexicon.items[Int($0.item)].id } ?? "the item"
            return "a place where \(item) is found that this line has not named: \(options)"
        case .condition: return "a condition: \(options)"
        case .weather: return "weather possible there and not listed yet: \(options)"
        case .fromHour: return "a starting game hour 0...23 and \"-\""
        case .toHour:
            let from = state.objectives.last.map { Int($0.fromHour) } ?? 0
            return "an end hour at least \(lexicon.limits.minWindowHours) game hours after \(from): \(options)"
        }
    }

    static func list(_ words: [String], limit: Int = 12) -> String {
        guard !words.isEmpty else { return "(none)" }
        let shown = words.prefix(limit).joined(separator: ", ")
        return words.count > limit ? "\(shown), … (\(words.count) in all)" : shown
    }
}

extension String {
    func trimmingSuffix() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
