import ArgumentParser
import Foundation
import Swarm

/// `purr plan`: AI-runner training time against one H100, from the formula in `TrainingPlan`.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate how long N runners take to train a model over their uplinks, against one H100.")

    @Option(help: "Model parameters (e.g. 2e6, 1e9).")
    var params: Double

    @Option(help: "Training tokens (default: 20 per parameter).")
    var tokens: Double?

    @Option(help: "Runners.")
    var runners: Int

    @Option(help: "Each runner's uplink, Mb/s.")
    var uplink: Double

    @Option(help: "Device: h100, gpu (RTX 4090 class), cpu (this project's measured 2-core machines), or peak FLOP/s as a number.")
    var device = "gpu"

    @Option(help: "Utilisation of a numeric --device (0-1).")
    var utilisation = 0.35

    @Option(help: "Local steps per round (H).")
    var innerSteps = 500

    @Option(help: "Tokens per local step per runner.")
    var tokensPerStep = 65_536.0

    @Option(help: "Bytes per parameter uploaded and downloaded (1.016 int8 blocks, 2 fp16, 4 fp32).")
    var bytesPerParameter = 1.016

    @Option(help: "How many more tokens the swarm needs than synchronous training for the same loss.")
    var tokenPenalty = 1.0

    func run() throws {
        let chosen: TrainingPlan.Device
        switch device {
        case "h100": chosen = .h100
        case "gpu": chosen = .consumerGPU
        case "cpu": chosen = .twoCoreCPU
        default:
            guard let flops = Double(device) else { throw ValidationError("--device must be h100, gpu, cpu or a number of FLOP/s") }
            chosen = TrainingPlan.Device(name: "\(device) FLOP/s", flops: flops, utilisation: utilisation)
        }
        var plan = TrainingPlan(parameters: params, tokens: tokens ?? 20 * params, runners: runners, uplinkMbps: uplink, device: chosen)
        plan.innerSteps = innerSteps
        plan.tokensPerStep = tokensPerStep
        plan.bytesPerParameter = bytesPerParameter
        plan.tokenPenalty = tokenPenalty
        let e: TrainingPlan.Estimate
        do { e = try plan.estimate() } catch { throw ValidationError(error.description) }
        func duration(_ s: Double) -> String {
            s < 60 ? String(format: "%.2f s", s) : s < 3600 ? String(format: "%.1f min", s / 60) : s < 172_800 ? String(format: "%.1f h", s / 3600) : String(format: "%.1f days", s / 86_400)
        }
        print(String(format: "%.3g parameters, %.3g tokens, %d runners × %@ at %.0f Mb/s, H = %d, %.0f tokens per step",
                     params, plan.tokens, runners, chosen.name, uplink, innerSteps, tokensPerStep))
        print(String(format: "rounds: %.0f; per round: compute %.1f s, transfer %.1f s (%.1f MB each way per runner); utilisation %.1f%%",
                     e.rounds, e.computeSecondsPerRound, e.communicationSecondsPerRound, e.bytesPerRunnerPerRound / 2e6, e.utilisation * 100))
        print("swarm: \(duration(e.swarmSeconds)); one H100 (40 % MFU): \(duration(e.referenceSeconds)), about $"
              + String(format: "%.0f", e.referenceDollars) + " at $2.50/h")
        print(e.slowdown >= 1 ? String(format: "the H100 alone is %.1f× faster", e.slowdown) : String(format: "the swarm is %.1f× faster", 1 / e.slowdown))
    }
}
