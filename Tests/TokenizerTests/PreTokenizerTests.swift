import Testing
@testable import Tokenizer

/// Expected pieces are what `tokenizers` 0.23.3 `ByteLevel(add_prefix_space=False)` gives,
/// each decoded back from byte-level characters.
@Suite struct PreTokenizerTests {
    static let cases: [(String, [String])] = [
        ("Hi  there\n\n  x's 42!", ["Hi", " ", " there", "\n\n ", " x", "'s", " 42", "!"]),
        ("   leading", ["  ", " leading"]),
        ("trailing   ", ["trailing", "   "]),
        ("a\tb\t\tc", ["a", "\t", "b", "\t", "\t", "c"]),
        ("line1\nline2\r\n", ["line", "1", "\n", "line", "2", "\r\n"]),
        ("I'm we'll they've she'd it's can't WE'LL 'tis",
         ["I", "'m", " we", "'ll", " they", "'ve", " she", "'d", " it", "'s", " can", "'t", " WE", "'", "LL", " '", "tis"]),
        ("1234567 3.14 -42 1,000", ["1234567", " 3", ".", "14", " -", "42", " 1", ",", "000"]),
        ("hello!!! ...what?", ["hello", "!!!", " ...", "what", "?"]),
        ("Привет мир", ["Привет", " мир"]),
        ("日本語のテキスト", ["日本語のテキスト"]),
        ("naïve café", ["naïve", " café"]),
        ("e\u{301} ", ["e", "\u{301}", " "]),
        ("emoji 🐈\u{200D}⬛ cat", ["emoji", " 🐈\u{200D}⬛", " cat"]),
        ("x\u{A0}y", ["x", "\u{A0}", "y"]),
        ("x\u{A0} y", ["x", "\u{A0}", " y"]),
        ("  \n  ", ["  \n  "]),
        ("", []),
        (" ", [" "]),
        ("!", ["!"]),
        ("@user #tag $5", ["@", "user", " #", "tag", " $", "5"]),
        ("a  b   c", ["a", " ", " b", "  ", " c"]),
        ("tab\t x", ["tab", "\t", " x"]),
        ("a\r\n\r\nb", ["a", "\r\n\r", "\n", "b"]),
        ("a\u{1C}\u{1C}b", ["a", "\u{1C}\u{1C}", "b"]),
        ("a\u{85}\u{85}b", ["a", "\u{85}", "\u{85}", "b"]),
        ("a\u{200B}\u{200B}b", ["a", "\u{200B}\u{200B}", "b"]),
        ("٣٤ab Ⅻx ²x", ["٣٤", "ab", " Ⅻ", "x", " ²", "x"]),
    ]

    @Test(arguments: cases.indices)
    func splitsLikeTheTokenizersByteLevelPreTokenizer(_ index: Int) {
        let (text, expected) = Self.cases[index]
        #expect(ByteLevelPreTokenizer.split(text) == expected)
    }

    @Test func piecesAlwaysConcatenateToTheText() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<500 {
            let text = TestCorpus.randomString(length: Int.random(in: 0..<60, using: &rng), using: &rng)
            #expect(ByteLevelPreTokenizer.split(text).joined() == text)
        }
    }

    @Test func aSpaceJoinsOnlyTheRunAfterIt() {
        #expect(ByteLevelPreTokenizer.split("a ") == ["a", " "])
        #expect(ByteLevelPreTokenizer.split(" \n") == [" \n"])
        #expect(ByteLevelPreTokenizer.split("\n x") == ["\n", " x"])
    }

    @Test func scalarsNewerThanUnicode16AreClassedAsUnassigned() {
        // U+323B0, a CJK ideograph of Unicode 17.0, is a letter to Swift 6.3 but unassigned
        // to the Oniguruma in `tokenizers`; U+31350 (Unicode 15.0) is a letter to both.
        #expect(ByteLevelPreTokenizer.split("a\u{323B0}") == ["a", "\u{323B0}"])
        #expect(ByteLevelPreTokenizer.split("a\u{31350}") == ["a\u{31350}"])
    }

    @Test func contractionsAreCaseSensitiveAndASCII() {
        #expect(ByteLevelPreTokenizer.split("it'S") == ["it", "'", "S"])
        #expect(ByteLevelPreTokenizer.split("it’s") == ["it", "’", "s"])
    }
}
