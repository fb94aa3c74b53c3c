import PurrCrypto
import Testing
@testable import TransparencyLog

@Suite struct HashTests {
    @Test("A hash round-trips through hex in either case")
    func hexRoundTrip() throws {
        let text = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        let parsed = try Hash(hex: text.uppercased())
        #expect(parsed.hex == text)
        #expect(parsed.description == text)
        #expect(try Hash(bytes: parsed.bytes) == parsed)
        #expect(parsed.bytes.count == 32)
    }

    @Test("Bad hex or a wrong length is refused, naming the field")
    func badInput() {
        #expect(throws: LogFormatError.invalidHex(field: "hash")) { try Hash(hex: "xy") }
        #expect(throws: LogFormatError.invalidHex(field: "leafHash")) { try Hash(hex: "abc", field: "leafHash") }
        #expect(throws: LogFormatError.wrongLength(field: "hash", expected: 32, got: 33)) {
            try Hash(hex: String(repeating: "00", count: 33))
        }
        #expect(throws: LogFormatError.wrongLength(field: "hash", expected: 32, got: 0)) { try Hash(bytes: [UInt8]()) }
        #expect(LogFormatError.invalidHex(field: "x").code == "invalid_hex")
        #expect(LogFormatError.wrongLength(field: "x", expected: 32, got: 1).code == "wrong_length")
        #expect(LogFormatError.wrongLength(field: "rootHash", expected: 32, got: 1).message.contains("\"rootHash\""))
    }

    @Test("Leaf and node hashes are domain-separated")
    func domainSeparation() {
        let a = Hash.leaf(Array("Hello".utf8))
        let b = Hash.leaf(Array("World".utf8))
        let node = Hash.node(left: a, right: b)
        #expect(node != Hash.leaf(a.bytes + b.bytes))
        #expect(node != Hash.node(left: b, right: a))
        #expect(node.bytes == SHA256.hash([0x01] + a.bytes + b.bytes))
    }
}
