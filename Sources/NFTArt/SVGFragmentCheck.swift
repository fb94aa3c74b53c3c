/// Why a catalogue SVG fragment was refused; the loader adds the file, entry and field.
enum FragmentProblem: Error, Hashable {
    case empty
    case unknownToken(String)
    /// Outside the whitelist: an element, attribute, character or reference that could run or fetch something.
    case unsafe(String)
    /// Not a well-formed list of shapes.
    case invalid(String)
}

/// Checks catalogue fragments against a whitelist, because the composer pastes them into the
/// SVG verbatim: whatever passes here is what players' browsers render.
///
/// A fragment is printable ASCII: a sequence of elements (no text, comments, entities or
/// declarations) drawn from `drawingElements`, with attributes from `geometryAttributes` and
/// `paintAttributes`, values in single or double quotes without `<`, `&`, `:`, `\` or `url(`.
/// Colour placeholders `{{name}}` must name an `NFTColorToken`. A silhouette is stricter:
/// shapes only, no `<g>`, no paint, since the composer paints it and reuses it as a clip path.
enum SVGFragmentCheck {
    static let drawingElements: Set<String> = ["g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon"]
    static let silhouetteElements: Set<String> = ["path", "circle", "ellipse", "rect", "polygon"]
    static let geometryAttributes: Set<String> = [
        "d", "cx", "cy", "r", "rx", "ry", "x", "y", "width", "height", "x1", "y1", "x2", "y2", "points", "transform",
    ]
    static let paintAttributes: Set<String> = [
        "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
        "stroke-opacity", "stroke-dasharray", "stroke-miterlimit", "opacity",
    ]

    /// Nil when `fragment` may be pasted into an NFT; otherwise the first problem found.
    static func problem(in fragment: String, silhouette: Bool) -> FragmentProblem? {
        let bytes = Array(fragment.utf8)
        if bytes.allSatisfy(isSpace) { return .empty }
        for byte in bytes where !(isSpace(byte) || (0x20...0x7E).contains(byte)) {
            return .unsafe("it contains byte 0x\(hexByte(byte)); fragments are printable ASCII only")
        }
        if let problem = tokenProblem(bytes) { return problem }
        return markupProblem(bytes, silhouette: silhouette)
    }

    /// Every `{` must open a `{{name}}` with a known name, and every `}` must close one.
    static func tokenProblem(_ bytes: [UInt8]) -> FragmentProblem? {
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") else {
                    return .invalid("a lone '{'; placeholders are written {{name}}")
                }
                var end = index + 2
                while end < bytes.count, bytes[end] != UInt8(ascii: "}"), bytes[end] != UInt8(ascii: "{") { end += 1 }
                let name = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "}"), bytes[end + 1] == UInt8(ascii: "}") else {
                    return .unknownToken("{{\(name)")
                }
                guard NFTColorToken(rawValue: name) != nil else { return .unknownToken(name) }
                index = end + 2
            case UInt8(ascii: "}"):
                return .invalid("a lone '}'; placeholders are written {{name}}")
            default:
                index += 1
            }
        }
        return nil
    }

    /// Walks the tags, checking names, attributes, values and nesting.
    static func markupProblem(_ bytes: [UInt8], silhouette: Bool) -> FragmentProblem? {
        let elements = silhouette ? silhouetteElements : drawingElements
        var open: [String] = []
        var index = 0
        func skipSpace() { while index < bytes.count, isSpace(bytes[index]) { index += 1 } }
        func readName() -> String {
            let start = index
            while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        while index < bytes.count {
            if isSpace(bytes[index]) { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "<") else {
                return .invalid("text outside an element; fragments hold shapes only")
            }
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "!") || bytes[index] == UInt8(ascii: "?") {
                return .unsafe("comments, declarations and processing instructions are not allowed")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "/") {
                index += 1
                let name = readName()
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { return .invalid("</\(name) is not closed with '>'") }
                index += 1
                guard let last = open.popLast(), last == name else {
                    return .invalid("</\(name)> does not close the element that is open")
                }
                continue
            }
            let name = readName()
            guard !name.isEmpty else { return .invalid("'<' is not followed by an element name") }
            guard elements.contains(name) else {
                return .unsafe("element <\(name)> is not allowed; use \(elements.sorted().joined(separator: ", "))")
            }
            var seen: Set<String> = []
            while true {
                skipSpace()
                guard index < bytes.count else { return .invalid("<\(name) is never closed with '>'") }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    open.append(name)
                    break
                }
                if bytes[index] == UInt8(ascii: "/") {
                    guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") else {
                        return .invalid("'/' inside <\(name)> is not followed by '>'")
                    }
                    index += 2
                    break
                }
                let attribute = readName()
                guard !attribute.isEmpty else { return .invalid("unexpected character inside <\(name)>") }
                guard geometryAttributes.contains(attribute) || paintAttributes.contains(attribute) else {
                    return .unsafe("attribute \(attribute) on <\(name)> is not allowed")
                }
                if silhouette, paintAttributes.contains(attribute) {
                    return .invalid("silhouette shapes take no paint (\(attribute)); the composer outlines and fills them")
                }
                guard seen.insert(attribute).inserted else { return .invalid("attribute \(attribute) appears twice on <\(name)>") }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                    return .invalid("attribute \(attribute) on <\(name)> has no value")
                }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else {
                    return .invalid("the value of \(attribute) on <\(name)> is not quoted")
                }
                let quote = bytes[index]
                index += 1
                let start = index
                while index < bytes.count, bytes[index] != quote { index += 1 }
                guard index < bytes.count else { return .invalid("the value of \(attribute) on <\(name)> is never closed") }
                let value = bytes[start..<index]
                index += 1
                if let bad = value.first(where: { "<&:\\".utf8.contains($0) }) {
                    return .unsafe("the value of \(attribute) on <\(name)> contains '\(Character(Unicode.Scalar(bad)))'")
                }
                if String(decoding: value, as: UTF8.self).lowercased().contains("url(") {
                    return .unsafe("the value of \(attribute) on <\(name)> references url(); fragments may not point elsewhere")
                }
            }
        }
        if let unclosed = open.last { return .invalid("<\(unclosed)> is never closed") }
        return nil
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
