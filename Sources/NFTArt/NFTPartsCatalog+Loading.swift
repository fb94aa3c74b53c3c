import Foundation

extension NFTPartsCatalog {
    /// Loads and validates a parts catalogue file.
    ///
    /// ```swift
    /// let catalog = try NFTPartsCatalog.load(from: URL(fileURLWithPath: "assets/nft/parts.json"))
    /// ```
    /// - Throws: `NFTCatalogError` naming the file, the entry and the field that is wrong.
    public static func load(from url: URL) throws(NFTCatalogError) -> NFTPartsCatalog {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw NFTCatalogError(
                code: .unreadableFile, file: url.path,
                reason: "the file cannot be read (\(error.localizedDescription)); check the path and its permissions")
        }
        return try NFTPartsCatalog(data: data, file: url.path)
    }

    /// Loads `root/assets/nft/parts.json`, the catalogue the game ships.
    public static func loadDefault(root: URL) throws(NFTCatalogError) -> NFTPartsCatalog {
        try load(from: root.appendingPathComponent(NFTArt.catalogPath))
    }

    /// Validates a catalogue held in memory; `file` only names it in errors.
    /// - Throws: `NFTCatalogError` naming `file`, the entry and the field that is wrong.
    public init(data: Data, file: String = "<memory>") throws(NFTCatalogError) {
        self = try CatalogReader(file: file).read(data)
    }

    init(unchecked file: String, head: NFTHead, backgrounds: [NFTBackground], bodies: [NFTBody], coats: [NFTCoat],
         markings: [NFTOverlay], faces: [NFTFace], accessories: [NFTOverlay]) {
        self.file = file
        self.head = head
        self.backgrounds = backgrounds
        self.bodies = bodies
        self.coats = coats
        self.markings = markings
        self.faces = faces
        self.accessories = accessories
    }
}

/// Turns catalogue bytes into a validated `NFTPartsCatalog`, one layer at a time; the file
/// format is documented in assets/nft/README.md.
struct CatalogReader {
    static let supportedFormat: Int64 = 1
    static let maxWeight: Int64 = 1_000_000
    static let maxIDLength = 40

    let file: String

    func read(_ data: Data) throws(NFTCatalogError) -> NFTPartsCatalog {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw NFTCatalogError(
                code: .invalidJSON, file: file,
                reason: "the file is not valid JSON (\(Self.syntaxProblem(in: data) ?? Self.describe(error))); fix the syntax there")
        }
        guard case .object(let object) = value else {
            throw NFTCatalogError(code: .invalidJSON, file: file, reason: "the top level is \(value.kindName); it must be an object")
        }
        let top = Fields(object: object, file: file, entry: nil, prefix: "")
        try top.rejectUnknown(["format", "comment", "head"] + NFTLayer.allCases.map(\.catalogKey))
        guard case .integer(let format)? = object["format"], format == Self.supportedFormat else {
            throw top.fail(.unsupportedFormat, "format", "this loader reads \"format\": \(Self.supportedFormat); write that number")
        }
        _ = try top.optionalString("comment")
        guard let headFields = try top.nested("head", entryName: "head") else {
            throw top.fail(.missingLayer, "head", "the shared \"head\" object is missing; add one with a silhouette")
        }
        try headFields.rejectUnknown(["silhouette", "details"])
        let head = NFTHead(
            silhouette: try headFields.fragment("silhouette", silhouette: true),
            details: try headFields.optionalFragment("details") ?? "")

        let backgrounds = try list(.background, top) { (entry: Entry) throws(NFTCatalogError) in
            try entry.fields.rejectUnknown(Entry.common + ["svg"])
            return NFTBackground(id: entry.id, name: entry.name, weight: entry.weight, svg: try entry.fields.fragment("svg"))
        }
        let bodies = try list(.body, top) { (entry: Entry) throws(NFTCatalogError) in
            try entry.fields.rejectUnknown(Entry.common + ["lore", "shadow", "silhouette", "details", "anchors"])
            return NFTBody(
                id: entry.id, name: entry.name, weight: entry.weight, lore: try entry.fields.lore(),
                shadow: try entry.fields.optionalFragment("shadow") ?? "",
                silhouette: try entry.fields.fragment("silhouette", silhouette: true),
                details: try entry.fields.optionalFragment("details") ?? "",
                anchors: try entry.fields.anchors())
        }
        let coats = try list(.coat, top) { (entry: Entry) throws(NFTCatalogError) in
            try entry.fields.rejectUnknown(Entry.common + ["lore", "colors"])
            return NFTCoat(id: entry.id, name: entry.name, weight: entry.weight, lore: try entry.fields.lore(),
                           palette: try entry.fields.palette())
        }
        let markings = try list(.markings, top) { (entry: Entry) throws(NFTCatalogError) in
            try entry.fields.rejectUnknown(Entry.common + ["lore", "svg"])
            return NFTOverlay(id: entry.id, name: entry.name, weight: entry.weight, lore: try entry.fields.lore(),
                              fragments: try entry.fields.anchoredFragments())
        }
        let faces = try list(.face, top) { (entry: Entry) throws(NFTCatalogError) in
            try entry.fields.rejectUnknown(Entry.common + ["svg"])
            return NFTFace(id: entry.id, name: entry.name, weight: entry.weight, svg: try entry.fields.fragment("svg"))
        }
        let accessories = try list(.accessory, top) { (entry: Entry) throws(NFTCatalogError) in
            try entry.fields.rejectUnknown(Entry.common + ["lore", "svg"])
            return NFTOverlay(id: entry.id, name: entry.name, weight: entry.weight, lore: try entry.fields.lore(),
                              fragments: try entry.fields.anchoredFragments())
        }
        return NFTPartsCatalog(
            unchecked: file, head: head, backgrounds: backgrounds, bodies: bodies, coats: coats,
            markings: markings, faces: faces, accessories: accessories)
    }

    /// The fields every entry has, read and checked before the layer's own.
    struct Entry {
        static let common = ["id", "name", "weight"]
        let fields: Fields
        let id: String
        let name: String
        let weight: Int
    }

    /// Reads one layer's list: present, non-empty, each entry an object with a unique id.
    func list<Part>(
        _ layer: NFTLayer, _ top: Fields, _ make: (Entry) throws(NFTCatalogError) -> Part
    ) throws(NFTCatalogError) -> [Part] {
        let key = layer.catalogKey
        guard let value = top.object[key] else {
            throw top.fail(.missingLayer, key, "the \"\(key)\" list is missing; every catalogue needs at least one \(layer.rawValue)")
        }
        guard case .array(let items) = value else {
            throw top.fail(.wrongType, key, "\"\(key)\" is \(value.kindName); it must be a list of entries")
        }
        guard !items.isEmpty else {
            throw top.fail(.missingLayer, key, "the \"\(key)\" list is empty; add at least one \(layer.rawValue)")
        }
        var seen: Set<String> = []
        var parts: [Part] = []
        for (index, item) in items.enumerated() {
            guard case .object(let object) = item else {
                throw NFTCatalogError(
                    code: .wrongType, file: file, entry: "\(key)[\(index)]",
                    reason: "the entry is \(item.kindName); it must be an object with an id, a name and fragments")
            }
            var entryName = "\(key)[\(index)]"
            if case .string(let id)? = object["id"] { entryName += " \"\(id)\"" }
            let fields = Fields(object: object, file: file, entry: entryName, prefix: "")
            let id = try fields.id()
            guard seen.insert(id).inserted else {
                throw fields.fail(.duplicateID, "id", "another \(layer.rawValue) already has the id \"\(id)\"; ids must be unique within a layer")
            }
            let entry = Entry(fields: fields, id: id, name: try fields.displayName(), weight: try fields.weight())
            parts.append(try make(entry))
        }
        return parts
    }

    /// Where the JSON syntax breaks, e.g. "Unexpected end of file around line 1, column 22.":
    /// `JSONDecoder` on Linux says only that the data is invalid, `JSONSerialization` says where.
    static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return nil
        } catch {
            return (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        }
    }

    /// A decoder error in one line, with the position when the decoder gives one.
    static func describe(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        if let underlying = context.underlyingError { return "\(context.debugDescription) \(underlying)" }
        return context.debugDescription
    }
}

/// One JSON object of the catalogue, with the entry it belongs to, so every check names its field.
struct Fields {
    let object: [String: JSONValue]
    let file: String
    let entry: String?
    /// Prepended to field names of nested objects, e.g. "anchors.".
    let prefix: String

    func fail(_ code: NFTCatalogError.Code, _ key: String, _ reason: String) -> NFTCatalogError {
        NFTCatalogError(code: code, file: file, entry: entry, field: prefix + key, reason: reason)
    }

    func rejectUnknown(_ allowed: [String]) throws(NFTCatalogError) {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail(.unknownField, unknown, "\"\(unknown)\" is not a field here (a typo?); the fields are \(allowed.joined(separator: ", "))")
        }
    }

    func optionalString(_ key: String) throws(NFTCatalogError) -> String? {
        guard let value = object[key] else { return nil }
        guard case .string(let text) = value else {
            throw fail(.wrongType, key, "\(key) is \(value.kindName); it must be a string")
        }
        return text
    }

    func string(_ key: String) throws(NFTCatalogError) -> String {
        guard let text = try optionalString(key) else { throw fail(.missingField, key, "\(key) is missing; add it") }
        return text
    }

    /// A nested object; `entryName` names it when it is itself the entry (the shared head).
    func nested(_ key: String, entryName: String? = nil) throws(NFTCatalogError) -> Fields? {
        guard let value = object[key] else { return nil }
        guard case .object(let inner) = value else {
            throw fail(.wrongType, key, "\(key) is \(value.kindName); it must be an object")
        }
        if let entryName { return Fields(object: inner, file: file, entry: entryName, prefix: "") }
        return Fields(object: inner, file: file, entry: entry, prefix: prefix + key + ".")
    }

    func id() throws(NFTCatalogError) -> String {
        let id = try string("id")
        let valid = !id.isEmpty && id.count <= CatalogReader.maxIDLength
            && id.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-")
            }
            && !id.hasPrefix("-") && !id.hasSuffix("-")
        guard valid else {
            throw fail(.invalidID, "id",
                       "\"\(id)\" is not a valid id; use 1 to \(CatalogReader.maxIDLength) lower-case letters, digits and inner hyphens")
        }
        return id
    }

    func displayName() throws(NFTCatalogError) -> String {
        let name = try string("name")
        if let problem = TextRules.problem(in: name, limit: NFTMetadata.attributeLimit, allowEmpty: false) {
            throw fail(.invalidName, "name", "the display name \(problem.phrase); it becomes an attribute value")
        }
        return name
    }

    func weight() throws(NFTCatalogError) -> Int {
        guard let value = object["weight"] else { return NFTPartsCatalog.defaultWeight }
        guard case .integer(let weight) = value else {
            throw fail(.invalidWeight, "weight",
                       "weight is \(value.kindName) that is not a whole number; write a whole number from 1 to \(CatalogReader.maxWeight)")
        }
        guard (1...CatalogReader.maxWeight).contains(weight) else {
            throw fail(.invalidWeight, "weight",
                       "weight is \(weight); it must be from 1 to \(CatalogReader.maxWeight) (leave it out for \(NFTPartsCatalog.defaultWeight))")
        }
        return Int(weight)
    }

    func lore() throws(NFTCatalogError) -> String? {
        guard let lore = try optionalString("lore") else { return nil }
        if let problem = TextRules.problem(in: lore, limit: 120, allowEmpty: false) {
            throw fail(.invalidName, "lore", "the lore phrase \(problem.phrase); leave it out to say nothing")
        }
        return lore
    }

    func optionalFragment(_ key: String, silhouette: Bool = false) throws(NFTCatalogError) -> String? {
        guard let fragment = try optionalString(key) else { return nil }
        guard let problem = SVGFragmentCheck.problem(in: fragment, silhouette: silhouette) else { return fragment }
        switch problem {
        case .empty:
            throw fail(.emptyFragment, key, "the SVG fragment is empty; draw something or leave the field out")
        case .unknownToken(let token):
            let known = NFTColorToken.allCases.map { "{{\($0.rawValue)}}" }.joined(separator: ", ")
            throw fail(.unknownToken, key, "the placeholder \"\(token)\" is unknown; use one of \(known)")
        case .unsafe(let detail):
            throw fail(.unsafeFragment, key, "the SVG fragment is refused: \(detail)")
        case .invalid(let detail):
            throw fail(.invalidFragment, key, "the SVG fragment is not well formed: \(detail)")
        }
    }

    func fragment(_ key: String, silhouette: Bool = false) throws(NFTCatalogError) -> String {
        guard let fragment = try optionalFragment(key, silhouette: silhouette) else {
            throw fail(.missingField, key, "\(key) is missing; add an SVG fragment")
        }
        return fragment
    }

    /// The `svg` object of markings and accessories: anchor name to fragment; may be empty.
    func anchoredFragments() throws(NFTCatalogError) -> [NFTAnchor: String] {
        guard let svg = try nested("svg") else { throw fail(.missingField, "svg", "svg is missing; write {} to draw nothing") }
        var fragments: [NFTAnchor: String] = [:]
        for key in svg.object.keys.sorted() {
            guard let anchor = NFTAnchor(rawValue: key) else {
                let names = NFTAnchor.allCases.map(\.rawValue).joined(separator: ", ")
                throw svg.fail(.invalidAnchor, key, "\"\(key)\" is not an anchor; use \(names)")
            }
            fragments[anchor] = try svg.fragment(key)
        }
        return fragments
    }

    func palette() throws(NFTCatalogError) -> NFTPalette {
        guard let colors = try nested("colors") else { throw fail(.missingField, "colors", "colors is missing; give a #rrggbb value for each placeholder") }
        try colors.rejectUnknown(NFTColorToken.allCases.map(\.rawValue))
        func color(_ token: NFTColorToken) throws(NFTCatalogError) -> String {
            let value = try colors.string(token.rawValue)
            let bytes = Array(value.utf8)
            let valid = bytes.count == 7 && bytes[0] == UInt8(ascii: "#") && bytes.dropFirst().allSatisfy(Self.isHexDigit)
            guard valid else { throw colors.fail(.invalidColor, token.rawValue, "\"\(value)\" is not a colour; write #rrggbb") }
            return value
        }
        return NFTPalette(
            primary: try color(.primary), secondary: try color(.secondary), light: try color(.light),
            eye: try color(.eye), nose: try color(.nose), outline: try color(.outline))
    }

    func anchors() throws(NFTCatalogError) -> NFTBodyAnchors {
        guard let anchors = try nested("anchors") else {
            throw fail(.missingField, "anchors", "anchors is missing; give head, chest, back, tail and paws points")
        }
        try anchors.rejectUnknown(["head", "chest", "back", "tail", "paws"])
        guard let pawsValue = anchors.object["paws"] else {
            throw anchors.fail(.missingField, "paws", "paws is missing; give a list of [x, y] points (may be empty)")
        }
        guard case .array(let pawList) = pawsValue else {
            throw anchors.fail(.invalidAnchor, "paws", "paws must be a list of [x, y] points")
        }
        var paws: [NFTPoint] = []
        for (index, paw) in pawList.enumerated() {
            paws.append(try anchors.point(paw, field: "paws[\(index)]"))
        }
        func single(_ key: String) throws(NFTCatalogError) -> NFTPoint {
            guard let value = anchors.object[key] else { throw anchors.fail(.missingField, key, "\(key) is missing; give an [x, y] point") }
            return try anchors.point(value, field: key)
        }
        return NFTBodyAnchors(head: try single("head"), chest: try single("chest"), back: try single("back"), tail: try single("tail"), paws: paws)
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    func point(_ value: JSONValue, field: String) throws(NFTCatalogError) -> NFTPoint {
        let range = Int64(0)...Int64(NFTArt.canvasSize)
        guard case .array(let pair) = value, pair.count == 2,
              case .integer(let x) = pair[0], case .integer(let y) = pair[1], range.contains(x), range.contains(y) else {
            throw fail(.invalidAnchor, field, "an anchor is [x, y] in whole numbers from 0 to \(NFTArt.canvasSize)")
        }
        return NFTPoint(x: Int(x), y: Int(y))
    }
}
