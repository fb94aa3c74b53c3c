import Aggregation
import ArgumentParser
import Foundation
import ModelTraining
import NeuralCore
import QuestModel
import Swarm
import Tokenizer

/// `purr swarm simulate`: AI-runner training in one process, for the experiments of docs/distributed.md.
struct SwarmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swarm", abstract: "AI-runner training experiments.", subcommands: [Simulate.self])

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run DiLoCo rounds with honest and attacking runners in one process; print loss, bytes and PUR paid.")

        @Option(help: "Runners in all.")
        var runners = 8

        @Option(help: "How many of them attack.")
        var attackers = 0

        @Option(help: "Attack: random, signflip, scale:K, alie, zeros, copy, nan, backdoor; subtle ones that commit to what they did: halfdata, lowlr, skip, nudge[:SHARE] (a backdoor pushed by SHARE of each segment's movement, default 0.04, inside the audit tolerance).")
        var attack = "signflip"

        @Option(help: "Rounds.")
        var rounds = 10

        @Option(help: "Local AdamW steps per round (H).")
        var steps = 20

        @Option(help: "Sequences per local step.")
        var batch = 4

        @Option(help: "Sequence length.")
        var seqLen = 128

        @Option(help: "Corpus samples assigned to each runner per round (keep it several times what the local steps read: a shard read over and over trains worse).")
        var samples = 640

        @Option(help: "centeredClip, trimmedMean or mean.")
        var aggregator = "centeredClip"

        @Option(help: "Model width (a small Llama with the shipped tokenizer's vocabulary).")
        var dim = 64

        @Option(help: "Layers.")
        var layers = 2

        @Option(help: "Inner learning rate.")
        var learningRate: Float = 2e-3

        @Option(help: "Share of updates re-executed each round (audits).")
        var auditFraction = 0.25

        @Option(help: "Runners below this trust are re-executed every round (0 turns it off).")
        var auditUntilTrust = 0.5

        @Flag(help: "Also train one process on the same number of tokens, for comparison.")
        var baseline = false

        @Flag(help: "Upload fp32 instead of int8 with error feedback.")
        var fp32 = false

        @Option(help: "Train LoRA adapters of this rank on attention and MLP weights instead of the full model (0 = full).")
        var lora = 0

        @Option(help: "Batches whose gradients warm-start each round's AdamW moments (0 = cold start).")
        var warmStart = 0

        @Option(help: "Train this many single-process steps first and start every run (swarm and baseline) from that model, as DiLoCo does.")
        var pretrainSteps = 0

        @Option(help: "Learning rate of those single-process steps (the same start whatever --learning-rate the rounds use).")
        var pretrainLearningRate: Float = 2e-3

        @Flag(help: "Runners start a fresh inner AdamW every round (audits replay without any declared state) instead of keeping it across rounds.")
        var freshInnerState = false

        @Option(help: "Local steps of linear learning-rate warm-up at the start of each round.")
        var innerWarmup = 0

        @Option(help: "LoRA alpha (the adapters are scaled by alpha / rank).")
        var loraAlpha: Float = 16

        @Option(help: "Local steps between the checkpoints runners commit to (training protocol 2).")
        var segmentSteps = 10

        @Option(help: "Segments replayed per audited update.")
        var auditSegments = 2

        @Flag(help: "Use the shipped quest model's shape (assets/models/quest/config.json) instead of --dim/--layers.")
        var shippedShape = false

        @Option(help: "Outer learning rate (DiLoCo's 0.7; 0.6 measured best here).")
        var outerLearningRate: Float = 0.6

        @Option(help: "Outer Nesterov momentum (DiLoCo's 0.9; 0.85 measured best here).")
        var outerMomentum: Float = 0.85

        @Option(help: "With --baseline: evaluate the single process every this many of its steps (default: once per round's worth of tokens).")
        var baselineEvalEvery: Int?

        @Option(help: "With --baseline: the single process's learning rate (default: --learning-rate).")
        var baselineLearningRate: Float?

        @Flag(help: "With --baseline: give the single process the runners' combined batch (same tokens, same steps) instead of more steps.")
        var baselineLargeBatch = false

        @Option(help: "Corpus directory.")
        var corpus = "quests"

        @Option(help: "Tokenizer (tokenizer.json).")
        var tokenizer = "assets/models/quest/tokenizer.json"

        @Option(help: "Seed.")
        var seed: UInt64 = 1

        @Option(help: "Write the report as JSON here.")
        var json: String?

        func run() throws {
            guard runners > 0, attackers >= 0, attackers < runners, rounds > 0, steps > 0 else {
                throw ValidationError("need runners > attackers ≥ 0, rounds > 0, steps > 0")
            }
            guard let choice = AggregatorChoice(rawValue: aggregator) else {
                throw ValidationError("--aggregator must be centeredClip, trimmedMean or mean")
            }
            let bad: SwarmSimulation.Behaviour
            let subtle: [String: SwarmSimulation.Behaviour] = ["halfdata": .halfData, "lowlr": .lowLearningRate, "skip": .skipSegments, "nudge": .nudge(0.04)]
            if attack == "backdoor" {
                bad = .backdoor
            } else if let s = subtle[attack] {
                bad = s
            } else if attack.hasPrefix("nudge:"), let share = Float(attack.dropFirst(6)), share > 0, share < 1 {
                bad = .nudge(share)
            } else {
                do { bad = .attack(try Attack(parsing: attack)) } catch { throw ValidationError("--attack: \(error)") }
            }
            let tok: BPETokenizer
            do { tok = try BPETokenizer(contentsOf: URL(fileURLWithPath: tokenizer)) } catch { throw ValidationError("--tokenizer: \(error)") }
            let (trainText, heldOutText): ([String], [String])
            do { (trainText, heldOutText) = try QuestCorpus.load(directory: URL(fileURLWithPath: corpus)) } catch {
                throw ValidationError("--corpus: \(error)")
            }
            BLASRuntime.selectKernels()
            var config = LlamaConfig(dim: dim, hidden: dim * 8 / 3 / 4 * 4, layers: layers, heads: max(1, dim / 32), kvHeads: max(1, dim / 64),
                                     vocab: tok.vocabSize, seqLen: seqLen)
            if shippedShape {
                let file = URL(fileURLWithPath: tokenizer).deletingLastPathComponent().appendingPathComponent("config.json").path
                do { config = try HFLlamaConfig.read(path: file).llamaConfig(file: file) } catch { throw ValidationError("--shipped-shape: \(error)") }
            }
            var inner = InnerLoop.Settings(steps: steps, batch: batch, seqLen: seqLen)
            inner.learningRate = learningRate
            inner.warmStartBatches = warmStart
            inner.warmupSteps = innerWarmup
            inner.keepOptimizerState = !freshInnerState
            if lora > 0 { inner.lora = LoRASettings(rank: lora, alpha: loraAlpha) }
            let behaviours = Array(repeating: SwarmSimulation.Behaviour.honest, count: runners - attackers)
                + Array(repeating: bad, count: attackers)
            var options = SwarmSimulation.Options(model: config, runners: behaviours, rounds: rounds, inner: inner, samplesPerRunner: samples)
            options.aggregator = choice
            options.compressInt8 = !fp32
            options.seed = seed
            options.auditFraction = auditFraction
            options.auditUntilTrust = auditUntilTrust
            options.segmentSteps = segmentSteps
            options.auditSegments = auditSegments
            options.outer = OuterNesterov.Configuration(learningRate: outerLearningRate, momentum: outerMomentum)
            if pretrainSteps > 0 {
                let box = ParameterBox()
                var pre = inner
                pre.lora = nil
                pre.warmStartBatches = 0
                pre.learningRate = pretrainLearningRate
                let points = try SingleProcessBaseline.run(
                    model: config, seed: seed, train: QuestTrainer.encode(trainText, tok), heldOut: QuestTrainer.encode(Array(heldOutText.prefix(64)), tok),
                    settings: pre, totalSteps: pretrainSteps, evaluateEvery: pretrainSteps, trained: { box.params = $0.clone() })
                options.start = box.params
                print(String(format: "pretrained %d single-process steps: held-out %.4f", pretrainSteps, points.last?.heldOutLoss ?? .nan))
            }
            let sim = SwarmSimulation(options: options, train: QuestTrainer.encode(trainText, tok),
                                      heldOut: QuestTrainer.encode(Array(heldOutText.prefix(64)), tok))
            print("model: \(config)")
            print("round  held-out loss  tokens   upload bytes  accepted  refused  paid honest  paid attackers")
            let report = try sim.run { r in
                print(String(format: "%5d  %13.4f  %6d  %12d  %8d  %7d  %11lld  %14lld", r.round, r.heldOutLoss, r.tokens, r.uploadBytes,
                             r.accepted, r.refused, r.paidToHonest, r.paidToAttackers))
            }
            let fp32Bytes = config.parameterCount * 4 * runners
            print(String(format: "initial loss %.4f, final %.4f; attackers' share of PUR %.4f%%; %.1f s", report.initialLoss, report.finalLoss,
                         report.attackerShare * 100, report.seconds))
            if let success = report.rounds.last?.backdoorSuccess {
                print(String(format: "backdoor success after the last round: %.1f%% of triggered prompts", success * 100))
            }
            if let first = report.rounds.first {
                print(String(format: "upload per round %d bytes vs %d fp32: %.2fx smaller", first.uploadBytes, fp32Bytes,
                             Double(fp32Bytes) / Double(max(1, first.uploadBytes))))
            }
            print("banned: \(report.banned.sorted()); slashed: \(report.slashed.sorted { $0.key < $1.key })")
            print(String(format: "runners trained %.1f s, the coordinator judged %.1f s (audits, aggregation, measurement): %.2f× the runners' work",
                         report.trainingSeconds, report.judgingSeconds, report.judgingSeconds / max(1e-9, report.trainingSeconds)))
            let d = report.auditDistances
            func worst(_ x: [Float]) -> String { x.isEmpty ? "-" : String(format: "%.3g%%", Double(x.max() ?? 0) * 100) }
            print("audits: \(d.params.count) segments replayed; largest distance params \(worst(d.params)), m \(worst(d.m)), v \(worst(d.v)), "
                  + "upload \(worst(d.upload)); replays took \(String(format: "%.1f s (%.3f× the runners' training)", report.auditSeconds, report.auditSeconds / max(1e-9, report.trainingSeconds)))")
            var baselinePoints: [SingleProcessBaseline.Point] = []
            if baseline {
                let honest = runners - attackers
                var single = inner
                single.lora = nil
                if let baselineLearningRate { single.learningRate = baselineLearningRate }
                if baselineLargeBatch { single.batch = batch * honest }
                let multiplier = baselineLargeBatch ? 1 : honest
                baselinePoints = try SingleProcessBaseline.run(
                    model: config, seed: seed, train: QuestTrainer.encode(trainText, tok), heldOut: QuestTrainer.encode(Array(heldOutText.prefix(64)), tok),
                    settings: single, totalSteps: rounds * steps * multiplier, evaluateEvery: max(1, baselineEvalEvery ?? steps * multiplier), start: options.start)
                print((baselineLargeBatch ? "single process, same tokens in \(honest)× larger batches: " : "single process, same tokens: ") + baselinePoints.map { String(format: "%d tok %.4f", $0.tokens, $0.heldOutLoss) }.joined(separator: ", "))
                if let last = baselinePoints.last {
                    print(String(format: "swarm final %.4f vs single process %.4f: %+.2f%%", report.finalLoss, last.heldOutLoss,
                                 Double(report.finalLoss / last.heldOutLoss - 1) * 100))
                }
            }
            if let json {
                let out: [String: Any] = [
                    "options": report.options, "initialLoss": Double(report.initialLoss), "finalLoss": Double(report.finalLoss),
                    "attackerShare": report.attackerShare, "seconds": report.seconds,
                    "trainingSeconds": report.trainingSeconds, "judgingSeconds": report.judgingSeconds, "auditSeconds": report.auditSeconds,
                    "banned": report.banned.sorted(), "slashed": report.slashed.mapValues { Int($0) },
                    // JSON has no infinity: a segment with no movement at all measures -1.
                    "auditDistances": ["params": d.params.map(Self.finite), "m": d.m.map(Self.finite), "v": d.v.map(Self.finite),
                                       "upload": d.upload.map(Self.finite)],
                    "baseline": baselinePoints.map { ["tokens": $0.tokens, "heldOutLoss": Double($0.heldOutLoss)] },
                    "rounds": report.rounds.map { ["round": $0.round, "heldOutLoss": Double($0.heldOutLoss), "tokens": $0.tokens,
                                                   "paidToHonest": $0.paidToHonest,
                                                   "uploadBytes": $0.uploadBytes, "paidToAttackers": $0.paidToAttackers,
                                                   "backdoorSuccess": $0.backdoorSuccess ?? -1] },
                ]
                try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: json))
            }
        }
    }
}

extension SwarmCommand.Simulate {
    static func finite(_ x: Float) -> Double { x.isFinite ? Double(x) : -1 }
}

/// Carries the pretrained parameters out of the baseline's callback.
final class ParameterBox {
    var params: ParameterStore?
}
