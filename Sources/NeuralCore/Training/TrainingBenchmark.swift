import Foundation

/// Training throughput of a full optimizer step (forward, backward, gradient clipping, AdamW) on
/// random tokens, for `purr bench model` and docs/benchmarks.md.
public enum TrainingBenchmark {
    public struct Result: Sendable, CustomStringConvertible {
        /// `batch · seqLen` divided by the median step time.
        public let tokensPerSecond: Double
        public let medianStepSeconds: Double
        public let minStepSeconds: Double
        public let maxStepSeconds: Double
        public let steps: Int
        public let threads: Int
        /// Loss of the first and last measured steps (a sanity check that training moves).
        public let firstLoss: Float
        public let lastLoss: Float
        /// Process CPU time per step (all threads). Close to `threads × medianStepSeconds` on an
        /// idle machine; much less means the step waited for a CPU (a shared, busy machine).
        public let cpuSecondsPerStep: Double
        /// The OpenBLAS kernel set used (see ``BLASRuntime``).
        public let blasCore: String

        public var description: String {
            String(format: "%.0f tokens/s (median step %.1f ms, min %.1f, max %.1f, CPU %.1f ms/step, ",
                   tokensPerSecond, medianStepSeconds * 1e3, minStepSeconds * 1e3, maxStepSeconds * 1e3, cpuSecondsPerStep * 1e3)
                + "\(steps) steps, \(threads) threads, BLAS \(blasCore); "
                + String(format: "loss %.3f -> %.3f)", firstLoss, lastLoss)
        }
    }

    /// Runs one warm-up step, then `steps` timed steps.
    /// - Precondition: `config.problem == nil`, `seqLen <= config.seqLen`, `steps > 0`.
    public static func run(config: LlamaConfig, batch: Int, seqLen: Int, steps: Int, threads: Int = 2, seed: UInt64 = 1) -> Result {
        precondition(steps > 0, "steps must be positive")
        let model = LlamaModel(config: config, seed: seed, threads: threads)
        model.reserve(batch: batch, seqLen: seqLen)
        let optimizer = AdamW(layout: model.layout)
        var rng = TrainingRNG(seed: seed &+ 1)
        // One fixed batch: the timing does not depend on the data, and the loss should fall.
        let tokens = (0..<(batch * seqLen + 1)).map { _ in Int32(truncatingIfNeeded: rng.next() % UInt64(config.vocab)) }
        let inputs = Array(tokens[0..<(batch * seqLen)])
        let targets = Array(tokens[1...])
        func step() -> Float {
            model.grads.zero()
            let loss = model.forwardBackward(inputs: inputs, targets: targets, batch: batch, seqLen: seqLen)
            clipGradNorm(model.grads, maxNorm: 1)
            optimizer.update(params: model.params, grads: model.grads, lr: 1e-3)
            return loss
        }
        _ = step()
        var times: [Double] = []
        var losses: [Float] = []
        let clock = ContinuousClock()
        let cpuStart = processCPUSeconds()
        for _ in 0..<steps {
            var loss: Float = 0
            let elapsed = clock.measure { loss = step() }
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            losses.append(loss)
        }
        let cpu = (processCPUSeconds() - cpuStart) / Double(steps)
        let sorted = times.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        return Result(
            tokensPerSecond: Double(batch * seqLen) / median, medianStepSeconds: median, minStepSeconds: sorted[0],
            maxStepSeconds: sorted[sorted.count - 1], steps: steps, threads: threads, firstLoss: losses[0], lastLoss: losses[losses.count - 1],
            cpuSecondsPerStep: cpu, blasCore: BLASRuntime.coreName)
    }

    static func processCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
