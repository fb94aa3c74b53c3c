import Foundation
@testable import NeuralCore
import Testing

@Suite struct OptimizerTests {
    @Test func adamWMatchesTheReferenceUpdateAndSkipsDecayOnNorms() {
        let layout = ParameterLayout(config: .gradientCheck)
        let params = ParameterStore(layout: layout), grads = ParameterStore(layout: layout)
        let p0 = randomFloats(layout.totalCount, seed: 1), g0 = randomFloats(layout.totalCount, seed: 2)
        _ = params.buffer.update(fromContentsOf: p0)
        _ = grads.buffer.update(fromContentsOf: g0)
        let adam = AdamW(layout: layout, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1)
        let lr: Float = 0.01
        adam.update(params: params, grads: grads, lr: lr)
        adam.update(params: params, grads: grads, lr: lr)
        // PyTorch AdamW, two steps with the same gradient, in Double.
        let norm = layout.entry("model.layers.0.input_layernorm.weight")!.offset
        let matrix = layout.entry("model.layers.0.mlp.up_proj.weight")!.offset + 3
        for (i, decays) in [(norm, false), (matrix, true)] {
            var p = Double(p0[i]), m = 0.0, v = 0.0
            let g = Double(g0[i])
            for t in 1...2 {
                if decays { p -= 0.01 * 0.1 * p }
                m = 0.9 * m + 0.1 * g
                v = 0.99 * v + 0.01 * g * g
                let mHat = m / (1 - pow(0.9, Double(t))), vHat = v / (1 - pow(0.99, Double(t)))
                p -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            }
            #expect(abs(Double(params.pointer[i]) - p) < 1e-6, "index \(i)")
        }
        #expect(adam.step == 2)
    }

    @Test func clipGradNormReturnsTheNormAndScalesDown() {
        let layout = ParameterLayout(config: .gradientCheck)
        let grads = ParameterStore(layout: layout)
        grads.pointer[0] = 3
        grads.pointer[layout.totalCount - 1] = 4
        #expect(clipGradNorm(grads, maxNorm: 10) == 5)
        #expect(grads.pointer[0] == 3)
        #expect(clipGradNorm(grads, maxNorm: 1) == 5)
        #expect(abs(grads.pointer[0] - 0.6) < 1e-6 && abs(grads.pointer[layout.totalCount - 1] - 0.8) < 1e-6)
    }

    @Test func learningRateWarmsUpLinearlyThenFollowsACosineToTheFloor() {
        let s = LearningRateSchedule(peak: 1e-3, floor: 1e-4, warmupSteps: 10, totalSteps: 110)
        #expect(abs(s.rate(at: 0) - 1e-4) < 1e-9)
        #expect(abs(s.rate(at: 4) - 5e-4) < 1e-9)
        #expect(abs(s.rate(at: 10) - 1e-3) < 1e-9)
        #expect(abs(s.rate(at: 60) - 5.5e-4) < 1e-8)
        #expect(abs(s.rate(at: 110) - 1e-4) < 1e-9)
        #expect(abs(s.rate(at: 500) - 1e-4) < 1e-9)
        let rates = (10...110).map(s.rate(at:))
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func rngIsSeededAndRestoresFromItsState() {
        var a = TrainingRNG(seed: 42)
        _ = (0..<5).map { _ in a.next() }
        var b = TrainingRNG(state: a.state)!
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        #expect(TrainingRNG(state: [0, 0, 0, 0]) == nil)
        var c = TrainingRNG(seed: 7)
        let g = (0..<20_000).map { _ in Double(c.nextGaussian()) }
        let mean = g.reduce(0, +) / 20_000, variance = g.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20_000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
    }
}

@Suite struct BLASRuntimeTests {
    @Test func picksTheWidestKernelTheCPUFlagsAllow() {
        let avx512: Set = ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"]
        #expect(BLASRuntime.bestCoreType(flags: avx512) == "SkylakeX")
        #expect(BLASRuntime.bestCoreType(flags: ["avx", "avx2", "fma"]) == "Haswell")
        #expect(BLASRuntime.bestCoreType(flags: ["sse2"]) == nil)
    }

    @Test func kernelsAreNotLeftOnTheGenericFallbackWhenTheCPUHasAVX2() {
        BLASRuntime.selectKernels()
        let flags = BLASRuntime.cpuFlags()
        if BLASRuntime.bestCoreType(flags: flags) != nil, ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil {
            #expect(BLASRuntime.coreName.lowercased() != "prescott")
        }
    }
}
