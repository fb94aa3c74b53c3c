/// The SVG art for one seed: a pure function of the seed and the catalogue, byte for byte, on
/// any machine. The composer only pastes catalogue text and formats integers, so there is no
/// floating-point formatting or dictionary order for two machines to disagree on.
///
/// The document is self-contained (no scripts, no links, no external references) and drawn in
/// this order, later over earlier:
/// 1. background
/// 2. the pose's shadow
/// 3. the body silhouette stroked 6 wide in the outline colour, then filled with the primary colour
///    (so only the outer half of the stroke shows: a clean outline without seams where shapes overlap)
/// 4. markings at the canvas, chest, back, tail and paw anchors, clipped to the body silhouette
/// 5. the pose's details (leg lines, toes)
/// 6. the head at the head anchor: outline, fill, head markings clipped to the head, head details, face
/// 7. the accessory at the canvas, back, tail, paw, chest and head anchors
///
/// Anchored fragments are wrapped in `<g transform="translate(x y)">`; `{{token}}` placeholders
/// become the coat's `#rrggbb` colours. The two clip paths get ids ending in the last 16 hex
/// digits of the seed, so several cats inlined in one page do not share them.
public struct NFTArtwork: Hashable, Sendable {
    /// Width of the silhouette stroke; half of it shows as the outline.
    public static let outlineWidth = 6

    public let seed: NFTSeed
    public let parts: NFTParts
    /// The shared head from the catalogue the parts came from.
    public let head: NFTHead

    /// Picks the parts for `seed` from `catalog`.
    public init(seed: NFTSeed, catalog: NFTPartsCatalog) {
        self.seed = seed
        parts = catalog.parts(for: seed)
        head = catalog.head
    }

    /// The SVG document.
    ///
    /// - Parameter title: shown as the document's `<title>` (tooltips, screen readers); XML-escaped,
    ///   with characters XML 1.0 cannot hold dropped. Nil leaves the title out.
    public func svg(title: String? = nil) -> String {
        let palette = parts.coat.palette
        let anchors = parts.body.anchors
        let tag = String(seed.hex.suffix(16))
        let bodyClip = "nft-\(tag)-body"
        let headClip = "nft-\(tag)-head"
        func paint(_ fragment: String) -> String { Self.paint(fragment, palette) }
        func outlined(_ silhouette: String) -> String {
            "<g fill=\"\(palette.outline)\" stroke=\"\(palette.outline)\" stroke-width=\"\(Self.outlineWidth)\" stroke-linejoin=\"round\">\(silhouette)</g>"
                + "<g fill=\"\(palette.primary)\">\(silhouette)</g>"
        }
        func placed(_ fragments: [NFTAnchor: String], _ order: [NFTAnchor]) -> String {
            var out = ""
            for anchor in order {
                guard let fragment = fragments[anchor] else { continue }
                for point in anchors.points(for: anchor) {
                    out += anchor == .canvas ? paint(fragment) : "<g transform=\"translate(\(point.x) \(point.y))\">\(paint(fragment))</g>"
                }
            }
            return out
        }

        var lines: [String] = []
        let side = NFTArt.canvasSize
        lines.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(side)\" height=\"\(side)\">")
        if let title { lines.append("<title>\(Self.escapeXML(title))</title>") }
        lines.append("<defs><clipPath id=\"\(bodyClip)\">\(parts.body.silhouette)</clipPath>"
            + "<clipPath id=\"\(headClip)\">\(head.silhouette)</clipPath></defs>")
        lines.append(paint(parts.background.svg))
        if !parts.body.shadow.isEmpty { lines.append(paint(parts.body.shadow)) }
        lines.append(outlined(parts.body.silhouette))
        let bodyMarkings = placed(parts.markings.fragments, [.canvas, .chest, .back, .tail, .paws])
        if !bodyMarkings.isEmpty { lines.append("<g clip-path=\"url(#\(bodyClip))\">\(bodyMarkings)</g>") }
        if !parts.body.details.isEmpty { lines.append(paint(parts.body.details)) }
        var headLayer = "<g transform=\"translate(\(anchors.head.x) \(anchors.head.y))\">" + outlined(head.silhouette)
        if let headMarkings = parts.markings.fragments[.head] {
            headLayer += "<g clip-path=\"url(#\(headClip))\">\(paint(headMarkings))</g>"
        }
        headLayer += paint(head.details) + paint(parts.face.svg) + "</g>"
        lines.append(headLayer)
        let accessory = placed(parts.accessory.fragments, [.canvas, .back, .tail, .paws, .chest, .head])
        if !accessory.isEmpty { lines.append(accessory) }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Replaces each `{{token}}` with the palette's colour. The loader has checked every token.
    static func paint(_ fragment: String, _ palette: NFTPalette) -> String {
        let bytes = Array(fragment.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{") {
                var end = index + 2
                while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "}") && bytes[end + 1] == UInt8(ascii: "}")) { end += 1 }
                if end + 1 < bytes.count,
                   let token = NFTColorToken(rawValue: String(decoding: bytes[(index + 2)..<end], as: UTF8.self)) {
                    out.append(contentsOf: palette.color(for: token).utf8)
                    index = end + 2
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes `& < > " '` and drops what XML 1.0 cannot hold (C0 controls other than tab and
    /// line breaks, U+FFFE, U+FFFF), so any title keeps the document well formed.
    static func escapeXML(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
