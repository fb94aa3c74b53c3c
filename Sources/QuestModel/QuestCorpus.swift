import Foundation
import Quests
import World

/// Why the corpus files could not be read or written.
public struct QuestCorpusError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case unreadableFile = "corpus.unreadable_file"
        case unwritableFile = "corpus.unwritable_file"
        case malformedFile = "corpus.malformed_file"
    }

    public var code: Code
    public var file: String
    public var reason: String

    public var description: String { "\(file): \(reason) [\(code.rawValue)]" }
}

/// The quest model's training corpus (quests/): samples in the spec language, built
/// from the phrasebook and the world, each checked by the grammar, resolved and passed
/// through `QuestValidator` before it is kept.
///
/// ```swift
/// let corpus = try QuestCorpus.build(world: world, count: 6_000, seed: 1, heldOutFraction: 0.05)
/// try QuestCorpus.write(corpus, to: URL(fileURLWithPath: "quests"))
/// ```
/// The format and the rebuild command are in quests/README.md.
public enum QuestCorpus {
    /// The seed and size of the committed corpus.
    public static let defaultSeed: UInt64 = 1
    public static let defaultCount = 6_000
    public static let defaultHeldOutFraction = 0.05
    public static let trainFile = "train.txt"
    public static let heldOutFile = "heldout.txt"

    /// The moment every sample is checked against (weather and game hours): 2025-02-01T00:00:00Z.
    public static let referenceDate = Date(timeIntervalSince1970: 1_738_368_000)

    /// Builds `count` distinct samples, deterministic from `seed`.
    ///
    /// Sample `i` depends only on the seed, `i` and the samples before it, so a smaller
    /// build is a prefix of a larger one. Whether it is held out depends only on the seed
    /// and `i`.
    /// - Throws: `QuestGrammarError` when the world cannot carry the grammar.
    public static func build(
        world: World, count: Int = defaultCount, seed: UInt64 = defaultSeed, heldOutFraction: Double = defaultHeldOutFraction
    ) throws(QuestGrammarError) -> (train: [String], heldOut: [String]) {
        let lexicon = try QuestLexicon(world: world)
        var train: [String] = []
        var heldOut: [String] = []
        var seen = Set<String>()
        for index in 0..<max(0, count) {
            var attempt: UInt64 = 0
            while attempt < 1_000 {
                defer { attempt += 1 }
                guard let text = sample(lexicon: lexicon, seed: seed, index: UInt64(index), attempt: attempt),
                      seen.insert(text).inserted else { continue }
                var split = SplitMix64(mixing: seed, UInt64(index), 0x4845_4c44_4f55_54)
                if split.nextUnit() < heldOutFraction {
                    heldOut.append(text)
                } else {
                    train.append(text)
                }
                break
            }
        }
        return (train, heldOut)
    }

    /// One checked sample, or nil when this attempt's dice gave something unusable.
    static func sample(lexicon: QuestLexicon, seed: UInt64, index: UInt64, attempt: UInt64) -> String? {
        var writer = QuestCorpusWriter(lexicon: lexicon, rng: SplitMix64(mixing: seed, index, attempt))
        guard let document = writer.write() else { return nil }
        let text = document.text
        guard (try? check(text, lexicon: lexicon)) != nil else { return nil }
        return text
    }

    /// Parses a sample under the grammar narrowed to its own header, resolves it from the
    /// region's centre at `referenceDate`, and validates it: what every corpus sample passes.
    @discardableResult
    public static func check(_ text: String, lexicon: QuestLexicon) throws -> QuestSpec {
        let document = try QuestDocument.parse(text, lexicon: lexicon)
        let grammar = try QuestGrammar(
            lexicon: lexicon, scope: document.scope, region: document.region, difficulty: document.difficulty)
        _ = try QuestDocument.parse(text, lexicon: lexicon, grammar: grammar)
        let spec = try document.spec(lexicon: lexicon, now: referenceDate)
        try QuestValidator.validate(spec, world: lexicon.world, now: referenceDate, rules: lexicon.rules)
        return spec
    }

    /// The text of a corpus file: samples separated by one blank line, ending in a newline.
    public static func fileText(_ samples: [String]) -> String {
        samples.isEmpty ? "" : samples.joined(separator: "\n\n") + "\n"
    }

    /// Splits a corpus file back into samples: every `<quest>` line up to its `</quest>` line.
    /// - Throws: `QuestCorpusError.malformedFile` for text outside a sample or a sample left open.
    public static func samples(inFile text: String, name: String = "<memory>") throws(QuestCorpusError) -> [String] {
        var samples: [String] = []
        var current: [Substring] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current.isEmpty {
                if line.isEmpty { continue }
                guard line.hasPrefix("<quest>") else {
                    throw QuestCorpusError(code: .malformedFile, file: name, reason: "line \(number + 1) is outside any <quest> sample")
                }
            }
            current.append(line)
            if line == "</quest>" {
                samples.append(current.joined(separator: "\n"))
                current = []
            }
        }
        guard current.isEmpty else {
            throw QuestCorpusError(code: .malformedFile, file: name, reason: "the last sample has no </quest> line")
        }
        return samples
    }

    /// Reads `train.txt` and `heldout.txt` from a corpus directory.
    public static func load(directory: URL) throws(QuestCorpusError) -> (train: [String], heldOut: [String]) {
        func read(_ file: String) throws(QuestCorpusError) -> [String] {
            let url = directory.appendingPathComponent(file)
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw QuestCorpusError(code: .unreadableFile, file: url.path, reason: "cannot read the file: \(error.localizedDescription)")
            }
            return try samples(inFile: text, name: url.path)
        }
        return (try read(trainFile), try read(heldOutFile))
    }

    /// Writes `train.txt` and `heldout.txt` into a directory (which must exist).
    public static func write(_ corpus: (train: [String], heldOut: [String]), to directory: URL) throws(QuestCorpusError) {
        for (file, samples) in [(trainFile, corpus.train), (heldOutFile, corpus.heldOut)] {
            let url = directory.appendingPathComponent(file)
            do {
                try Data(fileText(samples).utf8).write(to: url, options: .atomic)
            } catch {
                throw QuestCorpusError(code: .unwritableFile, file: url.path, reason: "cannot write the file: \(error.localizedDescription)")
            }
        }
    }
}
