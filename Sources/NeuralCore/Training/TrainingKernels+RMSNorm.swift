extension TrainingKernels {
    /// RMSNorm as in Hugging Face Llama: `y = x · rsqrt(mean(x²) + eps) · w`.
    /// x (N, C), weight (C) -> out (N, C), rstd (N) kept for the backward pass.
    static func rmsnormForward(
        out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, n: Int, c: Int, eps: Float
    ) {
        for row in 0..<n {
            let xr = x + row &* c
            let yr = out + row &* c
            let ss = dot(xr, xr, c)
            let r = 1 / (ss / Float(c) + eps).squareRoot()
            rstd[row] = r
            for j in 0..<c { yr[j] = xr[j] * r * weight[j] }
        }
    }

    /// dout (N, C) -> dx (N, C) **+=**, dweight (C) **+=**.
    ///
    /// With `r = rsqrt(mean(x²) + eps)`: `dx_j = r·dy_j·w_j − r³·x_j/C · Σ_i dy_i·w_i·x_i`.
    /// Accumulating into `dx` lets the caller pass the residual stream's gradient directly.
    static func rmsnormBackward(
        dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, rstd: UnsafePointer<Float>, n: Int, c: Int
    ) {
        for row in 0..<n {
            let xr = x + row &* c
            let dyr = dout + row &* c
            let dxr = dx + row &* c
            let r = rstd[row]
            let k = r * r * r * dot3(dyr, weight, xr, c) / Float(c)
            for j in 0..<c {
                dweight[j] += dyr[j] * xr[j] * r
                dxr[j] += r * dyr[j] * weight[j] - k * xr[j]
            }
        }
    }
}
