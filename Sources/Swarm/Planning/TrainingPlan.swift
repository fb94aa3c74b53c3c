/// `purr plan`: how long N runners would take to train a model of P parameters on T tokens over
/// their uplinks, against one H100 — the seed discussion's question, as arithmetic with stated
/// assumptions rather than a slogan.
///
/// Per DiLoCo round each runner computes `6·P·H·b` FLOPs (H local steps of b tokens; forward +
/// backward ≈ 6 FLOPs per parameter per token) at `flops × utilisation`, then uploads its delta
/// (`bytesPerParameter·P`) and downloads the new model (the same size) at `uplinkMbps` (the
/// slower direction of home links). Rounds are sequential (no overlap of compute and
/// communication). Rounds needed: `T·tokenPenalty / (N·H·b)`, where `tokenPenalty` is how many
/// more tokens the swarm needs than synchronous training for the same loss (1 at DiLoCo's
/// reported parity; the runs in docs/distributed.md are far from it at small H).
public struct TrainingPlan: Sendable, Equatable {
    public struct Device: Sendable, Equatable {
        public var name: String
        /// Peak FLOP/s for training arithmetic (dense bf16 for GPUs).
        public var flops: Double
        /// Share of peak a training run sustains (model FLOPs utilisation).
        public var utilisation: Double

        public init(name: String, flops: Double, utilisation: Double) {
            self.name = name
            self.flops = flops
            self.utilisation = utilisation
        }

        /// NVIDIA H100 SXM: 989 TFLOP/s dense bf16, at a typical 40 % MFU.
        public static let h100 = Device(name: "H100", flops: 989e12, utilisation: 0.40)
        /// A consumer GPU (RTX 4090 class): 165 TFLOP/s dense bf16, 35 % MFU.
        public static let consumerGPU = Device(name: "RTX 4090", flops: 165e12, utilisation: 0.35)
        /// This project's 2-core machines, measured: R7 (7.16 M parameters) trains at 5,087
        /// tokens/s (docs/benchmarks.md), i.e. 6 × 7.16e6 × 5,087 = 2.19e11 FLOP/s sustained.
        public static let twoCoreCPU = Device(name: "2-core CPU (measured)", flops: 6 * 7_155_360 * 5_087, utilisation: 1)
    }

    public var parameters: Double
    public var tokens: Double
    public var runners: Int
    public var uplinkMbps: Double
    public var device: Device
    public var innerSteps = 500
    public var tokensPerStep = 65_536.0
    /// 1.016 for block-int8 (one f32 scale per 256), 2 for fp16, 4 for fp32.
    public var bytesPerParameter = 1.016
    public var tokenPenalty = 1.0
    public var reference = Device.h100
    /// Price of one reference GPU-hour, for the cost line.
    public var referenceDollarsPerHour = 2.5

    public init(parameters: Double, tokens: Double, runners: Int, uplinkMbps: Double, device: Device) {
        self.parameters = parameters
        self.tokens = tokens
        self.runners = runners
        self.uplinkMbps = uplinkMbps
        self.device = device
    }

    public struct Estimate: Sendable, Equatable {
        public var rounds: Double
        public var computeSecondsPerRound: Double
        public var communicationSecondsPerRound: Double
        public var bytesPerRunnerPerRound: Double
        public var swarmSeconds: Double
        public var referenceSeconds: Double
        public var referenceDollars: Double
        /// Compute time over round time.
        public var utilisation: Double { computeSecondsPerRound / (computeSecondsPerRound + communicationSecondsPerRound) }
        /// Swarm time over one reference GPU's time: above 1, the H100 alone is faster.
        public var slowdown: Double { swarmSeconds / referenceSeconds }
    }

    public enum PlanError: Error, Equatable, CustomStringConvertible {
        case invalid(field: String, value: Double)

        public var description: String {
            switch self {
            case .invalid(let field, let value): "\(field) must be a positive, finite number (got \(value))"
            }
        }
    }

    public func estimate() throws(PlanError) -> Estimate {
        for (field, value) in [("parameters", parameters), ("tokens", tokens), ("runners", Double(runners)), ("uplinkMbps", uplinkMbps),
                               ("device flops", device.flops), ("device utilisation", device.utilisation), ("innerSteps", Double(innerSteps)),
                               ("tokensPerStep", tokensPerStep), ("bytesPerParameter", bytesPerParameter), ("tokenPenalty", tokenPenalty),
                               ("reference flops", reference.flops * reference.utilisation)] {
            guard value.isFinite, value > 0 else { throw .invalid(field: field, value: value) }
        }
        let tokensPerRunnerRound = Double(innerSteps) * tokensPerStep
        let rounds = (tokens * tokenPenalty / (Double(runners) * tokensPerRunnerRound)).rounded(.up)
        let compute = 6 * parameters * tokensPerRunnerRound / (device.flops * device.utilisation)
        let bytes = 2 * bytesPerParameter * parameters
        let communication = bytes * 8 / (uplinkMbps * 1e6)
        let referenceSeconds = 6 * parameters * tokens / (reference.flops * reference.utilisation)
        return Estimate(rounds: rounds, computeSecondsPerRound: compute, communicationSecondsPerRound: communication,
                        bytesPerRunnerPerRound: bytes, swarmSeconds: rounds * (compute + communication),
                        referenceSeconds: referenceSeconds, referenceDollars: referenceSeconds / 3600 * referenceDollarsPerHour)
    }
}
