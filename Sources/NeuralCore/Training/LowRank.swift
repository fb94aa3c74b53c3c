/// The two matrix products of low-rank adapters (LoRA, Hu et al. 2021) on an `[out, in]` weight:
/// the merged weight `W = W₀ + s·B·A` with `B` `[out, r]` and `A` `[r, in]`, and, from the
/// gradient `G = ∂L/∂W` the trainer already computes, the adapters' gradients
/// `∂L/∂B = s·G·Aᵀ` and `∂L/∂A = s·Bᵀ·G` (exact: W is linear in A and B).
public enum LowRank {
    /// `merged = base + scale · B · A`.
    public static func merge(base: UnsafePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, scale: Float,
                             out: Int, in inputs: Int, rank: Int, into merged: UnsafeMutablePointer<Float>) {
        merged.update(from: base, count: out * inputs)
        TrainingKernels.sgemm(transA: false, transB: false, m: out, n: inputs, k: rank, alpha: scale,
                              a: b, lda: rank, b: a, ldb: inputs, beta: 1, c: merged, ldc: inputs)
    }

    /// `gradB = scale · G · Aᵀ` and `gradA = scale · Bᵀ · G` (both overwritten).
    public static func factorGradients(g: UnsafePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, scale: Float,
                                       out: Int, in inputs: Int, rank: Int,
                                       gradA: UnsafeMutablePointer<Float>, gradB: UnsafeMutablePointer<Float>) {
        TrainingKernels.sgemm(transA: false, transB: true, m: out, n: rank, k: inputs, alpha: scale,
                              a: g, lda: inputs, b: a, ldb: inputs, beta: 0, c: gradB, ldc: rank)
        TrainingKernels.sgemm(transA: true, transB: false, m: rank, n: inputs, k: out, alpha: scale,
                              a: b, lda: rank, b: g, ldb: inputs, beta: 0, c: gradA, ldc: inputs)
    }
}
