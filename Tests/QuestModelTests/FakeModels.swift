import Foundation
import QuestModel
import World

/// A byte-level vocabulary shaped like a trained BPE one: all 256 bytes, then the most
/// frequent pre-tokens of the texts (a space plus letters, digit runs, punctuation runs),
/// then the most frequent pairs of adjacent pre-tokens (so tokens such as "}.\n" or
/// "\ntitle" straddle the grammar's boundaries, as real merges do).
func syntheticVocabulary(size: Int = 2_048, texts: [String]) -> TokenVocabulary {
    var tokens: [[UInt8]] = (0...255).map { [UInt8($0)] }
    var seen = Set(tokens)
    var pieceCounts: [[UInt8]: Int] = [:]
    var pairCounts: [[UInt8]: Int] = [:]
    for text in texts {
        let pieces = pretokenize(Array(text.utf8))
        for piece in pieces where piece.count > 1 { pieceCounts[piece, default: 0] += 1 }
        for (a, b) in zip(pieces, pieces.dropFirst()) where a.count + b.count <= 16 { pairCounts[a + b, default: 0] += 1 }
    }
    func ranked(_ counts: [[UInt8]: Int]) -> [[UInt8]] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.lexicographicallyPrecedes($1.key) }.map(\.key)
    }
    let pieceBudget = 256 + (size - 256) * 2 / 3
    for piece in ranked(pieceCounts) where tokens.count < pieceBudget && seen.insert(piece).inserted { tokens.append(piece) }
    for pair in ranked(pairCounts) where tokens.count < size && seen.insert(pair).inserted { tokens.append(pair) }
    return TokenVocabulary(tokenBytes: tokens)
}

private func pretokenize(_ bytes: [UInt8]) -> [[UInt8]] {
    func kind(_ b: UInt8) -> Int {
        switch b {
        case 0x41...0x5A, 0x61...0x7A: 1
        case 0x30...0x39: 2
        case 0x20: 3
        case 0x0A: 4
        default: 5
        }
    }
    var pieces: [[UInt8]] = []
    var current: [UInt8] = []
    var currentKind = 0
    for byte in bytes {
        let k = kind(byte)
        if current == [0x20], k == 1 || k == 5 {
            current.append(byte)
            currentKind = k
            continue
        }
        if k == currentKind, k != 4, k != 3 {
            current.append(byte)
        } else {
            if !current.isEmpty { pieces.append(current) }
            current = [byte]
            currentKind = k
        }
    }
    if !current.isEmpty { pieces.append(current) }
    return pieces
}

/// Logits drawn uniformly at random each step: the sampler wanders over everything the
/// mask leaves, which exercises every corner of the grammar.
struct UniformLogits: LogitsSource {
    let size: Int
    var random: SplitMix64

    init(size: Int, seed: UInt64) {
        self.size = size
        random = SplitMix64(seed: seed)
    }

    mutating func logits(appending tokens: [Int]) throws -> [Float] {
        (0..<size).map { _ in Float(random.nextUnit()) }
    }
}

/// Logits that prefer what the grammar forbids or tries hardest to avoid.
struct AdversarialLogits: LogitsSource {
    enum Flavour: CaseIterable {
        /// Braces, digits, line breaks, dashes and bytes outside ASCII.
        case invalidBytes
        /// Line breaks and closing marks: tries to end every line and the quest at once.
        case endEarly
        /// Never a line break: tries to run on for ever.
        case neverEnd
        /// The longest tokens first.
        case longTokens
    }

    let preference: [Float]
    var random: SplitMix64

    init(flavour: Flavour, vocabulary: TokenVocabulary, seed: UInt64) {
        random = SplitMix64(seed: seed)
        preference = vocabulary.tokenBytes.map { bytes in
            let score: Int
            switch flavour {
            case .invalidBytes:
                score = bytes.filter { $0 == 0x7B || $0 == 0x7D || (0x30...0x39).contains($0) || $0 == 0x0A || $0 == 0x2D || $0 >= 0x80 || $0 < 0x20 }.count
            case .endEarly:
                score = bytes.filter { $0 == 0x0A || $0 == 0x7D || $0 == 0x2F || $0 == 0x3E }.count * 4 - bytes.count
            case .neverEnd:
                score = bytes.contains(0x0A) ? -20 : bytes.count
            case .longTokens:
                score = bytes.count
            }
            return Float(score) * 3
        }
    }

    mutating func logits(appending tokens: [Int]) throws -> [Float] {
        preference.map { $0 + Float(random.nextUnit()) }
    }
}
