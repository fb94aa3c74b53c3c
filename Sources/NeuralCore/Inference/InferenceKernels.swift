/// The element-wise pieces of the inference forward pass, over raw pointers.
///
/// Namespaced so they cannot collide with the trainer's layer functions in the same module.
/// Float reductions use explicit SIMD8 accumulators: Swift has no fast-math, so a scalar
/// `sum += a[i] * b[i]` loop is never vectorised.
enum InferenceKernels {
    /// `Σ a[i]·b[i]` over `n` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var i = 0
        while i &+ 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: i &* 4 &+ 32, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i &* 4 &+ 32, as: SIMD8<Float>.self)
            i &+= 16
        }
        if i &+ 8 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        var sum = (acc0 + acc1).sum()
        while i < n {
            sum += a[i] * b[i]
            i &+= 1
        }
        return sum
    }

    /// RMSNorm, Hugging Face Llama convention: `y = x · rsqrt(mean(x²) + eps) · w`.
    // input (n) -> output (n); `y` may equal `x`
    @inline(__always)
    static func rmsnorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, eps: Float,
                        into y: UnsafeMutablePointer<Float>, _ n: Int) {
        let meanSquare = dot(x, x, n) / Float(n)
        let inverse = 1 / (meanSquare + eps).squareRoot()
        for i in 0..<n { y[i] = x[i] * inverse * weight[i] }
    }

    /// `e^x` for four floats at once: Cephes' `expf` (Cody–Waite reduction, degree-6
    /// polynomial, 2ⁿ built in the exponent bits), within 2 ulp of libm on the range used here.
    /// A libm call per score was 4 % of a decode step.
    @inline(__always)
    static func exp4(_ v: SIMD4<Float>) -> SIMD4<Float> {
        let magic = SIMD4<Float>(repeating: 12_582_912)   // 1.5·2²³: adding it rounds to an integer
        var x = v.replacing(with: 88.72283, where: v .> 88.72283)
        x.replace(with: -87.33654, where: .!(x .>= -87.33654))   // also maps NaN and −∞ to the floor
        let n = (x * 1.442695 + magic) - magic
        x = x - n * 0.693359375 + n * 2.12194440e-4
        let z = x * x
        var y = SIMD4<Float>(repeating: 1.9875691500e-4)
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * z + x + 1
        let exponent = (unsafeBitCast(n + magic, to: SIMD4<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: SIMD4<Float>.self)
    }

    /// Scalar `e^x` through ``exp4(_:)``, so tails round exactly like the vector body.
    @inline(__always)
    static func exp1(_ v: Float) -> Float { exp4(SIMD4(repeating: v))[0] }

    /// In-place softmax of `n` scores.
    @inline(__always)
    static func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        let raw = UnsafeMutableRawPointer(x)
        var m4 = SIMD4<Float>(repeating: -.infinity)
        var i = 0
        while i &+ 4 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self)
            m4.replace(with: v, where: v .> m4)
            i &+= 4
        }
        var maxValue = m4.max()
        while i < n {
            maxValue = max(maxValue, x[i])
            i &+= 1
        }
        let m = SIMD4<Float>(repeating: maxValue)
        var sum4 = SIMD4<Float>()
        i = 0
        while i &+ 4 <= n {
            let e = exp4(raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self) - m)
            raw.storeBytes(of: e, toByteOffset: i &* 4, as: SIMD4<Float>.self)
            sum4 += e
            i &+= 4
        }
        var sum = sum4.sum()
        while i < n {
            let e = exp1(x[i] - maxValue)
            x[i] = e
            sum += e
            i &+= 1
        }
        let inverse = 1 / sum
        for j in 0..<n { x[j] *= inverse }
    }

    /// SwiGLU's gate: `g[i] = silu(g[i]) · u[i]`, `silu(v) = v / (1 + e^-v)`.
    @inline(__always)
    static func swiglu(_ g: UnsafeMutablePointer<Float>, _ u: UnsafePointer<Float>, _ n: Int) {
        let rg = UnsafeMutableRawPointer(g), ru = UnsafeRawPointer(u)
        var i = 0
        while i &+ 4 <= n {
            let v = rg.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self)
            let w = ru.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self)
            rg.storeBytes(of: v / (1 + exp4(-v)) * w, toByteOffset: i &* 4, as: SIMD4<Float>.self)
            i &+= 4
        }
        while i < n {
            let v = g[i]
            g[i] = v / (1 + exp1(-v)) * u[i]
            i &+= 1
        }
    }

    /// Rotary embedding, Hugging Face "rotate_half" convention, on every head of a vector.
    ///
    /// For each head `h` (size `headDim`) and `i < headDim/2`:
    /// `h'[i] = h[i]·cos − h[i+half]·sin`, `h'[i+half] = h[i+half]·cos + h[i]·sin`,
    /// with `cos`/`sin` of `pos · θ^(−2i/headDim)` taken from the tables.
    @inline(__always)
    static func rope(_ v: UnsafeMutablePointer<Float>, heads: Int, headDim: Int,
                     cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let half = headDim / 2
        for h in 0..<heads {
            let p = v + h * headDim
            for i in 0..<half {
                let a = p[i], b = p[i + half]
                let c = cos[i], s = sin[i]
                p[i] = a * c - b * s
                p[i + half] = b * c + a * s
            }
        }
    }

    /// Causal attention of one query head over `count` cached positions:
    /// `out = Σ_t softmax_t(q·k_t · scale) · v_t`.
    ///
    /// Keys are stored transposed, `keysT[i · ldk + t]`, so that sixteen positions' scores are
    /// built in registers from contiguous loads, with no horizontal sum per position. Values
    /// are rows `rowStride` floats apart, accumulated sixteen dimensions at a time.
    // query (headDim), keysT (headDim, ldk), values (count, rowStride) -> out (headDim)
    @inline(__always)
    static func attend(query q: UnsafePointer<Float>, keysT: UnsafePointer<Float>, ldk: Int,
                       values: UnsafePointer<Float>, rowStride: Int, count: Int, headDim: Int, scale: Float,
                       scores: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let kr = UnsafeRawPointer(keysT), sr = UnsafeMutableRawPointer(scores)
        var t = 0
        while t &+ 16 <= count {
            var acc = SIMD16<Float>()
            for i in 0..<headDim {
                acc += SIMD16(repeating: q[i]) * kr.loadUnaligned(fromByteOffset: (i &* ldk &+ t) &* 4, as: SIMD16<Float>.self)
            }
            sr.storeBytes(of: acc * scale, toByteOffset: t &* 4, as: SIMD16<Float>.self)
            t &+= 16
        }
        while t &+ 4 <= count {
            var acc = SIMD4<Float>()
            for i in 0..<headDim {
                acc += SIMD4(repeating: q[i]) * kr.loadUnaligned(fromByteOffset: (i &* ldk &+ t) &* 4, as: SIMD4<Float>.self)
            }
            sr.storeBytes(of: acc * scale, toByteOffset: t &* 4, as: SIMD4<Float>.self)
            t &+= 4
        }
        while t < count {
            var acc: Float = 0
            for i in 0..<headDim { acc += q[i] * keysT[i &* ldk &+ t] }
            scores[t] = acc * scale
            t &+= 1
        }
        softmax(scores, count)

        let vr = UnsafeRawPointer(values), or = UnsafeMutableRawPointer(out)
        var d = 0
        while d &+ 16 <= headDim {
            var acc = SIMD16<Float>()
            for p in 0..<count {
                acc += SIMD16(repeating: scores[p]) * vr.loadUnaligned(fromByteOffset: (p &* rowStride &+ d) &* 4, as: SIMD16<Float>.self)
            }
            or.storeBytes(of: acc, toByteOffset: d &* 4, as: SIMD16<Float>.self)
            d &+= 16
        }
        while d &+ 4 <= headDim {
            var acc = SIMD4<Float>()
            for p in 0..<count {
                acc += SIMD4(repeating: scores[p]) * vr.loadUnaligned(fromByteOffset: (p &* rowStride &+ d) &* 4, as: SIMD4<Float>.self)
            }
            or.storeBytes(of: acc, toByteOffset: d &* 4, as: SIMD4<Float>.self)
            d &+= 4
        }
        while d < headDim {
            var acc: Float = 0
            for p in 0..<count { acc += scores[p] * values[p &* rowStride &+ d] }
            out[d] = acc
            d &+= 1
        }
    }
}
