import Foundation
import Testing
@testable import NeuralCore

@Suite("Inference benchmark")
struct InferenceBenchmarkTests {
    @Test("the benchmark measures both formats and reports their distance from the exact model")
    func tinyRun() throws {
        let config = LlamaConfig(dim: 32, hidden: 64, layers: 1, heads: 2, kvHeads: 1, vocab: 50, seqLen: 16)
        let report = try InferenceBenchmark.run(.init(config: config, threads: 2, streams: 3, tokens: 8, runs: 2))
        #expect(report.measurements.map(\.format) == [.fp32, .int8])
        for m in report.measurements {
            #expect(m.singleStream.count == 2 && m.batched.count == 2)
            #expect(m.singleStreamMedian > 0 && m.batchedMedian > 0)
            #expect(m.quality.positions == 8)
        }
        #expect(report.measurements[0].quality.maxLogitDifference < 0.01)
        #expect(report.description.contains("int8 (\(Int8Kernel.preferred)): 1 stream"))
        #expect(report.measurements[1].kernel == .preferred && report.measurements[0].kernel == nil)
    }

    /// The R7 figures of the issue. Off by default (a minute of CPU); run in release:
    /// `PURR_INFERENCE_BENCH=5 swift test -c release --scratch-path .build-inf --filter InferenceBenchmarkTests`.
    @Test("R7 generation speed", .enabled(if: ProcessInfo.processInfo.environment["PURR_INFERENCE_BENCH"] != nil))
    func r7() throws {
        let runs = Int(ProcessInfo.processInfo.environment["PURR_INFERENCE_BENCH"] ?? "") ?? 5
        let threads = Int(ProcessInfo.processInfo.environment["PURR_INFERENCE_THREADS"] ?? "") ?? 2
        let report = try InferenceBenchmark.run(.init(config: .r7, threads: threads, runs: runs)) { print($0) }
        print(report)
    }
}
