import Foundation
import NFTArt
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

/// The quest model's training corpus (quests/): quests in the spec language, built from
/// the phrasebook and the world, each checked by the grammar, resolved and passed through
/// `QuestValidator` before it is kept; and, with a parts catalogue, NFT lore samples
/// (`<nft>` … `</nft>`) after every third quest, each checked by its own `NFTLoreGrammar`.
///
/// ```swift
/// let corpus = try QuestCorpus.build(world: world, count: 6_000, seed: 1, heldOutFraction: 0.05, catalog: catalog)
/// try QuestCorpus.write(corpus, to: URL(fileURLWithPath: "quests"))
/// ```
/// The format and the rebuild command are in quests/README.md.
public enum QuestCorpus {
    /// The seed and size of the committed corpus.
    public static let defaultSeed: UInt64 = 1
    public static let defaultCount = 6_000
    public static let defaultHeldOutFraction = 0.05
    /// One NFT lore sample follows every this many quests.
    public static let nftInterval = 3
    public static let trainFile = "train.txt"
    public static let heldOutFile = "heldout.txt"
    /// The words of the quests' titles and texts (``ProseWords``), one per line: `purr train`
    /// puts it beside the model, and the grammar then holds prose to it.
    public static let wordsFile = "words.txt"

    /// The moment every sample is checked against (weather and game hours): 2025-02-01T00:00:00Z.
    public static let referenceDate = Date(timeIntervalSince1970: 1_738_368_000)

    /// Builds `count` distinct quest samples, deterministic from `seed`, and with a
    /// `catalog` one NFT lore sample after every `nftInterval`-th quest (`count / 3` in all).
    ///
    /// Quest `i` depends only on the seed, `i` and the samples before it, so a smaller
    /// build is a prefix of a larger one, and the quests do not depend on the catalogue.
    /// Whether a sample is held out depends only on the seed and its index (quest `i` or
    /// NFT sample `j`), never on its text.
    /// - Throws: `QuestGrammarError` when the world cannot carry the grammar.
    public static func build(
        world: World, count: Int = defaultCount, seed: UInt64 = defaultSeed, heldOutFraction: Double = defaultHeldOutFraction,
        catalog: NFTPartsCatalog? = nil
    ) throws(QuestGrammarError) -> (train: [String], heldOut: [String]) {
        let lexicon = try QuestLexicon(world: world)
        var train: [String] = []
        var heldOut: [String] = []
        var seen = Set<String>()
        func keep(_ text: String, heldOutDraw: SplitMix64) {
            var split = heldOutDraw
            if split.nextUnit() < heldOutFraction {
                heldOut.append(text)
            } else {
                train.append(text)
            }
        }
        for index in 0..<max(0, count) {
            var attempt: UInt64 = 0
            while attempt < 1_000 {
                defer { attempt += 1 }
                guard let text = sample(lexicon: lexicon, seed: seed, index: UInt64(index), attempt: attempt),
                      seen.insert(text).inserted else { continue }
                keep(text, heldOutDraw: SplitMix64(mixing: seed, UInt64(index), 0x4845_4c44_4f55_54))
                break
            }
            guard let catalog, (index + 1) % nftInterval == 0 else { continue }
            let nftIndex = UInt64((index + 1) / nftInterval - 1)
            for attempt in UInt64(0)..<1_000 {
                guard let text = nftSample(world: world, catalog: catalog, seed: seed, index: nftIndex, attempt: attempt),
                      seen.insert(text).inserted else { continue }
                keep(text, heldOutDraw: SplitMix64(mixing: seed, nftIndex, nftHeldOutSalt))
                break
            }
        }
        return (train, heldOut)
    }

    /// Mixed into the held-out draw of NFT sample `j` ("NFTHELD"), so it is independent of quest `j`'s.
    static let nftHeldOutSalt: UInt64 = 0x4e46_5448_454c_44

    /// Mixed into the writer's seed of NFT samples ("NFTLORE").
    static let nftWriterSalt: UInt64 = 0x4e46_544c_4f52_45

    /// One checked NFT lore sample, or nil when this attempt's dice gave something unusable.
    static func nftSample(world: World, catalog: NFTPartsCatalog, seed: UInt64, index: UInt64, attempt: UInt64) -> String? {
        var writer = NFTLoreCorpusWriter(world: world, catalog: catalog, rng: SplitMix64(mixing: seed, index, attempt, nftWriterSalt))
        guard let document = writer.write() else { return nil }
        let text = document.text
        guard (try? checkNFT(text, world: world, catalog: catalog)) != nil else { return nil }
        return text
    }

    /// Whether a corpus sample is NFT lore (`<nft>` … `</nft>`) rather than a quest.
    public static func isNFTSample(_ text: String) -> Bool { text.hasPrefix(NFTLoreDocument.headerKeyword + " ") }

    /// Checks an NFT lore sample as every corpus sample is checked: its ids exist (the region,
    /// a point of interest of that region, the parts in the catalogue), it passes the grammar
    /// of its own header (references and required mentions included), and its rendered name
    /// and lore pass `NFTMetadata.validate`.
    /// - Returns: the sample and its rendered name and lore.
    /// - Throws: `NFTLoreParseError` or `NFTLoreGrammarError` saying what is wrong.
    @discardableResult
    public static func checkNFT(_ text: String, world: World, catalog: NFTPartsCatalog) throws -> (document: NFTLoreDocument, lore: NFTLore) {
        let grammar = try NFTLoreGrammar(document: try NFTLoreDocument.parse(text), world: world, catalog: catalog)
        return try NFTLoreDocument.parse(text, grammar: grammar)
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

    /// The title and text lines of the quest samples, without their keywords: the words the
    /// quests are written with (`words.txt`; with ``proseAsRead(of:)`` the truth checker's dictionary).
    public static func prose(of samples: [String]) -> [String] {
        samples.filter { !isNFTSample($0) }.flatMap { sample in
            sample.split(separator: "\n").compactMap { line -> String? in
                if line.hasPrefix("title ") { return String(line.dropFirst(6)) }
                if line.hasPrefix("text ") { return String(line.dropFirst(5)) }
                return nil
            }
        }
    }

    /// `words.txt` for these samples: every word of the quests' titles and texts, those no
    /// personal quest uses marked `global` (a personal quest's grammar refuses them).
    public static func wordsFileText(_ samples: [String]) -> String {
        let quests = samples.filter { !isNFTSample($0) }
        let all = ProseWords.words(inProse: prose(of: quests)).filter { !ProseWords.conditionWords.contains($0) }
        let personal = Set(ProseWords.words(inProse: prose(of: quests.filter { $0.hasPrefix("<quest> personal ") })))
        var marks: [String: [ProseWords.Mark]] = [:]
        for word in all where !personal.contains(word) { marks[word, default: []].append(.global) }
        // The word right before each objective's `{@k}`, by the objective's kind.
        for sample in quests {
            let lines = sample.split(separator: "\n")
            let kinds = lines.compactMap { $0.hasPrefix("reach ") ? ProseWords.Mark.reach : $0.hasPrefix("collect ") ? .collect : nil }
            guard let text = lines.first(where: { $0.hasPrefix("text ") }) else { continue }
            let bytes = Array(text.utf8)
            var i = 0
            while i + 2 < bytes.count {
                defer { i += 1 }
                guard bytes[i] == 0x7B, bytes[i + 1] == 0x40, let close = bytes[i...].firstIndex(of: 0x7D),
                      let index = ObjectivePhrase.objectiveIndex(String(decoding: bytes[(i + 1)..<close], as: UTF8.self)),
                      kinds.indices.contains(index), i >= 2, bytes[i - 1] == 0x20 else { continue }
                var start = i - 1
                while start > 0, QuestGrammar.isLetter(bytes[start - 1]) { start -= 1 }
                let word = String(decoding: bytes[start..<(i - 1)], as: UTF8.self).lowercased()
                if !word.isEmpty, !(marks[word] ?? []).contains(kinds[index]) { marks[word, default: []].append(kinds[index]) }
            }
        }
        return ProseWords.fileText(all, marks: marks)
    }

    /// The quests' titles and texts and the words their `{@k}` phrases add when rendered:
    /// every word a player reads in a corpus quest besides names.
    public static func proseAsRead(of samples: [String]) -> [String] {
        prose(of: samples) + [ObjectivePhrase.everyWording]
    }

    /// The text of a corpus file: samples separated by one blank line, ending in a newline.
    public static func fileText(_ samples: [String]) -> String {
        samples.isEmpty ? "" : samples.joined(separator: "\n\n") + "\n"
    }

    /// Splits a corpus file back into samples: every `<quest>` line up to its `</quest>` line,
    /// every `<nft>` line up to its `</nft>` line.
    /// - Throws: `QuestCorpusError.malformedFile` for text outside a sample or a sample left open.
    public static func samples(inFile text: String, name: String = "<memory>") throws(QuestCorpusError) -> [String] {
        var samples: [String] = []
        var current: [Substring] = []
        var closing = ""
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current.isEmpty {
                if line.isEmpty { continue }
                if line.hasPrefix("<quest>") {
                    closing = "</quest>"
                } else if line.hasPrefix(NFTLoreDocument.headerKeyword + " ") {
                    closing = NFTLoreDocument.closingLine
                } else {
                    throw QuestCorpusError(code: .malformedFile, file: name, reason: "line \(number + 1) is outside any <quest> or <nft> sample")
                }
            }
            current.append(line)
            if line == closing {
                samples.append(current.joined(separator: "\n"))
                current = []
            }
        }
        guard current.isEmpty else {
            throw QuestCorpusError(code: .malformedFile, file: name, reason: "the last sample has no \(closing) line")
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
        let words = wordsFileText(corpus.train + corpus.heldOut)
        for (file, text) in [(trainFile, fileText(corpus.train)), (heldOutFile, fileText(corpus.heldOut)), (wordsFile, words)] {
            let url = directory.appendingPathComponent(file)
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                throw QuestCorpusError(code: .unwritableFile, file: url.path, reason: "cannot write the file: \(error.localizedDescription)")
            }
        }
    }
}
