import Quests
import World

extension QuestGrammar {
    /// Where the automaton stands: the line being written and everything declared so far.
    ///
    /// A small value type: the token mask copies it once per vocabulary-trie node it
    /// tries, so it holds integers and a few copy-on-write arrays that change only when a
    /// word ends.
    public struct State: Sendable {
        enum Phase: UInt8 { case literal, word, prose, reference, done }
        enum Literal: UInt8 { case header, from, text, end }
        enum Slot: UInt8 {
            case scope, region, difficulty, motivation, keyword, reachPlace, item, count, source, condition, weather
            case fromHour, toHour
        }
        enum Field: UInt8 { case title, text }

        var phase: Phase = .literal
        var literal: Literal = .header
        var slot: Slot = .scope
        var field: Field = .title
        /// Byte offset in the literal, or the node in the current word or reference trie.
        var position: Int32 = 0
        /// Ranks the current word may take.
        var allowed = BitSet(capacity: 0)

        var scope: QuestScope?
        var region: Int32 = -1
        var difficulty: Int8 = 0
        var motivation: Motivation?
        var objectives: [ObjectiveDraft] = []

        var references: ReferenceTable?
        /// Rendered characters of the current title or text.
        var rendered: Int32 = 0
        var mentioned: UInt64 = 0
        /// Name lengths of required entities not yet mentioned: what the text still owes.
        var unmentionedCost: Int32 = 0
        /// The field's last byte (0 at its start): no word may touch a `{reference}`.
        var lastByte: UInt8 = 0
        /// Where the text stands between sentences: 0 inside one, 1 right after its end mark,
        /// 2 after the end mark and a space (the next must start with a capital or a reference).
        var gap: UInt8 = 0
        /// FNV-1a of the current sentence's bytes, end mark excluded.
        var sentenceHash: UInt64 = QuestGrammar.hashOffset
        /// The sentences the text has said, and those it may never say (a race in a personal
        /// quest): no sentence is said twice.
        var said: [UInt64] = []
        /// Sentences ended since the text itself named every required name (the sentence that
        /// named the last one included): the text ends after ``QuestGrammar/maxClosingSentences`` of them.
        var closingSentences: UInt8 = 0
        /// Required names the text itself has named (the title's do not count here).
        var namedInText: UInt64 = 0
        /// The node of the word being written in ``QuestLexicon/proseWords`` (when the last
        /// byte is a letter).
        var word: Int32 = 0
        /// Rank of the word ended by a space before the word being written (or, right after
        /// "word ", that word), else -1: an objective's `{@k}` may only follow certain words,
        /// and no word follows itself.
        var lastWord: Int32 = -1
        /// FNV-1a of the title as rendered so far, names in place of references.
        var titleHash: UInt64 = QuestGrammar.hashOffset

        /// Whether the quest is finished (`</quest>` written); no byte is accepted after.
        public var isComplete: Bool { phase == .done }

        /// Whether the state is inside free prose (where most bytes are allowed).
        public var isInProse: Bool { phase == .prose || phase == .reference }
    }

    /// One objective as declared so far.
    struct ObjectiveDraft: Hashable, Sendable {
        enum Kind: UInt8 { case reach, collect }
        var kind: Kind
        /// Place rank of a reach objective.
        var place: Int32 = -1
        /// Item rank of a collect objective.
        var item: Int32 = -1
        var count: Int32 = 0
        /// Place ranks of a collect objective's sources, in written order.
        var sources: [Int32] = []
        var weather: [Weather] = []
        var fromHour: Int8 = -1
        var toHour: Int8 = -1

        var conditions: ObjectiveConditions {
            ObjectiveConditions(
                weather: weather.isEmpty ? nil : weather,
                gameTimeWindow: fromHour < 0 || toHour < 0 ? nil : GameTimeWindow(fromHour: Int(fromHour), toHour: Int(toHour)))
        }
    }
}
