/// The few JSON shapes a contract is made of, written one way only so that equal
/// contracts give equal bytes on every machine (see docs/contracts-language.md):
/// object keys sorted by their UTF-8 bytes, no whitespace, integers in plain decimal,
/// metres as fixed decimals with at most three places and no trailing zeros.
indirect enum CanonicalJSON: Hashable, Sendable {
    case integer(Int64)
    /// A value on the millimetre grid, written as `1200`, `12.5` or `-0.125`.
    case metres(Double)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical text; the caller has validated the value (finite metres within range).
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .integer(let value):
            out += String(value)
        case .metres(let value):
            out += Self.fixedDecimal(value)
        case .string(let value):
            Self.writeString(value, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                members[key]?.write(to: &out)
            }
            out += "}"
        }
    }

    /// Millimetres as an exact integer, then split: no binary-to-decimal conversion of a
    /// fraction ever happens, so no platform's float printing can change the text.
    static func fixedDecimal(_ value: Double) -> String {
        // Validation keeps values finite and within ±1e9 m; `null` only guards the trap.
        guard let millimetres = Int64(exactly: (value * 1_000).rounded(.toNearestOrAwayFromZero)) else { return "null" }
        guard millimetres != 0 else { return "0" }
        let magnitude = millimetres.magnitude
        var text = millimetres < 0 ? "-" : ""
        text += String(magnitude / 1_000)
        var fraction = magnitude % 1_000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let written = String(fraction)
            text += "." + String(repeating: "0", count: digits - written.count) + written
        }
        return text
    }

    /// JSON string escaping: `"` and `\` escaped, control characters as `\b \f \n \r \t`
    /// or `\u00xx` (lower-case hex), everything else as raw UTF-8.
    static func writeString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
