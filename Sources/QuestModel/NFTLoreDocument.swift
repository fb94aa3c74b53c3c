import NFTArt

/// Why a text is not an NFT lore sample.
public struct NFTLoreParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case malformed = "nft_lore.malformed"
        case refusedByGrammar = "nft_lore.refused_by_grammar"
        case invalidMetadata = "nft_lore.invalid_metadata"
    }

    public var code: Code
    public var reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(reason) [\(code.rawValue)]" }
}

/// One NFT lore sample, the form the corpus holds and the model writes:
///
/// ```
/// <nft> whiskerwood owlbane-tower ginger tabby wizard-hat sitting
/// cat Bramble
/// name {cat} the Lamplighter of {owlbane-tower}
/// lore {cat} is a {ginger} cat with {tabby} who {sitting} near {owlbane-tower}. ...
/// </nft>
/// ```
/// `name` and `lore` hold the text as written, references included; `NFTLoreGrammar.render`
/// turns them into the NFT's name and description. The format is documented byte for byte in
/// quests/README.md; `NFTLoreGrammar` enforces it.
public struct NFTLoreDocument: Hashable, Sendable {
    public var region: String
    public var pointOfInterest: String?
    public var coat: String
    public var markings: String
    public var accessory: String
    public var pose: String
    /// The cat's own name, what `{cat}` stands for.
    public var cat: String
    /// The NFT's name as written, e.g. `{cat} the Lamplighter of {owlbane-tower}`.
    public var name: String
    /// The lore as written.
    public var lore: String

    public static let headerKeyword = "<nft>"
    public static let closingLine = "</nft>"

    public init(
        region: String, pointOfInterest: String?, coat: String, markings: String, accessory: String, pose: String,
        cat: String, name: String, lore: String
    ) {
        self.region = region
        self.pointOfInterest = pointOfInterest
        self.coat = coat
        self.markings = markings
        self.accessory = accessory
        self.pose = pose
        self.cat = cat
        self.name = name
        self.lore = lore
    }

    /// The first line.
    public var header: String {
        "\(Self.headerKeyword) \(region) \(pointOfInterest ?? "-") \(coat) \(markings) \(accessory) \(pose)"
    }

    /// The whole sample, from `<nft>` to `</nft>`.
    public var text: String { "\(header)\ncat \(cat)\nname \(name)\nlore \(lore)\n\(Self.closingLine)" }

    /// The name and description for the NFT's metadata, references rendered by `grammar`.
    public func nftLore(_ grammar: NFTLoreGrammar) -> NFTLore {
        NFTLore(name: grammar.render(name, cat: cat, isName: true), description: grammar.render(lore, cat: cat, isName: false))
    }

    /// Splits a sample into its fields: five lines, the header with six ids.
    /// - Throws: `NFTLoreParseError.malformed` naming the line that is wrong.
    public static func parse(_ text: String) throws(NFTLoreParseError) -> NFTLoreDocument {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5 else {
            throw NFTLoreParseError(code: .malformed, reason: "a sample has 5 lines (header, cat, name, lore, \(closingLine)); this one has \(lines.count)")
        }
        guard let fields = headerFields(String(lines[0])) else {
            throw NFTLoreParseError(code: .malformed, reason: "line 1 is not \"<nft>\" and six ids: \(lines[0])")
        }
        for (index, keyword) in ["cat ", "name ", "lore "].enumerated() where !lines[index + 1].hasPrefix(keyword) {
            throw NFTLoreParseError(code: .malformed, reason: "line \(index + 2) must start with \"\(keyword)\"")
        }
        guard lines[4] == closingLine else { throw NFTLoreParseError(code: .malformed, reason: "line 5 must be \(closingLine)") }
        return NFTLoreDocument(
            region: fields[0], pointOfInterest: fields[1] == "-" ? nil : fields[1], coat: fields[2], markings: fields[3],
            accessory: fields[4], pose: fields[5], cat: String(lines[1].dropFirst(4)), name: String(lines[2].dropFirst(5)),
            lore: String(lines[3].dropFirst(5)))
    }

    /// Parses a sample under `grammar`, byte by byte, renders it and checks the result as NFT
    /// metadata.
    /// - Throws: `NFTLoreParseError` for a malformed sample, a byte the grammar refuses (with
    ///   what it expected) or a name or lore that `NFTMetadata` refuses.
    public static func parse(_ text: String, grammar: NFTLoreGrammar) throws(NFTLoreParseError) -> (document: NFTLoreDocument, lore: NFTLore) {
        var state = grammar.start
        let bytes = Array(text.utf8)
        for (offset, byte) in bytes.enumerated() {
            let before = state
            guard grammar.advance(&state, byte) else {
                let line = bytes[..<offset].filter { $0 == 0x0A }.count + 1
                throw NFTLoreParseError(
                    code: .refusedByGrammar,
                    reason: "byte \(offset) (line \(line), 0x\(String(byte, radix: 16))) is refused; expected \(grammar.expectation(before, refused: byte))")
            }
        }
        guard state.isComplete else {
            throw NFTLoreParseError(code: .refusedByGrammar, reason: "the sample stops early; expected \(grammar.expectation(state, refused: nil))")
        }
        let document = try parse(text)
        let lore = document.nftLore(grammar)
        do {
            try NFTMetadata.validate(name: lore.name, description: lore.description)
        } catch {
            throw NFTLoreParseError(code: .invalidMetadata, reason: error.description)
        }
        return (document, lore)
    }

    /// The six ids of a header line, or nil when it is not `<nft>` and six ids.
    static func headerFields(_ line: String) -> [String]? {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7, parts[0] == headerKeyword else { return nil }
        let ids = Array(parts.dropFirst())
        for (index, id) in ids.enumerated() where !(isID(id) || (index == 1 && id == "-")) { return nil }
        return ids
    }

    /// Lower-case letters, digits and hyphens, starting with a letter or digit: the world's and
    /// the catalogue's ids.
    static func isID(_ text: String) -> Bool {
        guard let first = text.utf8.first, first != 0x2D else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}
