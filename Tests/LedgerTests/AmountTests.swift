import Foundation
import Testing
@testable import Ledger

@Suite("Amount")
struct AmountTests {
    @Test("Well-formed decimal strings parse to their micro-PUR value", arguments: [
        ("0", Int64(0)), ("1", 1), ("2500000", 2_500_000), ("9223372036854775807", Int64.max),
    ])
    func parsesGoodForms(text: String, micro: Int64) {
        #expect(Amount(decimalString: text)?.micro == micro)
        #expect(Amount(decimalString: text)?.decimalString == text)
    }

    @Test("Malformed decimal strings are refused", arguments: [
        "", "-1", "1.5", " 1", "1 ", "+1", "01", "00", "1e6", "0x10",
        "12345678901234567890",      // 20 digits
        "9223372036854775808",       // Int64.max + 1
        "9999999999999999999",       // 19 digits, overflows
        "\u{0661}",                  // ARABIC-INDIC DIGIT ONE
        "\u{FF11}",                  // FULLWIDTH DIGIT ONE
        "1\u{0000}",
    ])
    func refusesBadForms(text: String) {
        #expect(Amount(decimalString: text) == nil)
    }

    @Test("A negative micro count is refused")
    func refusesNegativeMicro() {
        #expect(Amount(micro: -1) == nil)
        #expect(Amount(micro: 0) == .zero)
    }

    @Test("Whole PUR converts to a million micro-PUR each and refuses what would overflow")
    func wholePUR() {
        #expect(Amount.pur(3).micro == 3_000_000)
        #expect(Amount(pur: Int64.max / 1_000_000)?.micro == Int64.max / 1_000_000 * 1_000_000)
        #expect(Amount(pur: Int64.max / 1_000_000 + 1) == nil)
        #expect(Amount(pur: -1) == nil)
    }

    @Test("Arithmetic returns nil instead of overflowing or going negative")
    func checkedArithmetic() {
        #expect(Amount.pur(2).adding(.pur(3)) == .pur(5))
        #expect(Amount.max.adding(Amount(micro: 1)!) == nil)
        #expect(Amount.pur(5).subtracting(.pur(2)) == .pur(3))
        #expect(Amount.pur(2).subtracting(.pur(5)) == nil)
        #expect(Amount.pur(2).multiplied(by: 3) == .pur(6))
        #expect(Amount.pur(2).multiplied(by: -1) == nil)
        #expect(Amount.max.multiplied(by: 2) == nil)
    }

    @Test("JSON carries an amount as a decimal string and refuses a number")
    func jsonIsAString() throws {
        let encoded = try JSONEncoder().encode([Amount(micro: 2_500_000)!])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["2500000"]"#)
        #expect(try JSONDecoder().decode([Amount].self, from: Data(#"["7"]"#.utf8)) == [Amount(micro: 7)!])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Amount].self, from: Data("[7]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Amount].self, from: Data(#"["07"]"#.utf8)) }
    }

    @Test("The description reads in PUR with only the fraction digits needed")
    func description() {
        #expect(Amount.pur(1).description == "1 PUR")
        #expect(Amount(micro: 2_500_000)!.description == "2.5 PUR")
        #expect(Amount(micro: 1)!.description == "0.000001 PUR")
    }
}
