import Quests
import World

extension QuestDocument {
    /// Reads a quest written in the spec language.
    ///
    /// ```swift
    /// let document = try QuestDocument.parse(text, lexicon: lexicon)
    /// let spec = try document.spec(lexicon: lexicon, origin: nil, now: .now)
    /// ```
    /// Surrounding whitespace is ignored; everything else must follow the grammar.
    /// - Parameter grammar: narrows what is accepted (e.g. to one request); nil accepts
    ///   any well-formed quest of the lexicon's world.
    /// - Throws: `QuestParseError` naming the line and token that the grammar refused.
    public static func parse(
        _ text: String, lexicon: QuestLexicon, grammar: QuestGrammar? = nil
    ) throws(QuestParseError) -> QuestDocument {
        let grammar = grammar ?? QuestGrammar(lexicon: lexicon)
        let all = Array(text.utf8)
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        var start = 0
        var end = all.count
        while start < end, isBlank(all[start]) { start += 1 }
        while end > start, isBlank(all[end - 1]) { end -= 1 }

        var state = grammar.start
        var index = start
        while index < end {
            let before = state
            guard grammar.advance(&state, all[index]) else {
                throw error(at: index, in: all, code: .unexpectedToken, expected: grammar.expectation(before, refused: all[index]))
            }
            index += 1
        }
        guard state.isComplete else {
            throw error(at: end, in: all, code: .unexpectedEnd, expected: grammar.expectation(state, refused: nil))
        }
        return document(from: state, lexicon: lexicon, bytes: all[start..<end])
    }

    private static func error(at offset: Int, in bytes: [UInt8], code: QuestParseError.Code, expected: String) -> QuestParseError {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var tokenStart = min(offset, bytes.count)
        while tokenStart > lineStart, bytes[tokenStart - 1] != 0x20 { tokenStart -= 1 }
        var tokenEnd = min(offset, bytes.count)
        while tokenEnd < bytes.count, bytes[tokenEnd] != 0x20, bytes[tokenEnd] != 0x0A { tokenEnd += 1 }
        if offset < bytes.count, bytes[offset] == 0x0A || bytes[offset] == 0x20 {
            // The refused byte is the separator itself: name the token it would have ended.
            tokenEnd = offset
        }
        let token = String(decoding: bytes[tokenStart..<tokenEnd], as: UTF8.self)
        return QuestParseError(code: code, line: line, column: offset - lineStart + 1, token: token, expected: expected)
    }

    /// Reads the finished automaton's declarations and the two prose lines.
    private static func document(
        from state: QuestGrammar.State, lexicon: QuestLexicon, bytes: ArraySlice<UInt8>
    ) -> QuestDocument {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        // The grammar guarantees the last three lines: title, text, </quest>.
        let title = lines.count >= 3 ? String(lines[lines.count - 3].dropFirst("title ".count)) : ""
        let body = lines.count >= 2 ? String(lines[lines.count - 2].dropFirst("text ".count)) : ""
        let objectives = state.objectives.map { draft -> Line in
            let conditions = ObjectiveConditions(
                weather: draft.weather.isEmpty ? nil : draft.weather,
                gameTimeWindow: draft.fromHour >= 0 && draft.toHour >= 0
                    ? GameTimeWindow(fromHour: Int(draft.fromHour), toHour: Int(draft.toHour)) : nil)
            switch draft.kind {
            case .reach:
                return .reach(place: lexicon.places[Int(draft.place)].id, conditions: conditions)
            case .collect:
                return .collect(
                    item: lexicon.items[Int(draft.item)].id, count: Int(draft.count),
                    sources: draft.sources.map { lexicon.places[Int($0)].id }, conditions: conditions)
            }
        }
        return QuestDocument(
            scope: state.scope ?? .personal, region: state.region >= 0 ? lexicon.regions[Int(state.region)].id : "",
            difficulty: Int(state.difficulty), motivation: state.motivation ?? .knowledge, objectives: objectives,
            title: title, body: body)
    }
}
