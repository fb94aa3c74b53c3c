/// The restricted JSON that NFT metadata is made of: strings, lists and objects, nothing else,
/// so there is no number or literal formatting for two implementations to disagree on.
enum CanonicalJSON: Hashable, Sendable {
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical bytes: object keys sorted by code point, no insignificant whitespace, and
    /// only `"`, `\` and U+0000–U+001F escaped (as `\"`, `\\`, `\u00xx` in lower-case hex).
    var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out, indent: nil)
        return out
    }

    /// The same value indented by two spaces for people, ending in a newline. Its hash is not
    /// the id; ids come from `canonicalBytes` only.
    var pretty: String {
        var out: [UInt8] = []
        write(to: &out, indent: 0)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Keys in code-point order. UTF-8 byte order is code-point order; Swift's `<` on `String`
    /// is not (it compares canonically equivalent forms), so the bytes are compared.
    static func sortedKeys(_ object: [String: CanonicalJSON]) -> [String] {
        object.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    private func write(to out: inout [UInt8], indent: Int?) {
        switch self {
        case .string(let text):
            Self.writeString(text, to: &out)
        case .array(let items):
            writeContainer(open: "[", close: "]", count: items.count, indent: indent, to: &out) { index, out, inner in
                items[index].write(to: &out, indent: inner)
            }
        case .object(let object):
            let keys = Self.sortedKeys(object)
            writeContainer(open: "{", close: "}", count: keys.count, indent: indent, to: &out) { index, out, inner in
                Self.writeString(keys[index], to: &out)
                out.append(UInt8(ascii: ":"))
                if inner != nil { out.append(0x20) }
                object[keys[index]]?.write(to: &out, indent: inner)
            }
        }
    }

    private func writeContainer(
        open: Unicode.Scalar, close: Unicode.Scalar, count: Int, indent: Int?, to out: inout [UInt8],
        element: (Int, inout [UInt8], Int?) -> Void
    ) {
        out.append(UInt8(ascii: open))
        let inner = indent.map { $0 + 2 }
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if let inner { out.append(0x0A); out.append(contentsOf: repeatElement(0x20, count: inner)) }
            element(index, &out, inner)
        }
        if let indent, count > 0 { out.append(0x0A); out.append(contentsOf: repeatElement(0x20, count: indent)) }
        out.append(UInt8(ascii: close))
    }

    static func writeString(_ text: String, to out: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x00...0x1F:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
