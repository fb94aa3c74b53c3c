extension TrainingKernels {
    /// Shape of one causal self-attention call. `qkv` rows hold `[q (NH·hd) | k (KVH·hd) | v (KVH·hd)]`,
    /// the output of the fused q/k/v projection; query head `h` reads key/value head
    /// `h / (NH / KVH)` (Hugging Face's `repeat_kv`).
    struct AttentionShape {
        var batch: Int
        var seqLen: Int
        var heads: Int
        var kvHeads: Int
        var headDim: Int
        /// Rows are processed in blocks of this many, each against the keys up to its last row,
        /// so the masked upper triangle is mostly never computed.
        var rowBlock: Int = 64

        var qkvStride: Int { (heads + 2 * kvHeads) * headDim }
        var outStride: Int { heads * headDim }
        var group: Int { heads / kvHeads }
        var scale: Float { 1 / Float(headDim).squareRoot() }
    }

    /// Causal attention: qkv (B, T, (NH+2·KVH)·hd) -> out (B, T, NH·hd), probs (B, NH, T, T).
    /// `probs[b, h, t, j]` for `j ≤ t` is the softmax of `q_t·k_j / sqrt(hd)`; entries above the
    /// diagonal are zero within a row block and unwritten beyond it (never read).
    static func attentionForward(
        out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>,
        shape s: AttentionShape
    ) {
        let T = s.seqLen, hd = s.headDim, S = s.qkvStride
        for b in 0..<s.batch {
            let base = qkv + b &* T &* S
            for h in 0..<s.heads {
                let kvh = h / s.group
                let q = base + h &* hd
                let k = base + (s.heads &+ kvh) &* hd
                let v = base + (s.heads &+ s.kvHeads &+ kvh) &* hd
                let p = probs + (b &* s.heads &+ h) &* T &* T
                let o = out + b &* T &* s.outStride + h &* hd
                var r0 = 0
                while r0 < T {
                    let r1 = Swift.min(T, r0 + s.rowBlock)
                    // scores[r0..<r1, 0..<r1] = scale · Q[r0..<r1] · K[0..<r1]ᵀ
                    sgemm(transA: false, transB: true, m: r1 - r0, n: r1, k: hd, alpha: s.scale,
                          a: q + r0 &* S, lda: S, b: k, ldb: S, beta: 0, c: p + r0 &* T, ldc: T)
                    for t in r0..<r1 {
                        causalSoftmaxRow(p + t &* T, valid: t + 1, width: r1)
                    }
                    // out[r0..<r1] = P[r0..<r1, 0..<r1] · V[0..<r1]
                    sgemm(transA: false, transB: false, m: r1 - r0, n: hd, k: r1, alpha: 1,
                          a: p + r0 &* T, lda: T, b: v, ldb: S, beta: 0, c: o + r0 &* s.outStride, ldc: s.outStride)
                    r0 = r1
                }
            }
        }
    }

    /// Softmax over the first `valid` entries of a row; entries `valid..<width` become 0.
    @inline(__always)
    static func causalSoftmaxRow(_ row: UnsafeMutablePointer<Float>, valid: Int, width: Int) {
        let maxValue = max(row, valid)
        expInPlace(row, valid, shift: maxValue)
        let inv = 1 / sum(row, valid)
        for j in 0..<valid { row[j] *= inv }
        for j in valid..<width { row[j] = 0 }
    }

    /// dout (B, T, NH·hd) -> dqkv (B, T, (NH+2·KVH)·hd), overwritten. `scratch` holds T·T floats.
    ///
    /// Per head, with `P` the probabilities and `dP = dO·Vᵀ`: `dV += Pᵀ·dO`,
    /// `dS = P ⊙ (dP − rowsum(P ⊙ dP))`, `dQ = scale·dS·K`, `dK += scale·dSᵀ·Q`.
    /// K and V gradients accumulate over the query heads that share them.
    static func attentionBackward(
        dqkv: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
        qkv: UnsafePointer<Float>, probs: UnsafePointer<Float>, shape s: AttentionShape
    ) {
        let T = s.seqLen, hd = s.headDim, S = s.qkvStride
        dqkv.update(repeating: 0, count: s.batch &* T &* S)
        for b in 0..<s.batch {
            let base = qkv + b &* T &* S
            let dbase = dqkv + b &* T &* S
            for h in 0..<s.heads {
                let kvh = h / s.group
                let q = base + h &* hd, dq = dbase + h &* hd
                let k = base + (s.heads &+ kvh) &* hd, dk = dbase + (s.heads &+ kvh) &* hd
                let v = base + (s.heads &+ s.kvHeads &+ kvh) &* hd, dv = dbase + (s.heads &+ s.kvHeads &+ kvh) &* hd
                let p = probs + (b &* s.heads &+ h) &* T &* T
                let dO = dout + b &* T &* s.outStride + h &* hd
                var r0 = 0
                while r0 < T {
                    let r1 = Swift.min(T, r0 + s.rowBlock)
                    let rows = r1 - r0
                    let pb = p + r0 &* T, dpb = scratch + r0 &* T, dob = dO + r0 &* s.outStride
                    // dP[r0..<r1, 0..<r1] = dO[r0..<r1] · V[0..<r1]ᵀ
                    sgemm(transA: false, transB: true, m: rows, n: r1, k: hd, alpha: 1,
                          a: dob, lda: s.outStride, b: v, ldb: S, beta: 0, c: dpb, ldc: T)
                    // dV[0..<r1] += P[r0..<r1, 0..<r1]ᵀ · dO[r0..<r1]
                    sgemm(transA: true, transB: false, m: r1, n: hd, k: rows, alpha: 1,
                          a: pb, lda: T, b: dob, ldb: s.outStride, beta: 1, c: dv, ldc: S)
                    for t in r0..<r1 {
                        let pr = p + t &* T, dr = scratch + t &* T
                        let rowDot = dot(pr, dr, t + 1)
                        for j in 0...t { dr[j] = pr[j] * (dr[j] - rowDot) }
                        for j in (t + 1)..<r1 { dr[j] = 0 }
                    }
                    // dQ[r0..<r1] = scale · dS · K[0..<r1]
                    sgemm(transA: false, transB: false, m: rows, n: hd, k: r1, alpha: s.scale,
                          a: dpb, lda: T, b: k, ldb: S, beta: 0, c: dq + r0 &* S, ldc: S)
                    // dK[0..<r1] += scale · dSᵀ · Q[r0..<r1]
                    sgemm(transA: true, transB: false, m: r1, n: hd, k: rows, alpha: s.scale,
                          a: dpb, lda: T, b: q + r0 &* S, ldb: S, beta: 1, c: dk, ldc: S)
                    r0 = r1
                }
            }
        }
    }
}
