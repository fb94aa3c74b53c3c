/// A non-negative quantity of PUR, counted in integer micro-PUR (1 PUR = 1,000,000 micro-PUR).
///
/// Integers make every movement exact: no rounding can create or lose value. All arithmetic is
/// checked and returns `nil` instead of wrapping or going negative. In JSON an amount is a decimal
/// string (`"2500000"`), never a number, so that no client parses it into a lossy double.
///
/// ```swift
/// let fee = Amount.pur(2)                              // 2,000,000 micro-PUR
/// let price = Amount(decimalString: "2500000")         // 2.5 PUR
/// let total = fee.adding(price ?? .zero)               // nil only on overflow
/// ```
public struct Amount: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The amount in micro-PUR; never negative.
    public let micro: Int64

    /// Micro-PUR in one PUR.
    public static let microPerPUR: Int64 = 1_000_000

    /// No PUR at all.
    public static let zero = Amount(unchecked: 0)

    /// The largest representable amount, which is also the cap on total supply.
    public static let max = Amount(unchecked: Int64.max)

    /// Wraps a micro-PUR count, refusing negative values.
    /// - Parameter micro: The amount in micro-PUR.
    public init?(micro: Int64) {
        guard micro >= 0 else { return nil }
        self.micro = micro
    }

    /// Whole PUR from a value that came from input; `nil` if negative or too large to represent.
    public init?(pur whole: Int64) {
        let (micro, overflow) = whole.multipliedReportingOverflow(by: Self.microPerPUR)
        guard whole >= 0, !overflow else { return nil }
        self.micro = micro
    }

    init(unchecked micro: Int64) {
        self.micro = micro
    }

    /// Whole PUR, for constants written in code (`.pur(100)`).
    ///
    /// - Precondition: `whole` is in `0...9_223_372_036_854`; use ``init(pur:)`` for values from input.
    public static func pur(_ whole: Int64) -> Amount {
        guard let amount = Amount(pur: whole) else {
            preconditionFailure("Amount.pur(\(whole)) is negative or overflows micro-PUR")
        }
        return amount
    }

    /// Parses the wire form: 1 to 19 ASCII digits, no sign, spaces or leading zeros (except `"0"`).
    ///
    /// The form is strict so that one amount has exactly one spelling, which keeps request hashes
    /// and signed payloads unambiguous.
    public init?(decimalString: String) {
        let bytes = decimalString.utf8
        guard (1...19).contains(bytes.count) else { return nil }
        if bytes.count > 1, bytes.first == UInt8(ascii: "0") { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = next
        }
        self.micro = value
    }

    /// The wire form: the micro-PUR count in decimal digits.
    public var decimalString: String { String(micro) }

    /// A person-readable form such as `2.5 PUR`, for messages and logs.
    public var description: String {
        let whole = micro / Self.microPerPUR
        let fraction = micro % Self.microPerPUR
        guard fraction != 0 else { return "\(whole) PUR" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.last == "0" { digits.removeLast() }
        return "\(whole).\(digits) PUR"
    }

    /// The sum, or `nil` if it would overflow.
    public func adding(_ other: Amount) -> Amount? {
        let (sum, overflow) = micro.addingReportingOverflow(other.micro)
        return overflow ? nil : Amount(unchecked: sum)
    }

    /// The difference, or `nil` if `other` is larger (amounts never go negative).
    public func subtracting(_ other: Amount) -> Amount? {
        guard other.micro <= micro else { return nil }
        return Amount(unchecked: micro - other.micro)
    }

    /// The product, or `nil` if `factor` is negative or the result would overflow.
    public func multiplied(by factor: Int64) -> Amount? {
        guard factor >= 0 else { return nil }
        let (product, overflow) = micro.multipliedReportingOverflow(by: factor)
        return overflow ? nil : Amount(unchecked: product)
    }

    /// Orders amounts by size.
    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.micro < rhs.micro }

    /// Decodes the decimal-string wire form; a JSON number or a malformed string is an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let amount = Amount(decimalString: text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "amount must be a string of 1 to 19 digits of micro-PUR without sign or leading zeros, got \"\(text.prefix(40))\""
            )
        }
        self = amount
    }

    /// Encodes the decimal-string wire form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}
