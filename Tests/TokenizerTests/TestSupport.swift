@testable import Tokenizer

/// A seeded generator, so random tests fail the same way every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Quest-like English, enough for merges to form without making debug-build tests slow.
enum TestCorpus {
    static let places = ["Catnip Meadows", "Whiskerwood", "Tabby Downs", "Saltwhisker Coast", "The Hissing Mire", "Purrington"]
    static let items = ["a silver bell", "three fish bones", "the lost mitten", "a ball of yarn", "the moon lantern"]
    static let verbs = ["Find", "Bring back", "Guard", "Deliver", "Search for"]
    static let people = ["old Marmalade", "the harbour cat", "Sir Fluffington", "a nervous kitten"]

    /// `count` samples, each a spec line, a title and a description between special tokens.
    static func samples(_ count: Int, seed: UInt64 = 7) -> [String] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let place = places.randomElement(using: &rng) ?? ""
            let item = items.randomElement(using: &rng) ?? ""
            let verb = verbs.randomElement(using: &rng) ?? ""
            let person = people.randomElement(using: &rng) ?? ""
            let reward = Int.random(in: 5...500, using: &rng)
            return "<|bos|><|spec|>{\"region\": \"\(place)\", \"item\": \"\(item)\", \"reward\": \(reward)}"
                + "<|title|>\(verb) \(item) in \(place)"
                + "<|desc|>\(person.prefix(1).uppercased() + person.dropFirst()) can't sleep until someone will \(verb.lowercased()) \(item).\n"
                + "It was last seen near \(place), quest #\(index).<|eos|>"
        }
    }

    /// A tokenizer trained on ``samples(_:seed:)``; quick enough to train in every test that needs one.
    static func trainedTokenizer() throws -> BPETokenizer {
        try BPETokenizer.train(texts: samples(400), vocabSize: 600)
    }

    /// Strings that stress round-tripping: every class of scalar, odd whitespace, broken-looking text.
    static let edgeCases: [String] = [
        "", " ", "  ", "\n", "\r\n", "\t", "\0", "a\0b", "\u{7F}\u{1B}[0m", "\u{85}\u{A0}\u{2028}\u{3000}",
        "Hello, world!", "   leading", "trailing   ", "I'm we'll they've 'tis WE'LL", "1,000.50 -42 ½ Ⅻ ٣٤",
        "naïve café", "e\u{301}\u{302}\u{303}", "🐈‍⬛🧶👩🏽‍🚀🇫🇷", "日本語のテキスト", "Привет мир", "مرحبا بالعالم",
        "\u{FEFF}bom", "\u{200B}zero\u{200D}width", "\u{10FFFF}\u{E000}", "<|bos|>", "<|bos", "|>", "<|eos|><|eos|>",
        "x<|pad|>y", String(repeating: "ab", count: 300), String(repeating: " ", count: 100), String(repeating: "🐈", count: 50),
    ]

    /// A random string drawn from ASCII, Latin-1, other scripts, combining marks, emoji and controls.
    static func randomString(length: Int, using rng: inout SplitMix64) -> String {
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x20...0x7E, 0x20...0x7E, 0x00...0x1F, 0x80...0xFF, 0x300...0x36F, 0x400...0x4FF,
            0x600...0x6FF, 0x3040...0x30FF, 0x4E00...0x4E80, 0x1F300...0x1F64F, 0x2000...0x206F, 0xE000...0xE010,
        ]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length {
            let range = ranges[Int.random(in: 0..<ranges.count, using: &rng)]
            if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { scalars.append(scalar) }
        }
        return String(scalars)
    }
}

extension BPETokenizer {
    func encodeAll(_ texts: [String]) -> [[Int32]] { texts.map { encode($0) } }
}
