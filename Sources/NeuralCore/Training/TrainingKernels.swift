import CBLAS

/// The forward/backward pairs of every layer of the trainer, llm.c style.
///
/// Conventions, stated once: `B` batch, `T` sequence length, `N = B·T` rows, `C` model width,
/// `H` SwiGLU width, `NH` query heads, `KVH` key/value heads, `hd` head dimension, `V` vocabulary.
/// Every tensor is row-major Float32; a `(N, C)` tensor is `N` rows of `C` floats. Matrices are
/// `[out, in]` and a linear layer computes `y = x · Wᵀ`, as in PyTorch and Hugging Face.
///
/// Kernels take raw pointers so that callers hoist them once per step; every matrix product goes
/// through ``sgemm(transA:transB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``.
enum TrainingKernels {}

extension TrainingKernels {
    /// Row-major `C = alpha · op(A) · op(B) + beta · C`, with `op(A)` of shape `(m, k)` and `op(B)` of
    /// shape `(k, n)`. The one place that talks to OpenBLAS, so Int32 conversions live here only.
    @inline(__always)
    static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `exp(x)` to about 2 ulp, written without calls or branches so that the loops around it
    /// vectorize (glibc's `expf` is a call per element; softmax, cross-entropy and SiLU do ~40 M per
    /// R7 step). Cephes' polynomial with Cody–Waite range reduction; `x` is clamped to the range
    /// where the result is a normal float, so `exp(-1000)` gives ~1e-38 rather than 0.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -87.0), 88.0)
        // n = round(x / ln 2) by the 1.5·2²³ trick: pure arithmetic, so it vectorizes.
        let shifter: Float = 12_582_912.0
        let t = xc * 1.442_695_04 + shifter
        let n = t - shifter
        let r = xc - n * 0.693_359_375 + n * 2.121_944_4e-4
        let z = r * r
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_58e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let er = p * z + r + 1
        // 2ⁿ from the low mantissa bits of t, which hold n (two's complement, |n| ≤ 127).
        let nBits = Int32(bitPattern: t.bitPattern &- shifter.bitPattern)
        let scale = Float(bitPattern: UInt32(bitPattern: (nBits &+ 127) &<< 23))
        return er * scale
    }
}

extension TrainingKernels {
    // Reductions with several SIMD accumulators: a plain `s += x[i]` loop is one dependent add
    // per element (the compiler may not reorder float additions), 4–8× slower than these.

    /// Σ a[i]·b[i].
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i &+ 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
            i &+= 16
        }
        var s = (acc0 + acc1).sum()
        while i < n {
            s += a[i] * b[i]
            i &+= 1
        }
        return s
    }

    /// Σ a[i]·b[i]·c[i].
    @inline(__always)
    static func dot3(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ n: Int) -> Float {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), rc = UnsafeRawPointer(c)
        var acc = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= n {
            let o = i &* 4
            acc += ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
                * rc.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            i &+= 8
        }
        var s = acc.sum()
        while i < n {
            s += a[i] * b[i] * c[i]
            i &+= 1
        }
        return s
    }

    /// Σ a[i].
    @inline(__always)
    static func sum(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
        let ra = UnsafeRawPointer(a)
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        var i = 0
        while i &+ 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: (i &+ 8) &* 4, as: SIMD8<Float>.self)
            i &+= 16
        }
        var s = (acc0 + acc1).sum()
        while i < n {
            s += a[i]
            i &+= 1
        }
        return s
    }

    /// max a[i], for n ≥ 1. Eight independent chains (the generic SIMD `pointwiseMax` is not
    /// specialised across modules and ends up as a call per vector).
    @inline(__always)
    static func max(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
        var m0 = a[0], m1 = a[0], m2 = a[0], m3 = a[0], m4 = a[0], m5 = a[0], m6 = a[0], m7 = a[0]
        var i = 0
        while i &+ 8 <= n {
            m0 = Swift.max(m0, a[i]); m1 = Swift.max(m1, a[i &+ 1])
            m2 = Swift.max(m2, a[i &+ 2]); m3 = Swift.max(m3, a[i &+ 3])
            m4 = Swift.max(m4, a[i &+ 4]); m5 = Swift.max(m5, a[i &+ 5])
            m6 = Swift.max(m6, a[i &+ 6]); m7 = Swift.max(m7, a[i &+ 7])
            i &+= 8
        }
        while i < n {
            m0 = Swift.max(m0, a[i])
            i &+= 1
        }
        return Swift.max(Swift.max(Swift.max(m0, m1), Swift.max(m2, m3)), Swift.max(Swift.max(m4, m5), Swift.max(m6, m7)))
    }

    /// x[i] = exp(x[i] − shift) over n floats; a loop of its own so that it vectorizes.
    @inline(__always)
    static func expInPlace(_ x: UnsafeMutablePointer<Float>, _ n: Int, shift: Float) {
        for j in 0..<n { x[j] = exp(x[j] - shift) }
    }
}
