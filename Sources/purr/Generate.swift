import ArgumentParser
import Foundation
import NFTArt
import NeuralCore
import QuestModel
import QuestTruth
import Quests
import Synchronization
import World

/// `purr generate`: quests from the trained model, printed; with `--stats`, the figures of docs/model.md.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate quests with the trained quest model.")

    @Option(help: "Model directory.")
    var model = QuestModelRuntime.defaultDirectory

    @Option(help: "Directory holding maps/ and assets/.")
    var root = "."

    @Option(help: "Region id (default: each quest picks one).")
    var region: String?

    @Option(help: "Difficulty 1-5 (default: each quest picks one).")
    var difficulty: Int?

    @Option(help: "personal or global.")
    var scope = "personal"

    @Option(name: .short, help: "How many quests.")
    var n = 5

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    @Option(help: "Sampling temperature (0 = greedy).")
    var temperature: Float = 0.8

    @Option(help: "Nucleus sampling threshold.")
    var topP: Float = 0.95

    @Option(help: "Weights: int8 or fp32.")
    var weights = "int8"

    @Option(help: "Quests decoded together in one batched pass.")
    var streams = 8

    @Option(help: "Corpus directory, for --stats novelty.")
    var corpus = "quests"

    @Flag(help: "Print summary figures (valid share, distinct-2, novelty, speed) instead of every quest.")
    var stats = false

    @Option(help: "With --stats: how many untruthful quests to show, with what the checker found.")
    var showUntruthful = 3

    @Flag(help: "With --stats: -n quests for every region × difficulty (1-5), for the variety figures per region and cell.")
    var grid = false

    @Flag(help: "With --stats: write through the server's truth gate (rewrite, then the rule-based generator) and report what players would get.")
    var gate = false

    @Option(help: "With --gate: rewrites of a refused quest before the rule-based generator (the server's model.truthRetries).")
    var truthRetries = 1

    @Flag(help: "Write NFT names and lore (drops 1…n placed as the server places them) instead of quests.")
    var nft = false

    func run() throws {
        guard let scope = QuestScope(rawValue: scope) else { throw ValidationError("--scope must be personal or global") }
        guard let format = InferenceSession.WeightFormat(rawValue: weights) else { throw ValidationError("--weights must be int8 or fp32") }
        if let difficulty, !(1...5).contains(difficulty) { throw ValidationError("--difficulty must be 1...5") }
        guard n > 0 else { throw ValidationError("-n must be positive") }
        let world: World
        do { world = try World.loadDefault(root: URL(fileURLWithPath: root)) } catch { throw ValidationError("world: \(error.description)") }
        if let region, world.region(id: region) == nil { throw ValidationError("unknown region \(region)") }
        let runtime: QuestModelRuntime
        do {
            runtime = try QuestModelRuntime.load(directory: model, world: world, streams: streams, weights: format,
                                                 sampling: SamplingParameters(temperature: temperature, topP: topP))
        } catch {
            throw ValidationError(error.description)
        }
        if nft {
            try writeLore(world: world, runtime: runtime)
            return
        }
        let now = QuestCorpus.referenceDate
        var cells: [(region: String?, difficulty: Int?)] = [(region, difficulty)]
        if grid {
            let regions = world.regions.map(\.id).filter { !world.pointsOfInterest(inRegion: $0).isEmpty }
            cells = regions.flatMap { r in (1...5).map { (Optional(r), Optional($0)) } }
        }
        let requests = cells.enumerated().flatMap { c, cell in
            (0..<n).map { i in
                QuestRequestContext(world: world, scope: scope, region: cell.region, difficulty: cell.difficulty, requesterPosition: nil,
                                    seed: seed &+ UInt64(c * n + i) &* 0x9E37_79B9_7F4A_7C15, now: now)
            }
        }
        if gate {
            try throughGate(runtime, requests: requests, scope: scope, world: world)
            return
        }
        let start = Date()
        let results = runtime.generate(requests)
        let seconds = Date().timeIntervalSince(start)
        var valid: [QuestModelOutput] = []
        var failures: [String] = []
        for r in results {
            switch r {
            case .success(let o):
                // The generator already validated it; check again, as a reader of these figures would.
                do {
                    try QuestValidator.validate(o.spec, world: world, now: now)
                    valid.append(o)
                } catch {
                    failures.append("\(error)")
                }
            case .failure(let e): failures.append(e.description)
            }
        }
        if !stats {
            for (i, o) in valid.enumerated() {
                print("#\(i + 1) [\(o.spec.region), d\(o.spec.difficulty), \(o.spec.motivation.rawValue), \(o.spec.timeLimit) s]")
                print("  \(o.spec.title)")
                print("  \(o.spec.description)")
                for line in o.document.text.split(separator: "\n") where !line.hasPrefix("title ") && !line.hasPrefix("text ") {
                    print("    \(line)")
                }
            }
            for f in failures { print("failed: \(f)") }
            return
        }
        let bodies = valid.map(\.document.body)
        var corpusBodies = Set<String>()
        var corpusProse: [String] = []
        if let (train, heldOut) = try? QuestCorpus.load(directory: URL(fileURLWithPath: corpus)) {
            for sample in train + heldOut {
                for line in sample.split(separator: "\n") where line.hasPrefix("text ") { corpusBodies.insert(String(line.dropFirst(5))) }
            }
            corpusProse = QuestCorpus.proseAsRead(of: train + heldOut)
        }
        let dictionary = corpusProse.isEmpty ? nil : QuestTruthChecker.dictionary(from: corpusProse)
        let novel = bodies.filter { !corpusBodies.contains($0) }.count
        let tokens = valid.reduce(0) { $0 + $1.sampledTokens }
        let attempts = valid.reduce(0) { $0 + $1.attempts }
        print("quests requested: \(requests.count)")
        print(String(format: "valid and solvable: %d (%.1f %%)", valid.count, 100 * Double(valid.count) / Double(requests.count)))
        print(String(format: "attempts per valid quest: %.3f", Double(attempts) / Double(max(1, valid.count))))
        print(String(format: "distinct-2 of descriptions: %.4f", TextStatistics.distinct2(valid.map(\.spec.description))))
        print(String(format: "descriptions not found verbatim in the corpus: %d (%.1f %%)", novel, 100 * Double(novel) / Double(max(1, valid.count))))
        printTruth(valid, requests: requests, results: results, scope: scope, world: world, dictionary: dictionary)
        print(String(format: "time: %.1f s, %.0f sampled tokens/s, %.1f ms per quest (%d streams)", seconds, Double(tokens) / seconds,
                     1000 * seconds / Double(requests.count), streams))
        for f in failures.prefix(5) { print("failed: \(f)") }
        // Latency of one quest: asked alone, and as one of 8 asked at the same moment.
        let probes = min(n, 64)
        var alone: [Double] = []
        for r in requests.prefix(probes) {
            let t0 = Date()
            _ = runtime.generate([r])
            alone.append(Date().timeIntervalSince(t0) * 1000)
        }
        var together: [Double] = []
        var index = 0
        while index + 8 <= probes {
            let t0 = Date()
            _ = runtime.generate(Array(requests[index..<index + 8]))
            // Every quest of the group is answered when the group's pass ends.
            together.append(contentsOf: Array(repeating: Date().timeIntervalSince(t0) * 1000, count: 8))
            index += 8
        }
        print(String(format: "latency of one quest alone: p50 %.1f ms, p99 %.1f ms (%d quests)", pct(alone, 0.5), pct(alone, 0.99), alone.count))
        print(String(format: "latency with 8 at once: p50 %.1f ms, p99 %.1f ms (%d groups)", pct(together, 0.5), pct(together, 0.99), together.count / 8))
    }

    /// What the truth checker finds, by difficulty, and the variety figures of docs/model.md.
    func printTruth(_ valid: [QuestModelOutput], requests: [QuestRequestContext], results: [Result<QuestModelOutput, QuestModelError>],
                    scope: QuestScope, world: World, dictionary: Set<String>?) {
        let checker = QuestTruthChecker(world: world, dictionary: dictionary)
        var byDifficulty: [Int: (total: Int, truthful: Int)] = [:]
        var byCode: [QuestTruthReport.Code: Int] = [:]
        var repeated = 0, fragments = 0
        var examples: [String] = []
        for o in valid {
            let report = checker.check(o.spec, scope: scope)
            var row = byDifficulty[o.spec.difficulty] ?? (0, 0)
            row.total += 1
            if report.isTruthful { row.truthful += 1 }
            byDifficulty[o.spec.difficulty] = row
            for code in Set(report.violations.map(\.code)) { byCode[code, default: 0] += 1 }
            if report.count(.repeatedSentence) > 0 { repeated += 1 }
            if report.count(.fragment) > 0 { fragments += 1 }
            if !report.isTruthful, examples.count < showUntruthful { examples.append("\(report)\n    \(o.spec.description)") }
        }
        let truthful = byDifficulty.values.reduce(0) { $0 + $1.truthful }
        let n = max(1, valid.count)
        print(String(format: "truthful (text says what the contract says): %d of %d (%.1f %%)", truthful, valid.count, 100 * Double(truthful) / Double(n)))
        for d in 1...5 {
            guard let row = byDifficulty[d] else { continue }
            print(String(format: "  d%d: %d of %d (%.1f %%)", d, row.truthful, row.total, 100 * Double(row.truthful) / Double(max(1, row.total))))
        }
        let codes = QuestTruthReport.Code.allCases.compactMap { code in byCode[code].map { "\(code.rawValue) \($0)" } }
        print("quests with each kind of violation: \(codes.isEmpty ? "none" : codes.joined(separator: ", "))"
              + (dictionary == nil ? " (no corpus: words not checked)" : ""))
        print(String(format: "quests with a repeated sentence: %d (%.1f %%); with a broken fragment: %d (%.1f %%)",
                     repeated, 100 * Double(repeated) / Double(n), fragments, 100 * Double(fragments) / Double(n)))
        let titles = Set(valid.map(\.spec.title)).count
        print(String(format: "distinct titles: %d of %d (%.1f %%)", titles, valid.count, 100 * Double(titles) / Double(n)))
        // Per region: how many of its quests have a title no other quest of the region has.
        let byRegion = Dictionary(grouping: valid, by: \.spec.region).filter { $0.value.count >= 2 }
        if byRegion.count > 1 {
            let shares = byRegion.mapValues { quests in Double(Set(quests.map(\.spec.title)).count) / Double(quests.count) }
            let worst = shares.min { $0.value < $1.value }
            print(String(format: "distinct titles per region: %.1f %% on average, lowest %.1f %%",
                         100 * shares.values.reduce(0, +) / Double(shares.count), 100 * (worst?.value ?? 0))
                  + " (\(worst?.key ?? ""), \(byRegion[worst?.key ?? ""]?.count ?? 0) quests)")
        }
        // Objective sets per request cell (region, difficulty): how often the same ask gives the same errand.
        var cells: [String: [String]] = [:]
        for (request, result) in zip(requests, results) {
            guard case .success(let o) = result else { continue }
            let key = "\(request.region ?? o.spec.region) d\(request.difficulty ?? o.spec.difficulty)"
            cells[key, default: []].append(o.document.text.split(separator: "\n").filter { $0.hasPrefix("reach ") || $0.hasPrefix("collect ") || $0.hasPrefix("when ") }.joined(separator: "|"))
        }
        let sized = cells.values.filter { $0.count >= 2 }
        if !sized.isEmpty {
            let ratios = sized.map { Double(Set($0).count) / Double($0.count) }
            print(String(format: "distinct objective sets per request cell: %.1f %% on average over %d cells (%d quests)",
                         100 * ratios.reduce(0, +) / Double(ratios.count), sized.count, sized.reduce(0) { $0 + $1.count }))
        }
        for e in examples { print("untruthful: \(e.prefix(1_200))") }
    }

    /// The quests the server would hand out: the model's through `TruthfulGenerator`, 8 at a
    /// time as the generation queue batches them, with the corpus's words and a title memory.
    func throughGate(_ runtime: sending QuestModelRuntime, requests: [QuestRequestContext], scope: QuestScope, world: World) throws {
        final class Counting: QuestGenerator, @unchecked Sendable {
            let base = GrammarQuestGenerator()
            var count = 0  // one thread: the loop below
            var byDifficulty: [Int: Int] = [:]
            var preferredBatchSize: Int { 1 }
            func generate(_ request: QuestRequestContext) throws -> QuestSpec {
                let spec = try base.generate(request)
                count += 1
                byDifficulty[spec.difficulty, default: 0] += 1
                return spec
            }
            func generate(all requests: [QuestRequestContext]) -> [Result<QuestSpec, any Error>] { requests.map { r in Result { try generate(r) } } }
        }
        var prose: [String] = []
        if let (train, heldOut) = try? QuestCorpus.load(directory: URL(fileURLWithPath: corpus)) {
            prose = QuestCorpus.proseAsRead(of: train + heldOut)
        }
        let dictionary = prose.isEmpty ? nil : QuestTruthChecker.dictionary(from: prose)
        let fallback = Counting()
        let refusals = Mutex(0)
        let service = QuestModelService(runtime)
        let gate = TruthfulGenerator(primary: service, fallback: fallback, retries: truthRetries, dictionary: dictionary,
                                     recentTitles: TitleMemory()) { _ in refusals.withLock { $0 += 1 } }
        let start = Date()
        var specs: [QuestSpec] = []
        var failures = 0
        var index = 0
        while index < requests.count {
            let batch = Array(requests[index..<min(requests.count, index + 8)])
            for result in gate.generate(all: batch) {
                if case .success(let spec) = result { specs.append(spec) } else { failures += 1 }
            }
            index += batch.count
        }
        let seconds = Date().timeIntervalSince(start)
        let checker = QuestTruthChecker(world: world)
        let truthful = specs.filter { checker.check($0, scope: scope).isTruthful }.count
        let n = Double(max(1, specs.count))
        print("quests requested: \(requests.count), handed out: \(specs.count), failed: \(failures)")
        print(String(format: "truthful: %d of %d (%.1f %%)", truthful, specs.count, 100 * Double(truthful) / n))
        print(String(format: "written by the model: %d (%.1f %%); by the rule-based generator: %d (%.1f %%); refusals: %d",
                     specs.count - fallback.count, 100 * Double(specs.count - fallback.count) / n, fallback.count,
                     100 * Double(fallback.count) / n, refusals.withLock { $0 }))
        for d in 1...5 {
            let mine = specs.filter { $0.difficulty == d }
            guard !mine.isEmpty else { continue }
            let model = mine.count - fallback.byDifficulty[d, default: 0]
            print(String(format: "  d%d: %d quests, %.1f %% written by the model", d, mine.count, 100 * Double(model) / Double(mine.count)))
        }
        let titles = Set(specs.map(\.title)).count
        print(String(format: "distinct titles: %d of %d (%.1f %%)", titles, specs.count, 100 * Double(titles) / n))
        let byRegion = Dictionary(grouping: specs, by: \.region).filter { $0.value.count >= 2 }
        if !byRegion.isEmpty {
            let shares = byRegion.mapValues { quests in Double(Set(quests.map(\.title)).count) / Double(quests.count) }
            print(String(format: "distinct titles per region: %.1f %% on average, lowest %.1f %%",
                         100 * shares.values.reduce(0, +) / Double(shares.count), 100 * (shares.values.min() ?? 0)))
        }
        print(String(format: "time: %.1f s, %.1f ms per quest handed out (batches of 8)", seconds, 1000 * seconds / n))
    }

    func pct(_ v: [Double], _ p: Double) -> Double {
        let s = v.sorted()
        return s.isEmpty ? 0 : s[min(s.count - 1, Int((p * Double(s.count)).rounded(.up)) - 1)]
    }

    /// `--nft`: names and lore for drops `seed`, `seed + 1`, …, placed and dressed as the server's
    /// spawner does; with `--stats`, the NFT figures of docs/model.md.
    func writeLore(world: World, runtime: QuestModelRuntime) throws {
        let catalog: NFTPartsCatalog
        do { catalog = try NFTPartsCatalog.loadDefault(root: URL(fileURLWithPath: root)) } catch {
            throw ValidationError("NFT parts: \(error.description)")
        }
        let requests = (0..<n).compactMap { i in NFTLoreRequest(seed: NFTSeed(seed &+ UInt64(i)), world: world, catalog: catalog) }
        let start = Date()
        let results = runtime.generateLore(requests)
        let seconds = Date().timeIntervalSince(start)
        var valid: [(NFTLoreRequest, NFTLoreOutput)] = []
        var failures: [String] = []
        for (request, result) in zip(requests, results) {
            switch result {
            case .success(let output):
                // The runtime already checked it; check again, as a reader of these figures would.
                do {
                    try NFTMetadata.validate(name: output.name, description: output.description)
                    valid.append((request, output))
                } catch {
                    failures.append("\(error)")
                }
            case .failure(let error): failures.append(error.description)
            }
        }
        func place(_ request: NFTLoreRequest) -> String {
            request.pointOfInterest.flatMap { world.pointOfInterest(id: $0)?.name } ?? world.region(id: request.region)?.name ?? request.region
        }
        if !stats {
            for (i, (request, output)) in valid.enumerated() {
                print("#\(i + 1) \(request.header)")
                print("  \(output.name)")
                print("  \(output.description)")
                print("    cat \(output.document.cat)\n    name \(output.document.name)\n    lore \(output.document.lore)")
            }
            for f in failures { print("failed: \(f)") }
            return
        }
        var corpusNames = Set<String>()
        var corpusLore = Set<String>()
        var corpusSentences = Set<String>()
        if let (train, heldOut) = try? QuestCorpus.load(directory: URL(fileURLWithPath: corpus)) {
            for sample in train + heldOut where QuestCorpus.isNFTSample(sample) {
                guard let (_, rendered) = try? QuestCorpus.checkNFT(sample, world: world, catalog: catalog) else { continue }
                corpusNames.insert(rendered.name)
                corpusLore.insert(rendered.description)
                corpusSentences.formUnion(Self.sentences(rendered.description))
            }
        }
        let names = valid.map(\.1.name)
        let lore = valid.map(\.1.description)
        let sentences = lore.flatMap(Self.sentences)
        var mentioned: [String: (hits: Int, asked: Int)] = [:]
        for (request, output) in valid {
            for (field, text) in NFTLoreVocabulary.expectedMentions(parts: request.parts, place: place(request)) {
                let hit = output.description.lowercased().contains(text.lowercased())
                mentioned[field, default: (0, 0)].hits += hit ? 1 : 0
                mentioned[field, default: (0, 0)].asked += 1
            }
        }
        let tokens = valid.reduce(0) { $0 + $1.1.sampledTokens }
        let attempts = valid.reduce(0) { $0 + $1.1.attempts }
        let count = Double(max(1, valid.count))
        print("NFT lore requested: \(requests.count)")
        print(String(format: "valid (NFTMetadata.validate): %d (%.1f %%)", valid.count, 100 * Double(valid.count) / Double(max(1, requests.count))))
        print(String(format: "attempts per valid lore: %.3f", Double(attempts) / count))
        print(String(format: "distinct names: %d of %d; distinct lore: %d", Set(names).count, names.count, Set(lore).count))
        print(String(format: "names not in the corpus: %d (%.1f %%); lore not in the corpus: %d (%.1f %%)",
                     names.filter { !corpusNames.contains($0) }.count, 100 * Double(names.filter { !corpusNames.contains($0) }.count) / count,
                     lore.filter { !corpusLore.contains($0) }.count, 100 * Double(lore.filter { !corpusLore.contains($0) }.count) / count))
        print(String(format: "sentences not in the corpus: %.1f %% of %d", 100 * Double(sentences.filter { !corpusSentences.contains($0) }.count) / Double(max(1, sentences.count)), sentences.count))
        print(String(format: "distinct-2 of lore: %.4f; mean length %.0f characters, %.2f sentences",
                     TextStatistics.distinct2(lore), Double(lore.reduce(0) { $0 + $1.count }) / count, Double(sentences.count) / count))
        for field in ["place", "coat", "markings", "accessory", "pose"] {
            guard let m = mentioned[field] else { continue }
            print(String(format: "lore mentions the %@: %d of %d (%.1f %%)", field, m.hits, m.asked, 100 * Double(m.hits) / Double(max(1, m.asked))))
        }
        print(String(format: "time: %.1f s, %.0f sampled tokens/s, %.1f ms per NFT (%d streams)", seconds, Double(tokens) / seconds,
                     1000 * seconds / Double(max(1, requests.count)), streams))
        for f in failures.prefix(5) { print("failed: \(f)") }
        let probes = min(requests.count, 64)
        var alone: [Double] = []
        for r in requests.prefix(probes) {
            let t0 = Date()
            _ = runtime.generateLore([r])
            alone.append(Date().timeIntervalSince(t0) * 1000)
        }
        var together: [Double] = []
        var index = 0
        while index + 8 <= probes {
            let t0 = Date()
            _ = runtime.generateLore(Array(requests[index..<index + 8]))
            together.append(contentsOf: Array(repeating: Date().timeIntervalSince(t0) * 1000, count: 8))
            index += 8
        }
        print(String(format: "latency of one NFT alone: p50 %.1f ms, p99 %.1f ms (%d NFTs)", pct(alone, 0.5), pct(alone, 0.99), alone.count))
        print(String(format: "latency with 8 at once: p50 %.1f ms, p99 %.1f ms (%d groups)", pct(together, 0.5), pct(together, 0.99), together.count / 8))
    }

    /// A lore's sentences as the grammar counts them: split after ". ", "! " or "? ".
    static func sentences(_ lore: String) -> [String] {
        var result: [String] = []
        var current = ""
        var previous: Character = " "
        for character in lore {
            if character == " ", ".!?".contains(previous) {
                result.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
