extension TrainingKernels {
    /// SwiGLU gate: gu (N, 2H) holding `[gate | up]` (the fused gate/up projection)
    /// -> out (N, H) = silu(gate) ⊙ up, with `silu(g) = g·σ(g)`.
    static func swigluForward(out: UnsafeMutablePointer<Float>, gateUp: UnsafePointer<Float>, n: Int, hidden: Int) {
        for row in 0..<n {
            let g = gateUp + row &* (2 &* hidden)
            let u = g + hidden
            let o = out + row &* hidden
            for j in 0..<hidden {
                let x = g[j]
                o[j] = x / (1 + exp(-x)) * u[j]
            }
        }
    }

    /// dout (N, H) -> dgu (N, 2H) overwritten:
    /// `dgate = dout·up·σ(g)·(1 + g·(1 − σ(g)))`, `dup = dout·silu(g)`.
    static func swigluBackward(
        dGateUp: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, gateUp: UnsafePointer<Float>, n: Int, hidden: Int
    ) {
        for row in 0..<n {
            let g = gateUp + row &* (2 &* hidden)
            let u = g + hidden
            let dg = dGateUp + row &* (2 &* hidden)
            let du = dg + hidden
            let d = dout + row &* hidden
            for j in 0..<hidden {
                let x = g[j]
                let sig = 1 / (1 + exp(-x))
                dg[j] = d[j] * u[j] * sig * (1 + x * (1 - sig))
                du[j] = d[j] * x * sig
            }
        }
    }
}
