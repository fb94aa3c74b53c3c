import NFTArt
import World

/// Why an NFT lore grammar could not be built for a request.
public struct NFTLoreGrammarError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The header is not `<nft>` and six ids.
        case malformedHeader = "nft_lore.malformed_header"
        case unknownRegion = "nft_lore.unknown_region"
        /// The point of interest does not exist or lies in another region.
        case unknownPlace = "nft_lore.unknown_place"
        /// A part id is not in the catalogue.
        case unknownPart = "nft_lore.unknown_part"
    }

    public var code: Code
    /// The request field that is wrong: `header`, `region`, `pointOfInterest` or `parts`.
    public var field: String
    public var reason: String

    public init(code: Code, field: String, reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason) [\(code.rawValue)]" }
}

/// Something the name and lore may refer to as `{id}`: the cat itself (`{cat}`, the cat line's
/// name) and the header's region, place and parts, each rendered as its display text.
public struct NFTLoreEntity: Hashable, Sendable {
    public enum Role: String, Hashable, Sendable { case cat, region, place, coat, markings, accessory, pose }

    public var role: Role
    public var id: String
    /// What `{id}` becomes: a display name ("Owlbane Tower"), the coat's colour word
    /// ("silver-grey"), a part's lore phrase ("a tiny ever-burning lantern"); nil for the cat,
    /// whose name the sample itself declares.
    public var text: String?

    public init(role: Role, id: String, text: String?) {
        self.role = role
        self.id = id
        self.text = text
    }
}

/// The NFT lore sample as a byte automaton, for one request: the header is fixed (it is the
/// prompt), then the cat's name, the NFT's name, the lore and the closing line. Every text it
/// accepts renders to a name and description that `NFTMetadata.validate(name:description:)`
/// accepts and that name the place and the coat.
///
/// ```
/// sample  = header "\n" "cat " cat "\n" "name " name "\n" "lore " lore "\n" "</nft>"
/// header  = "<nft> " region " " ( poi | "-" ) " " coat " " markings " " accessory " " pose
///           (markings and an accessory without lore are "no-markings" and "no-accessory")
/// cat     = "A"-"Z" ( letter | "'" | "-" ){0,19}
/// name    = ( char | "{" id "}" )+   rendering to 1-64 characters; no leading, trailing or double space
/// lore    = 1-3 sentences rendering to at most 1,000 characters; a sentence ends with "." "!" or
///           "?" followed by one space (another sentence follows) or by the line end; no
///           leading or double space, no space before an end mark
/// ```
///
/// `{id}` may name only the request's entities (`NFTLoreEntity`): `{cat}`, the region, the
/// place, and in the lore also the coat, markings, accessory and pose. The lore must refer to
/// the place (the point of interest, else the region) and the coat, and its third sentence can
/// only end once it has; a byte is only accepted when what is still owed fits in what is left,
/// so no prefix is a dead end. The format is documented byte for byte in quests/README.md.
public struct NFTLoreGrammar: ByteGrammar {
    public static let nameLimit = NFTMetadata.nameLimit
    public static let loreLimit = NFTMetadata.descriptionLimit
    public static let maxSentences = 3
    public static let catLimit = 20
    /// Longest rendering an entity may have.
    public static let entityLimit = 64

    /// The request's first line.
    public let header: String
    /// What `{id}` may name, the cat first.
    public let entities: [NFTLoreEntity]
    /// `header`, a line end and `cat `: the bytes every sample of this grammar starts with.
    let prefix: [UInt8]
    let ids: [[UInt8]]
    /// Rendered length of each entity (the cat's comes from the state).
    let lengths: [Int]
    /// Bit i: entity i may appear in the name / the lore / must appear in the lore.
    let nameAllowed: UInt8
    let loreAllowed: UInt8
    let required: UInt8

    /// A grammar for a header and the entities it names.
    /// - Throws: `NFTLoreGrammarError.malformedHeader` when the header is not `<nft>` and six ids.
    init(header: String, entities candidates: [NFTLoreEntity]) throws(NFTLoreGrammarError) {
        guard NFTLoreDocument.headerFields(header) != nil else {
            throw NFTLoreGrammarError(
                code: .malformedHeader, field: "header",
                reason: "\"\(header)\" is not \"<nft>\" and six ids (region, place or -, coat, markings, accessory, pose)")
        }
        var entities = [NFTLoreEntity(role: .cat, id: "cat", text: nil)]
        for entity in candidates where entity.role != .cat {
            // A text the lore could not hold (an end mark, say), or a repeated id, is left out.
            guard let text = entity.text, Self.canRender(text), NFTLoreDocument.isID(entity.id),
                  !entities.contains(where: { $0.id == entity.id }) else { continue }
            entities.append(entity)
        }
        self.header = header
        self.entities = entities
        prefix = Array((header + "\ncat ").utf8)
        ids = entities.map { Array($0.id.utf8) }
        lengths = entities.map { $0.text?.utf8.count ?? 0 }
        var nameAllowed: UInt8 = 0, loreAllowed: UInt8 = 0, required: UInt8 = 0
        let hasPlace = entities.contains { $0.role == .place }
        for (index, entity) in entities.enumerated() {
            let bit = UInt8(1) << UInt8(index)
            loreAllowed |= bit
            if [.cat, .region, .place, .coat].contains(entity.role) { nameAllowed |= bit }
            if entity.role == .coat || entity.role == .place || (entity.role == .region && !hasPlace) { required |= bit }
        }
        self.nameAllowed = nameAllowed
        self.loreAllowed = loreAllowed
        self.required = required
    }

    /// The grammar for a request in `world`.
    /// - Throws: `NFTLoreGrammarError` naming the request field that is wrong.
    public init(request: NFTLoreRequest, world: World) throws(NFTLoreGrammarError) {
        let parts = request.parts
        let ids = [parts.coat.id, NFTLoreVocabulary.headerField(markings: parts.markings),
                   NFTLoreVocabulary.headerField(accessory: parts.accessory), parts.body.id]
        guard ids.allSatisfy(NFTLoreDocument.isID) else {
            throw NFTLoreGrammarError(
                code: .malformedHeader, field: "parts", reason: "part ids must be lower-case letters, digits and hyphens: \(ids)")
        }
        let (region, place) = try Self.place(region: request.region, pointOfInterest: request.pointOfInterest, world: world)
        try self.init(header: request.header, entities: Self.entities(
            region: region, place: place, coat: parts.coat, markings: parts.markings, accessory: parts.accessory, body: parts.body))
    }

    /// The grammar of a parsed sample's own header, as `QuestCorpus.checkNFT` uses it.
    /// - Throws: `NFTLoreGrammarError` naming the header field that is wrong.
    public init(document: NFTLoreDocument, world: World, catalog: NFTPartsCatalog) throws(NFTLoreGrammarError) {
        let (region, place) = try Self.place(region: document.region, pointOfInterest: document.pointOfInterest, world: world)
        guard let coat = catalog.coats.first(where: { $0.id == document.coat }),
              let markings = catalog.markings.first(where: { NFTLoreVocabulary.headerField(markings: $0) == document.markings }),
              let accessory = catalog.accessories.first(where: { NFTLoreVocabulary.headerField(accessory: $0) == document.accessory }),
              let body = catalog.bodies.first(where: { $0.id == document.pose }) else {
            throw NFTLoreGrammarError(code: .unknownPart, field: "parts", reason: "a part of \"\(document.header)\" is not in the catalogue")
        }
        try self.init(header: document.header, entities: Self.entities(
            region: region, place: place, coat: coat, markings: markings, accessory: accessory, body: body))
    }

    static func place(region id: String, pointOfInterest: String?, world: World) throws(NFTLoreGrammarError) -> (Region, PointOfInterest?) {
        guard let region = world.region(id: id) else {
            throw NFTLoreGrammarError(code: .unknownRegion, field: "region", reason: "no region \"\(id)\" in the world")
        }
        guard let placeID = pointOfInterest else { return (region, nil) }
        guard let place = world.pointOfInterest(id: placeID), place.region == region.id else {
            throw NFTLoreGrammarError(
                code: .unknownPlace, field: "pointOfInterest", reason: "no point of interest \"\(placeID)\" in region \"\(region.id)\"")
        }
        return (region, place)
    }

    /// The entities of a header: the region and place by display name, the coat by its colour
    /// word, the markings, accessory and pose by their lore phrases; markings and an accessory
    /// without one are `{no-markings}` ("not a single stripe") and `{no-accessory}` ("an
    /// invisible collar"), so a sentence written for markings or an accessory still reads true.
    static func entities(
        region: Region, place: PointOfInterest?, coat: NFTCoat, markings: NFTOverlay, accessory: NFTOverlay, body: NFTBody
    ) -> [NFTLoreEntity] {
        [
            NFTLoreEntity(role: .region, id: region.id, text: region.name),
            place.map { NFTLoreEntity(role: .place, id: $0.id, text: $0.name) },
            NFTLoreEntity(role: .coat, id: coat.id, text: NFTLoreVocabulary.coatWord(coat)),
            NFTLoreEntity(
                role: .markings, id: NFTLoreVocabulary.headerField(markings: markings),
                text: markings.lore ?? NFTLoreVocabulary.noMarkingsText),
            NFTLoreEntity(
                role: .accessory, id: NFTLoreVocabulary.headerField(accessory: accessory),
                text: accessory.lore ?? NFTLoreVocabulary.noAccessoryText),
            body.lore.map { NFTLoreEntity(role: .pose, id: body.id, text: $0) },
        ].compactMap { $0 }
    }

    /// Whether a text can stand for `{id}`: 1-64 bytes of the prose alphabet, no end mark (it
    /// would end a sentence), no leading, trailing or double space.
    public static func canRender(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= entityLimit, first != space, last != space else { return false }
        for (index, byte) in bytes.enumerated() {
            guard isProse(byte), !isEndMark(byte) else { return false }
            if byte == space, index > 0, bytes[index - 1] == space { return false }
        }
        return true
    }

    /// The prompt: the header and `\ncat`, without the space after it, which the model writes
    /// as the start of its first token (as in the corpus).
    public var prompt: [UInt8] { Array(prefix.dropLast()) }

    /// The entities the lore must refer to.
    public var requiredEntities: [NFTLoreEntity] {
        entities.indices.filter { required & (1 << UInt8($0)) != 0 }.map { entities[$0] }
    }

    public var start: State { State() }

    // MARK: Bytes

    static let space: UInt8 = 0x20
    static let newline: UInt8 = 0x0A
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let nameLiteral = Array("name ".utf8)
    static let loreLiteral = Array("lore ".utf8)
    static let endLiteral = Array("</nft>".utf8)

    /// The prose alphabet: printable ASCII without braces.
    @inline(__always)
    static func isProse(_ byte: UInt8) -> Bool { byte >= 0x20 && byte <= 0x7E && byte != openBrace && byte != closeBrace }

    @inline(__always)
    static func isEndMark(_ byte: UInt8) -> Bool { byte == 0x2E || byte == 0x21 || byte == 0x3F }

    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }

    // MARK: State

    /// Where the automaton stands: the part being written, its rendered length, and for the
    /// lore the sentences closed and the entities referred to.
    public struct State: ByteGrammarState {
        enum Phase: UInt8 { case prefix, cat, nameKeyword, name, nameReference, loreKeyword, lore, loreReference, end, done }
        /// What the field's rendered text ends with.
        enum Last: UInt8 { case start, space, endMark, other }

        var phase: Phase = .prefix
        /// Offset in the literal, length of the cat's name, or id bytes typed in a reference.
        var position: Int16 = 0
        /// Rendered characters of the name or lore so far.
        var rendered: Int16 = 0
        var last: Last = .start
        /// Lore sentences closed by a space.
        var sentences: UInt8 = 0
        /// Bit i: entity i has been referred to in the lore.
        var found: UInt8 = 0
        /// In a reference: the entities whose ids the bytes typed so far begin.
        var candidates: UInt8 = 0
        var catLength: UInt8 = 0

        public var isComplete: Bool { phase == .done }

        /// Whether the state is inside the name or the lore.
        public var isInProse: Bool { phase == .name || phase == .lore || phase == .nameReference || phase == .loreReference }
    }

    // MARK: Transitions

    /// Feeds one byte.
    /// - Returns: whether the byte was accepted; on false the state is unchanged.
    public func advance(_ state: inout State, _ byte: UInt8) -> Bool {
        switch state.phase {
        case .prefix: return advanceLiteral(&state, byte, prefix, then: .cat)
        case .cat: return advanceCat(&state, byte)
        case .nameKeyword: return advanceLiteral(&state, byte, Self.nameLiteral, then: .name)
        case .name: return advanceName(&state, byte)
        case .loreKeyword: return advanceLiteral(&state, byte, Self.loreLiteral, then: .lore)
        case .lore: return advanceLore(&state, byte)
        case .nameReference, .loreReference: return advanceReference(&state, byte)
        case .end: return advanceLiteral(&state, byte, Self.endLiteral, then: .done)
        case .done: return false
        }
    }

    private func advanceLiteral(_ state: inout State, _ byte: UInt8, _ literal: [UInt8], then next: State.Phase) -> Bool {
        let position = Int(state.position)
        guard position < literal.count, literal[position] == byte else { return false }
        if position + 1 == literal.count {
            state.phase = next
            state.position = 0
            state.rendered = 0
            state.last = .start
        } else {
            state.position += 1
        }
        return true
    }

    private func advanceCat(_ state: inout State, _ byte: UInt8) -> Bool {
        let length = Int(state.position)
        if byte == Self.newline {
            guard length > 0 else { return false }
            state.catLength = UInt8(length)
            state.phase = .nameKeyword
            state.position = 0
            return true
        }
        guard length < Self.catLimit else { return false }
        if length == 0 {
            guard byte >= 0x41 && byte <= 0x5A else { return false }
        } else {
            guard Self.isLetter(byte) || byte == 0x27 || byte == 0x2D else { return false }
        }
        state.position += 1
        return true
    }

    /// The rendered length of entity `index`.
    @inline(__always)
    private func length(_ index: Int, _ state: State) -> Int { index == 0 ? Int(state.catLength) : lengths[index] }

    private func advanceName(_ state: inout State, _ byte: UInt8) -> Bool {
        let rendered = Int(state.rendered)
        switch byte {
        case Self.newline:
            guard rendered > 0, state.last != .space else { return false }
            state.phase = .loreKeyword
            state.position = 0
            return true
        case Self.openBrace:
            var candidates: UInt8 = 0
            for index in entities.indices where nameAllowed & (1 << UInt8(index)) != 0 && rendered + length(index, state) <= Self.nameLimit {
                candidates |= 1 << UInt8(index)
            }
            guard candidates != 0 else { return false }
            state.candidates = candidates
            state.phase = .nameReference
            state.position = 0
            return true
        case Self.space:
            // A space needs a character after it, and never starts the name or follows another space.
            guard state.last != .start, state.last != .space, rendered + 2 <= Self.nameLimit else { return false }
            state.last = .space
        default:
            guard Self.isProse(byte), rendered < Self.nameLimit else { return false }
            state.last = .other
        }
        state.rendered += 1
        return true
    }

    private func advanceLore(_ state: inout State, _ byte: UInt8) -> Bool {
        var next = state
        switch byte {
        case Self.newline:
            guard state.last == .endMark, state.found & required == required else { return false }
            state.phase = .end
            state.position = 0
            return true
        case Self.openBrace:
            var candidates: UInt8 = 0
            for index in entities.indices where loreAllowed & (1 << UInt8(index)) != 0 {
                var after = state
                after.found |= 1 << UInt8(index)
                after.last = .other
                if Int(state.rendered) + length(index, state) + completionCost(after) <= Self.loreLimit {
                    candidates |= 1 << UInt8(index)
                }
            }
            guard candidates != 0 else { return false }
            state.candidates = candidates
            state.phase = .loreReference
            state.position = 0
            return true
        case Self.space:
            guard state.last == .other || state.last == .endMark else { return false }
            if state.last == .endMark {
                guard Int(state.sentences) + 1 < Self.maxSentences else { return false }
                next.sentences += 1
            }
            next.last = .space
        default:
            guard Self.isProse(byte) else { return false }
            if Self.isEndMark(byte) {
                guard state.last == .other || state.last == .endMark else { return false }
                // The last sentence may only end once everything owed has been mentioned.
                if Int(state.sentences) + 1 == Self.maxSentences, state.found & required != required { return false }
                next.last = .endMark
            } else {
                next.last = .other
            }
        }
        next.rendered += 1
        guard Int(next.rendered) + completionCost(next) <= Self.loreLimit else { return false }
        state = next
        return true
    }

    private func advanceReference(_ state: inout State, _ byte: UInt8) -> Bool {
        let position = Int(state.position)
        if byte == Self.closeBrace {
            guard let index = entities.indices.first(where: { state.candidates & (1 << UInt8($0)) != 0 && ids[$0].count == position }) else {
                return false
            }
            state.rendered += Int16(length(index, state))
            state.last = .other
            if state.phase == .loreReference {
                state.found |= 1 << UInt8(index)
                state.phase = .lore
            } else {
                state.phase = .name
            }
            state.candidates = 0
            state.position = 0
            return true
        }
        var candidates: UInt8 = 0
        for index in entities.indices where state.candidates & (1 << UInt8(index)) != 0 && ids[index].count > position && ids[index][position] == byte {
            candidates |= 1 << UInt8(index)
        }
        guard candidates != 0 else { return false }
        state.candidates = candidates
        state.position += 1
        return true
    }

    /// The rendered length of the shortest way to finish the lore from `state` that this
    /// grammar accepts: refer to every owed entity, then an end mark. Each step of that way
    /// keeps the sum of the length so far and this cost, which is why a state within the limit
    /// always has a next byte.
    func completionCost(_ state: State) -> Int {
        var owed = 0
        var owes = false
        for index in entities.indices where required & (1 << UInt8(index)) != 0 && state.found & (1 << UInt8(index)) == 0 {
            owed += length(index, state)
            owes = true
        }
        if owes { return owed + 1 }
        switch state.last {
        case .endMark: return 0
        case .other: return 1
        case .start, .space: return 2
        }
    }

    /// What the state expects next, for error messages.
    public func expectation(_ state: State, refused: UInt8?) -> String {
        func list(_ mask: UInt8) -> String {
            entities.indices.filter { mask & (1 << UInt8($0)) != 0 }.map { "{\(entities[$0].id)}" }.joined(separator: ", ")
        }
        switch state.phase {
        case .prefix:
            let position = Int(state.position)
            return position < prefix.count ? "the header byte \"\(String(decoding: [prefix[position]], as: UTF8.self))\"" : "nothing"
        case .cat:
            return "the cat's name: a capital letter, then letters, ' or - (at most \(Self.catLimit)), then the line end"
        case .nameKeyword:
            return "\"name \""
        case .name:
            return "name text or a reference (\(list(nameAllowed))), rendering to at most \(Self.nameLimit) characters without surrounding or double spaces"
        case .nameReference, .loreReference:
            return "the rest of one of \(list(state.candidates)) up to \"}\""
        case .loreKeyword:
            return "\"lore \""
        case .lore:
            let owed = required & ~state.found
            let owing = owed == 0 ? "" : "; it must still refer to \(list(owed))"
            return "lore prose or a reference (1-\(Self.maxSentences) sentences, at most \(Self.loreLimit) characters, the line ending after . ! or ?)\(owing)"
        case .end:
            return "\"</nft>\""
        case .done:
            return "nothing: the sample is complete"
        }
    }

    // MARK: Rendering

    /// The text a written name or lore stands for: `{cat}` becomes `cat`, every other `{id}` its
    /// entity's text. A reference that starts the text or a sentence (and, in a name, every
    /// reference) begins with a capital; elsewhere a leading "The " of a name becomes "the ".
    public func render(_ raw: String, cat: String, isName: Bool) -> String {
        var output = ""
        var rest = Substring(raw)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            output += rest[..<open]
            let id = rest[rest.index(after: open)..<close]
            var text = entities.first { $0.id == id }.map { $0.role == .cat ? cat : $0.text ?? "" } ?? String(id)
            let sentenceStart = output.isEmpty || output.hasSuffix(". ") || output.hasSuffix("! ") || output.hasSuffix("? ")
            if !output.isEmpty, !(sentenceStart && !isName), text.hasPrefix("The ") {
                text = "the " + text.dropFirst(4)
            }
            if sentenceStart || isName, let first = text.first, !text.hasPrefix("the ") {
                text = first.uppercased() + text.dropFirst()
            }
            output += text
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
