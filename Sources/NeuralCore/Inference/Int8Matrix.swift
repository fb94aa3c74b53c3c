import CInt8Kernels

/// A weight matrix `[rows, cols]` quantised to int8 with one symmetric scale per row:
/// `W[r, c] ≈ scale[r] · q[r, c]`, `q ∈ [-127, 127]`.
///
/// Why int8 at all: a decode step reads every weight once, so a single stream is bound by how
/// fast weights stream in. int8 moves a quarter of the bytes of fp32.
///
/// Why this kernel shape: Swift on Linux compiles for baseline x86-64 (SSE2: no AVX, no
/// `pmaddubsw`, no VNNI), and the one fast integer multiply SSE2 has is `pmaddwd`
/// (int16 × int16, adjacent pairs summed into int32). So activations are quantised to int16
/// (15 bits, nearly lossless) and weights are stored biased, `q + 128` as an unsigned byte.
/// Masking a 16-byte load with `0x00FF` per 16-bit word then yields the even weights as int16,
/// and the same load one byte later the odd ones: two loads, two `pand`, two `pmaddwd` per 16
/// multiply-adds, no shifts or shuffles (LLVM splits sign-extending shifts into halves, which
/// costs twice as much). The bias comes back out as `128 · Σx`, computed once per input.
///
/// Rows are zero-padded (bias included) to `stride`, a multiple of 16, so the kernels have no
/// tail; one spare byte after the last row keeps the odd load of the last block in bounds.
final class Int8Matrix {
    let rows: Int
    let cols: Int
    /// Bytes per stored row: `cols` rounded up to 16.
    let stride: Int
    /// `q + 128` per weight, row-major with `stride`.
    let values: UnsafeMutablePointer<UInt8>
    let scales: UnsafeMutablePointer<Float>

    /// Quantises `rows × cols` row-major floats. Rows of zeros get scale 0.
    init(quantizing weights: UnsafePointer<Float>, rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        stride = (cols + 15) / 16 * 16
        let bytes = rows * stride + 16
        values = .allocate(capacity: bytes)
        values.initialize(repeating: 128, count: bytes)
        scales = .allocate(capacity: max(1, rows))
        scales.initialize(repeating: 0, count: max(1, rows))
        for r in 0..<rows {
            let src = weights + r * cols
            var maxAbs: Float = 0
            for c in 0..<cols { maxAbs = max(maxAbs, abs(src[c])) }
            guard maxAbs > 0 else { continue }
            let scale = maxAbs / 127
            let inverse = 1 / scale
            let dst = values + r * stride
            for c in 0..<cols {
                let q = Int32(clamping: Int64((src[c] * inverse).rounded(.toNearestOrEven)))
                dst[c] = UInt8(min(127, max(-127, q)) + 128)
            }
            scales[r] = scale
        }
    }

    deinit {
        values.deallocate()
        scales.deallocate()
    }

    /// Bytes held (values and scales), for reports.
    var byteCount: Int { rows * stride + rows * MemoryLayout<Float>.stride }

    /// The quantised weight `q ∈ [-127, 127]` at `[r, c]`, for tests.
    func quantized(row r: Int, col c: Int) -> Int { Int(values[r * stride + c]) - 128 }

    /// The dequantised value at `[r, c]`, for tests.
    func value(row r: Int, col c: Int) -> Float { Float(quantized(row: r, col: c)) * scales[r] }

    // MARK: - Kernels

    /// `y[i, r] (+)= Σ_c W[r, c] · x[inputs.lowerBound + i, c]` for output rows `rowRange`.
    ///
    /// `y` points at the output row of the first input, row-major with leading dimension
    /// `ldy`; with `accumulate` the product is added (the residual connections use this to skip
    /// a separate add).
    func multiply(_ x: Int16Activations, inputs: Range<Int>, rows rowRange: Range<Int>,
                  into y: UnsafeMutablePointer<Float>, ldy: Int, accumulate: Bool) {
        precondition(stride <= x.rowPitch, "activations quantised for a narrower width")
        let batch = inputs.count
        if x.kernel != .portable {
            // The C kernels read activations in natural order (see Int16Activations.kernel).
            purr_int8_matmul(x.kernel.isa, values, stride, scales,
                             x.values + inputs.lowerBound * x.rowPitch, x.rowPitch, x.scales + inputs.lowerBound,
                             x.sums + inputs.lowerBound * x.maxBlocks, x.maxBlocks, Int8Matrix.blockChunks * 16,
                             batch, rowRange.lowerBound, rowRange.upperBound,
                             y, ldy, accumulate ? 1 : 0)
            return
        }
        let chunks = stride / 16
        let blocks = (chunks + Int8Matrix.blockChunks - 1) / Int8Matrix.blockChunks
        let xRowBytes = x.rowPitch * 2
        let xv = UnsafeRawPointer(x.values) + inputs.lowerBound * xRowBytes
        let xs = x.scales + inputs.lowerBound
        let xSums = x.sums + inputs.lowerBound * x.maxBlocks
        let sumPitch = x.maxBlocks
        let wv = UnsafeRawPointer(values)
        var r = rowRange.lowerBound
        let end = rowRange.upperBound
        if batch == 1 {
            // Four weight rows share each activation load.
            let xScale = xs[0]
            while r + 4 <= end {
                var total = SIMD4<Float>()
                for k in 0..<blocks {
                    let first = k &* Int8Matrix.blockChunks
                    let d = Int8Matrix.dot4(wv + r * stride, stride: stride, x: xv, from: first,
                                            to: min(chunks, first &+ Int8Matrix.blockChunks))
                    total += InferenceSIMD.float(d &- 128 &* xSums[k])
                }
                for i in 0..<4 {
                    let v = total[i] * scales[r + i] * xScale
                    y[r + i] = accumulate ? y[r + i] + v : v
                }
                r += 4
            }
            while r < end {
                let v = rowDot(wv + r * stride, x: xv, sums: xSums, chunks: chunks, blocks: blocks) * xScale * scales[r]
                y[r] = accumulate ? y[r] + v : v
                r += 1
            }
            return
        }
        // Batched: each weight block is loaded and masked once and used by four inputs.
        while r < end {
            let w = wv + r * stride
            let rowScale = scales[r]
            var b = 0
            while b + 4 <= batch {
                var total = SIMD4<Float>()
                for k in 0..<blocks {
                    let first = k &* Int8Matrix.blockChunks
                    let d = Int8Matrix.dotBatch4(w, x: xv + b * xRowBytes, xRowBytes: xRowBytes, from: first,
                                                 to: min(chunks, first &+ Int8Matrix.blockChunks))
                    let s = xSums + b * sumPitch + k
                    total += InferenceSIMD.float(d &- 128 &* SIMD4(s[0], s[sumPitch], s[2 * sumPitch], s[3 * sumPitch]))
                }
                for i in 0..<4 {
                    let v = total[i] * rowScale * xs[b + i]
                    let p = y + (b + i) * ldy + r
                    p.pointee = accumulate ? p.pointee + v : v
                }
                b += 4
            }
            while b < batch {
                let v = rowDot(w, x: xv + b * xRowBytes, sums: xSums + b * sumPitch, chunks: chunks, blocks: blocks)
                    * rowScale * xs[b]
                let p = y + b * ldy + r
                p.pointee = accumulate ? p.pointee + v : v
                b += 1
            }
            r += 1
        }
    }

    /// 64 blocks of 16 = 1024 products: `1024 · 127 · 16383 < 2³¹`, so a block's true sum fits
    /// int32 (intermediate wrap-around of the biased sum cancels exactly).
    static let blockChunks = 64

    /// One row · one input, unscaled.
    @inline(__always)
    private func rowDot(_ w: UnsafeRawPointer, x: UnsafeRawPointer, sums: UnsafePointer<Int32>, chunks: Int, blocks: Int) -> Float {
        var total: Float = 0
        for k in 0..<blocks {
            let first = k &* Int8Matrix.blockChunks
            let d = Int8Matrix.dot1(w, x: x, from: first, to: min(chunks, first &+ Int8Matrix.blockChunks))
            total += Float(d &- 128 &* sums[k])
        }
        return total
    }

    @inline(__always)
    static func madd(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Int32> { InferenceSIMD.multiplyAddPairs(a, b) }

    /// Even and odd biased weights of a 16-byte block, each widened to int16.
    @inline(__always)
    static func weights(_ w: UnsafeRawPointer, _ offset: Int) -> (SIMD8<Int16>, SIMD8<Int16>) {
        (w.loadUnaligned(fromByteOffset: offset, as: SIMD8<Int16>.self) & 0x00FF,
         w.loadUnaligned(fromByteOffset: offset &+ 1, as: SIMD8<Int16>.self) & 0x00FF)
    }

    /// Blocks `from..<to` of one row · one input, biased (see ``blockChunks``).
    @inline(__always)
    static func dot1(_ w: UnsafeRawPointer, x: UnsafeRawPointer, from: Int, to: Int) -> Int32 {
        var acc = SIMD4<Int32>()
        var c = from
        while c < to {
            let (even, odd) = weights(w, c &* 16)
            acc &+= madd(even, x.loadUnaligned(fromByteOffset: c &* 32, as: SIMD8<Int16>.self))
                &+ madd(odd, x.loadUnaligned(fromByteOffset: c &* 32 &+ 16, as: SIMD8<Int16>.self))
            c &+= 1
        }
        return acc.wrappedSum()
    }

    /// Four consecutive rows · one input.
    @inline(__always)
    static func dot4(_ w: UnsafeRawPointer, stride: Int, x: UnsafeRawPointer, from: Int, to: Int) -> SIMD4<Int32> {
        let w1 = w + stride, w2 = w + 2 * stride, w3 = w + 3 * stride
        var a0 = SIMD4<Int32>(), a1 = SIMD4<Int32>(), a2 = SIMD4<Int32>(), a3 = SIMD4<Int32>()
        var c = from
        while c < to {
            let xe = x.loadUnaligned(fromByteOffset: c &* 32, as: SIMD8<Int16>.self)
            let xo = x.loadUnaligned(fromByteOffset: c &* 32 &+ 16, as: SIMD8<Int16>.self)
            let o = c &* 16
            var (even, odd) = weights(w, o)
            a0 &+= madd(even, xe) &+ madd(odd, xo)
            (even, odd) = weights(w1, o)
            a1 &+= madd(even, xe) &+ madd(odd, xo)
            (even, odd) = weights(w2, o)
            a2 &+= madd(even, xe) &+ madd(odd, xo)
            (even, odd) = weights(w3, o)
            a3 &+= madd(even, xe) &+ madd(odd, xo)
            c &+= 1
        }
        return SIMD4(a0.wrappedSum(), a1.wrappedSum(), a2.wrappedSum(), a3.wrappedSum())
    }

    /// One row · four inputs `xRowBytes` apart.
    @inline(__always)
    static func dotBatch4(_ w: UnsafeRawPointer, x: UnsafeRawPointer, xRowBytes: Int, from: Int, to: Int) -> SIMD4<Int32> {
        let x1 = x + xRowBytes, x2 = x + 2 * xRowBytes, x3 = x + 3 * xRowBytes
        var a0 = SIMD4<Int32>(), a1 = SIMD4<Int32>(), a2 = SIMD4<Int32>(), a3 = SIMD4<Int32>()
        var c = from
        while c < to {
            let (even, odd) = weights(w, c &* 16)
            let o = c &* 32
            a0 &+= madd(even, x.loadUnaligned(fromByteOffset: o, as: SIMD8<Int16>.self))
                &+ madd(odd, x.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD8<Int16>.self))
            a1 &+= madd(even, x1.loadUnaligned(fromByteOffset: o, as: SIMD8<Int16>.self))
                &+ madd(odd, x1.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD8<Int16>.self))
            a2 &+= madd(even, x2.loadUnaligned(fromByteOffset: o, as: SIMD8<Int16>.self))
                &+ madd(odd, x2.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD8<Int16>.self))
            a3 &+= madd(even, x3.loadUnaligned(fromByteOffset: o, as: SIMD8<Int16>.self))
                &+ madd(odd, x3.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD8<Int16>.self))
            c &+= 1
        }
        return SIMD4(a0.wrappedSum(), a1.wrappedSum(), a2.wrappedSum(), a3.wrappedSum())
    }
}

/// A batch of activation vectors quantised to int16 for ``Int8Matrix/multiply(_:inputs:rows:into:ldy:accumulate:)``:
/// one symmetric scale per vector, magnitudes ≤ 16383, and per 1024-wide block the sum of the
/// quantised values (to remove the weights' +128 bias).
///
/// Layout per vector: for the portable kernel, blocks of 16 values, each stored as its 8 even
/// positions then its 8 odd positions (matching its even/odd weight loads); for the C kernels,
/// natural order (they widen weights in order). Zero-padded; vectors `rowPitch` apart whatever
/// their width, so that threads quantising disjoint rows share nothing. Preallocated once for
/// the largest batch and width.
final class Int16Activations {
    /// The kernel these activations are laid out for.
    let kernel: Int8Kernel
    let capacity: Int
    /// Elements between consecutive vectors: the largest width rounded up to 16.
    let rowPitch: Int
    /// Block sums between consecutive vectors.
    let maxBlocks: Int
    let values: UnsafeMutablePointer<Int16>
    let scales: UnsafeMutablePointer<Float>
    /// `[capacity, maxBlocks]` sums of the quantised values of each block.
    let sums: UnsafeMutablePointer<Int32>

    init(capacity: Int, maxWidth: Int, kernel: Int8Kernel = .preferred) {
        self.kernel = kernel.isSupported ? kernel : .portable
        self.capacity = capacity
        rowPitch = (maxWidth + 15) / 16 * 16
        maxBlocks = max(1, (rowPitch / 16 + Int8Matrix.blockChunks - 1) / Int8Matrix.blockChunks)
        values = .allocate(capacity: capacity * rowPitch)
        values.initialize(repeating: 0, count: capacity * rowPitch)
        scales = .allocate(capacity: capacity)
        scales.initialize(repeating: 0, count: capacity)
        sums = .allocate(capacity: capacity * maxBlocks)
        sums.initialize(repeating: 0, count: capacity * maxBlocks)
    }

    deinit {
        values.deallocate()
        scales.deallocate()
        sums.deallocate()
    }

    /// Quantises vectors `rows` of width `width`; `x` points at the first of them, `ldx` apart.
    func quantize(_ x: UnsafePointer<Float>, rows: Range<Int>, width: Int, ldx: Int) {
        precondition(rows.upperBound <= capacity && width <= rowPitch, "activation buffer too small")
        let stride = (width + 15) / 16 * 16
        let blocks = max(1, (stride / 16 + Int8Matrix.blockChunks - 1) / Int8Matrix.blockChunks)
        for (i, b) in rows.enumerated() {
            quantizeOne(x + i * ldx, width: width, stride: stride, blocks: blocks, into: values + b * rowPitch,
                        scale: scales + b, sums: sums + b * maxBlocks)
        }
    }

    @inline(__always)
    private func quantizeOne(_ src: UnsafePointer<Float>, width: Int, stride: Int, blocks: Int,
                             into dst: UnsafeMutablePointer<Int16>,
                             scale: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Int32>) {
        let raw = UnsafeRawPointer(src)
        var m4 = SIMD4<Float>()
        var i = 0
        while i &+ 4 <= width {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self)
            let a = v.replacing(with: -v, where: v .< 0)
            m4.replace(with: a, where: .!(a .<= m4))   // NaN propagates
            i &+= 4
        }
        var maxAbs = m4.max()
        if m4.indices.contains(where: { m4[$0].isNaN }) { maxAbs = .nan }
        while i < width {
            maxAbs = abs(src[i]).isNaN ? .nan : max(maxAbs, abs(src[i]))
            i &+= 1
        }
        guard maxAbs > 0, maxAbs.isFinite else {
            dst.update(repeating: 0, count: stride)
            sums.update(repeating: 0, count: blocks)
            scale.pointee = maxAbs.isFinite ? 0 : .nan
            return
        }
        let inverse = 16383 / maxAbs
        scale.pointee = maxAbs / 16383
        for k in 0..<blocks { sums[k] = 0 }
        // Adding 1.5·2²³ rounds a float of magnitude < 2²² to the nearest integer (ties to even)
        // and leaves that integer in the low mantissa bits: no libm call, no conversion.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let bias = SIMD8<Int32>(repeating: 0x4B40_0000)
        let dr = UnsafeMutableRawPointer(dst)
        let natural = kernel != .portable
        var c = 0
        while c &+ 16 <= width {
            let v = raw.loadUnaligned(fromByteOffset: c &* 4, as: SIMD16<Float>.self)
            let e = unsafeBitCast(v.evenHalf * inverse + magic, to: SIMD8<Int32>.self) &- bias
            let o = unsafeBitCast(v.oddHalf * inverse + magic, to: SIMD8<Int32>.self) &- bias
            if natural {
                dr.storeBytes(of: InferenceSIMD.interleave(e, o), toByteOffset: c &* 2, as: SIMD16<Int16>.self)
            } else {
                dr.storeBytes(of: InferenceSIMD.narrow(e), toByteOffset: c &* 2, as: SIMD8<Int16>.self)
                dr.storeBytes(of: InferenceSIMD.narrow(o), toByteOffset: c &* 2 &+ 16, as: SIMD8<Int16>.self)
            }
            sums[c / 16 / Int8Matrix.blockChunks] &+= (e &+ o).wrappedSum()
            c &+= 16
        }
        if c < stride {
            // The last, partial block: zero-padded.
            let block = dst + c
            var sum: Int32 = 0
            for k in 0..<8 {
                let e = c + 2 * k, o = e + 1
                let qe: Int16 = e < width ? Int16((src[e] * inverse + 12_582_912) - 12_582_912) : 0
                let qo: Int16 = o < width ? Int16((src[o] * inverse + 12_582_912) - 12_582_912) : 0
                block[natural ? 2 * k : k] = qe
                block[natural ? 2 * k + 1 : 8 + k] = qo
                sum &+= Int32(qe) &+ Int32(qo)
            }
            sums[c / 16 / Int8Matrix.blockChunks] &+= sum
        }
    }
}
