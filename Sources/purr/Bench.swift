import ArgumentParser
import Foundation
import NeuralCore

/// `purr bench`: the project's in-process benchmarks (release build; see docs/benchmarks.md).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (build with -c release; docs/benchmarks.md).",
        subcommands: [BenchModel.self])
}

/// `purr bench model`: training and generation speed of a model shape with random weights.
struct BenchModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Training tokens/s (AdamW, batch × seq) and generation tokens/s (one stream, N streams; fp32 and int8).")

    @Option(help: "Shape: r7 (dim 288, hidden 768, 6 layers, 6 heads, vocab 4096, seq 256) or a model directory's config.json.")
    var shape = "r7"

    @Option(help: "Threads.")
    var threads = 2

    @Option(help: "Training batch (sequences per step).")
    var batch = 8

    @Option(help: "Training steps to time (after one warm-up step).")
    var trainSteps = 8

    @Option(help: "Streams decoded together in the batched measurement.")
    var streams = 8

    @Option(help: "Generation runs per measurement (the median is reported).")
    var runs = 3

    @Option(help: "int8 kernels to measure, comma-separated: portable, avx2, avx512vnni (default: portable and this machine's best).")
    var int8Kernels: String?

    @Flag(help: "Skip the training measurement.")
    var noTraining = false

    @Flag(help: "Skip the generation measurement.")
    var noGeneration = false

    func run() throws {
        let config: LlamaConfig
        if shape == "r7" {
            config = .r7
        } else {
            let path = (shape as NSString).appendingPathComponent(ModelFiles.configFileName)
            do { config = try HFLlamaConfig.read(path: path).llamaConfig(file: path) } catch {
                throw ValidationError("--shape: \(error)")
            }
        }
        // OpenBLAS 0.3.21 does not recognise these CPUs; use the kernels their flags allow.
        BLASRuntime.selectKernels()
        print("shape: \(config)")
        print("threads: \(threads), BLAS kernels: \(BLASRuntime.coreName)")
        if !noTraining {
            let r = TrainingBenchmark.run(config: config, batch: batch, seqLen: config.seqLen, steps: trainSteps, threads: threads)
            print("training: \(r)")
        }
        if !noGeneration {
            var options = InferenceBenchmark.Options(config: config, threads: threads, streams: streams)
            options.runs = runs
            if let int8Kernels {
                options.int8Kernels = try int8Kernels.split(separator: ",").map { name in
                    guard let k = Int8Kernel(rawValue: String(name)) else {
                        throw ValidationError("--int8-kernels: unknown kernel \(name); use portable, avx2 or avx512vnni")
                    }
                    return k
                }
            } else {
                options.int8Kernels = Int8Kernel.detected == .portable ? [.portable] : [.portable, .detected]
            }
            print("int8 kernels: \(options.int8Kernels.map { $0.isSupported ? $0.rawValue : "\($0) (not supported here)" }.joined(separator: ", ")); detected \(Int8Kernel.detected)")
            let report = try InferenceBenchmark.run(options) { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
            print(report)
        }
    }
}
