extension TrainingKernels {
    /// Linear layer without bias: x (N, in) · W (out, in)ᵀ -> y (N, out).
    /// `accumulate` adds into `y` (a residual connection) instead of overwriting it.
    static func linearForward(
        y: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        n: Int, inDim: Int, outDim: Int, accumulate: Bool = false
    ) {
        sgemm(transA: false, transB: true, m: n, n: outDim, k: inDim, alpha: 1,
              a: x, lda: inDim, b: weight, ldb: inDim, beta: accumulate ? 1 : 0, c: y, ldc: outDim)
    }

    /// dy (N, out) -> dx (N, in) = dy · W (overwritten, or added with `accumulateInput`),
    /// dW (out, in) **+=** dyᵀ · x.
    static func linearBackward(
        dx: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>, dy: UnsafePointer<Float>,
        x: UnsafePointer<Float>, weight: UnsafePointer<Float>, n: Int, inDim: Int, outDim: Int,
        accumulateInput: Bool = false
    ) {
        sgemm(transA: false, transB: false, m: n, n: inDim, k: outDim, alpha: 1,
              a: dy, lda: outDim, b: weight, ldb: inDim, beta: accumulateInput ? 1 : 0, c: dx, ldc: inDim)
        sgemm(transA: true, transB: false, m: outDim, n: inDim, k: n, alpha: 1,
              a: dy, lda: outDim, b: x, ldb: inDim, beta: 1, c: dweight, ldc: inDim)
    }
}
