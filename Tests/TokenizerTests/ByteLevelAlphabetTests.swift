import Testing
@testable import Tokenizer

@Suite struct ByteLevelAlphabetTests {
    @Test func spaceAndNewlineHaveTheirGPT2StandIns() {
        #expect(ByteLevelAlphabet.string(for: Array(" the\n".utf8)) == "Ġthe\u{10A}")
    }

    @Test func everyByteRoundTripsThroughItsStandIn() {
        let all = (0...255).map(UInt8.init)
        let string = ByteLevelAlphabet.string(for: all)
        #expect(string.unicodeScalars.count == 256)
        #expect(ByteLevelAlphabet.bytes(for: string) == all)
    }

    @Test func aScalarOutsideTheAlphabetIsRejected() {
        #expect(ByteLevelAlphabet.bytes(for: "a b") == nil)   // a raw space is not in the alphabet
        #expect(ByteLevelAlphabet.bytes(for: "€") == nil)
        #expect(ByteLevelAlphabet.bytes(for: "é") == [0xE9])   // printable Latin-1 stands for itself
    }
}
