/// The keys and values of every stream, every layer and every position so far, and causal
/// attention over them.
///
/// Why two formats: at 8 streams the cache, not the weights, is what a decode step reads most
/// (8 streams × 6 layers × 128 positions × 2 × 288 floats ≈ 14 MB per step on R7 halfway
/// through, against 7 MB of int8 weights), and that comes from L3. `int16` halves it and does
/// the query·key products with `pmaddwd`; `fp32` keeps the cache exact.
///
/// - `fp32`: keys transposed per kv head, `[layer][stream][kvHead][headDim][seq]`, so sixteen
///   positions' scores are built from contiguous loads with no horizontal sum per position;
///   values `[layer][stream][seq][kvDim]`.
/// - `int16`: one symmetric scale per (position, kv head) for keys and for values, 15 bits
///   each; every `pmaddwd` result is summed in float, so nothing can overflow. Each kv head's
///   keys and values are stored in exactly the order attention reads them, so one head is two
///   contiguous streams (the prefetcher cannot follow 24 short strided rows, and a strided
///   layout left attention waiting on L3). Keys: blocks of 16 positions,
///   `[seq/16][headDim/2][16][2]` (a dimension pair of four positions per `pmaddwd` against
///   the broadcast query pair). Values: blocks of 8 positions, `[seq/8][headDim][8]` (eight
///   positions of one dimension per `pmaddwd` against the softmax weights, which carry each
///   position's value scale and are quantised per head).
///
/// `seq` is `maxSeq` rounded up to 16 so that the kernels read whole blocks; entries past a
/// stream's position are never used (their scores are dropped, their weights are zero).
final class InferenceKVCache {
    typealias Format = InferenceSession.KVCacheFormat

    let format: Format
    let layers: Int
    let streams: Int
    let maxSeq: Int
    /// Positions per stored row: `maxSeq` rounded up to 16.
    let seqStride: Int
    let kvHeads: Int
    let headDim: Int
    var kvDim: Int { kvHeads * headDim }

    private let keys: UnsafeMutableRawPointer
    private let values: UnsafeMutableRawPointer
    /// int16 only: `[layer][stream][kvHead][seqStride]`.
    private let keyScales: UnsafeMutablePointer<Float>
    private let valueScales: UnsafeMutablePointer<Float>

    init(format: Format, layers: Int, streams: Int, maxSeq: Int, kvHeads: Int, headDim: Int) {
        self.format = format
        self.layers = layers
        self.streams = streams
        self.maxSeq = maxSeq
        seqStride = (maxSeq + 15) / 16 * 16
        self.kvHeads = kvHeads
        self.headDim = headDim
        let elements = layers * streams * seqStride * kvHeads * headDim
        let bytes = elements * (format == .fp32 ? 4 : 2)
        keys = .allocate(byteCount: max(16, bytes), alignment: 64)
        keys.initializeMemory(as: UInt8.self, repeating: 0, count: max(16, bytes))
        values = .allocate(byteCount: max(16, bytes), alignment: 64)
        values.initializeMemory(as: UInt8.self, repeating: 0, count: max(16, bytes))
        let scaleCount = format == .int16 ? layers * streams * kvHeads * seqStride : 1
        keyScales = .allocate(capacity: scaleCount)
        keyScales.initialize(repeating: 0, count: scaleCount)
        valueScales = .allocate(capacity: scaleCount)
        valueScales.initialize(repeating: 0, count: scaleCount)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
        keyScales.deallocate()
        valueScales.deallocate()
    }

    /// Bytes of keys and values one position of one stream takes, all layers.
    var bytesPerPosition: Int { layers * 2 * kvDim * (format == .fp32 ? 4 : 2) }

    /// First element of (layer, stream, kvHead) in the key or value store.
    @inline(__always)
    private func headBase(_ layer: Int, _ stream: Int, _ kvHead: Int) -> Int {
        ((layer * streams + stream) * kvHeads + kvHead) * headDim * seqStride
    }

    @inline(__always)
    private func scaleBase(_ layer: Int, _ stream: Int, _ kvHead: Int) -> Int {
        ((layer * streams + stream) * kvHeads + kvHead) * seqStride
    }

    /// Stores the (already rotated) key and the value of one position.
    // key (kvDim), value (kvDim)
    func write(layer: Int, stream: Int, position t: Int, key: UnsafePointer<Float>, value: UnsafePointer<Float>) {
        for g in 0..<kvHeads {
            let k = key + g * headDim, v = value + g * headDim
            let base = headBase(layer, stream, g)
            switch format {
            case .fp32:
                let kt = keys.assumingMemoryBound(to: Float.self) + base + t
                for i in 0..<headDim { kt[i * seqStride] = k[i] }
                // Values: rows of kvDim per position, so this head's slice of row t.
                let rows = values.assumingMemoryBound(to: Float.self) + (layer * streams + stream) * seqStride * kvDim
                (rows + t * kvDim + g * headDim).update(from: v, count: headDim)
            case .int16:
                let s = scaleBase(layer, stream, g) + t
                // Keys: the pair (2p, 2p+1) of position t is one 32-bit word, pairs 64 bytes apart.
                let kInverse = InferenceKVCache.inverseScale(k, headDim, scale: &keyScales[s])
                let keyWords = UnsafeMutableRawPointer(keys.assumingMemoryBound(to: Int16.self) + base
                                                       + (t >> 4) * headDim * 16 + (t & 15) * 2)
                for p in 0..<(headDim / 2) {
                    let a = UInt16(bitPattern: InferenceSIMD.roundToInt16(k[2 * p] * kInverse))
                    let b = UInt16(bitPattern: InferenceSIMD.roundToInt16(k[2 * p + 1] * kInverse))
                    keyWords.storeBytes(of: UInt32(a) | UInt32(b) << 16, toByteOffset: p &* 64, as: UInt32.self)
                }
                // Values: dimension i of position t, dimensions 16 bytes apart.
                let vInverse = InferenceKVCache.inverseScale(v, headDim, scale: &valueScales[s])
                let valueBlock = values.assumingMemoryBound(to: Int16.self) + base + (t >> 3) * headDim * 8 + (t & 7)
                for i in 0..<headDim { valueBlock[i &* 8] = InferenceSIMD.roundToInt16(v[i] * vInverse) }
            }
        }
    }

    /// Sets `scale` so that `x / scale` spans ±32767 and returns `1 / scale` (0 for a zero or
    /// non-finite vector, which then stores zeros; the scale records NaN for non-finite input).
    @inline(__always)
    private static func inverseScale(_ x: UnsafePointer<Float>, _ n: Int, scale: inout Float) -> Float {
        let raw = UnsafeRawPointer(x)
        var m4 = SIMD4<Float>()
        var i = 0
        while i &+ 4 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self)
            let a = v.replacing(with: -v, where: v .< 0)
            m4.replace(with: a, where: .!(a .<= m4))   // NaN propagates
            i &+= 4
        }
        var maxAbs: Float = 0
        for lane in 0..<4 { maxAbs = m4[lane].isNaN || maxAbs.isNaN ? .nan : max(maxAbs, m4[lane]) }
        while i < n {
            let a = abs(x[i])
            maxAbs = a.isNaN || maxAbs.isNaN ? .nan : max(maxAbs, a)
            i &+= 1
        }
        guard maxAbs > 0, maxAbs.isFinite else {
            scale = maxAbs.isFinite ? 0 : .nan
            return 0
        }
        scale = maxAbs / 32767
        return 32767 / maxAbs
    }

    /// Per-thread buffers for ``attend(layer:stream:kvHead:query:count:scratch:into:)``.
    final class Scratch {
        let scores: UnsafeMutablePointer<Float>
        let weights: UnsafeMutablePointer<Int16>
        let queryPairs: UnsafeMutablePointer<Int32>
        /// Four partial sums per output dimension.
        let accumulators: UnsafeMutablePointer<SIMD4<Float>>

        init(seqStride: Int, headDim: Int) {
            accumulators = .allocate(capacity: max(1, headDim))
            accumulators.initialize(repeating: SIMD4<Float>(), count: max(1, headDim))
            scores = .allocate(capacity: seqStride)
            scores.initialize(repeating: 0, count: seqStride)
            weights = .allocate(capacity: seqStride)
            weights.initialize(repeating: 0, count: seqStride)
            queryPairs = .allocate(capacity: max(1, headDim / 2))
            queryPairs.initialize(repeating: 0, count: max(1, headDim / 2))
        }

        deinit {
            scores.deallocate()
            weights.deallocate()
            queryPairs.deallocate()
            accumulators.deallocate()
        }
    }

    /// Causal attention of one query head over positions `0..<count` of a stream's kv head:
    /// `out = Σ_t softmax_t(q·k_t / √headDim) · v_t`.
    // query (headDim) -> out (headDim)
    func attend(layer: Int, stream: Int, kvHead: Int, query q: UnsafePointer<Float>, count: Int,
                scratch: Scratch, into out: UnsafeMutablePointer<Float>) {
        let scale = 1 / Float(headDim).squareRoot()
        let base = headBase(layer, stream, kvHead)
        switch format {
        case .fp32:
            let rows = values.assumingMemoryBound(to: Float.self) + (layer * streams + stream) * seqStride * kvDim
            InferenceKernels.attend(
                query: q, keysT: keys.assumingMemoryBound(to: Float.self) + base, ldk: seqStride,
                values: rows + kvHead * headDim, rowStride: kvDim, count: count, headDim: headDim, scale: scale,
                scores: scratch.scores, into: out)
        case .int16:
            let sb = scaleBase(layer, stream, kvHead)
            attendInt16(query: q, keys: UnsafeRawPointer(keys.assumingMemoryBound(to: Int16.self) + base),
                        keyScales: keyScales + sb,
                        values: UnsafeRawPointer(values.assumingMemoryBound(to: Int16.self) + base),
                        valueScales: valueScales + sb, count: count, scale: scale, scratch: scratch, into: out)
        }
    }

    private func attendInt16(query q: UnsafePointer<Float>, keys: UnsafeRawPointer, keyScales: UnsafePointer<Float>,
                             values: UnsafeRawPointer, valueScales: UnsafePointer<Float>, count: Int, scale: Float,
                             scratch: Scratch, into out: UnsafeMutablePointer<Float>) {
        let pairs = headDim / 2
        let scores = scratch.scores
        let sr = UnsafeMutableRawPointer(scores)

        // Query to int16, each dimension pair packed in one 32-bit word for broadcasting.
        var maxQ: Float = 0
        for i in 0..<headDim { maxQ = max(maxQ, abs(q[i])) }
        let qScale = maxQ > 0 && maxQ.isFinite ? maxQ / 32767 : 0
        let qInverse = qScale > 0 ? 1 / qScale : 0
        for p in 0..<pairs {
            let a = InferenceSIMD.roundToInt16(q[2 * p] * qInverse)
            let b = InferenceSIMD.roundToInt16(q[2 * p + 1] * qInverse)
            scratch.queryPairs[p] = Int32(bitPattern: UInt32(UInt16(bitPattern: a)) | UInt32(UInt16(bitPattern: b)) << 16)
        }

        // Scores, one block of sixteen positions at a time (64 bytes per dimension pair).
        let keyBlockBytes = pairs * 64
        for blk in 0..<(count + 15) / 16 {
            var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
            var row = keys + blk &* keyBlockBytes
            for p in 0..<pairs {
                let qp = unsafeBitCast(SIMD4<Int32>(repeating: scratch.queryPairs[p]), to: SIMD8<Int16>.self)
                a0 += InferenceKVCache.madd(row.loadUnaligned(as: SIMD8<Int16>.self), qp)
                a1 += InferenceKVCache.madd(row.loadUnaligned(fromByteOffset: 16, as: SIMD8<Int16>.self), qp)
                a2 += InferenceKVCache.madd(row.loadUnaligned(fromByteOffset: 32, as: SIMD8<Int16>.self), qp)
                a3 += InferenceKVCache.madd(row.loadUnaligned(fromByteOffset: 48, as: SIMD8<Int16>.self), qp)
                row += 64
            }
            let t = blk &* 16
            let ks = UnsafeRawPointer(keyScales + t)
            let f = SIMD4<Float>(repeating: qScale * scale)
            sr.storeBytes(of: a0 * ks.loadUnaligned(as: SIMD4<Float>.self) * f, toByteOffset: t &* 4, as: SIMD4<Float>.self)
            sr.storeBytes(of: a1 * ks.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self) * f, toByteOffset: t &* 4 &+ 16, as: SIMD4<Float>.self)
            sr.storeBytes(of: a2 * ks.loadUnaligned(fromByteOffset: 32, as: SIMD4<Float>.self) * f, toByteOffset: t &* 4 &+ 32, as: SIMD4<Float>.self)
            sr.storeBytes(of: a3 * ks.loadUnaligned(fromByteOffset: 48, as: SIMD4<Float>.self) * f, toByteOffset: t &* 4 &+ 48, as: SIMD4<Float>.self)
        }
        InferenceKernels.softmax(scores, count)

        // Weights with each position's value scale folded in, to int16; zero past `count`.
        var maxW: Float = 0
        for t in 0..<count {
            scores[t] *= valueScales[t]
            maxW = max(maxW, scores[t])
        }
        let wScale = maxW > 0 && maxW.isFinite ? maxW / 32767 : 0
        let wInverse = wScale > 0 ? 1 / wScale : 0
        let w = scratch.weights
        let blocks = (count + 7) / 8
        for t in 0..<count { w[t] = InferenceSIMD.roundToInt16(scores[t] * wInverse) }
        for t in count..<(blocks * 8) { w[t] = 0 }

        // out[d] = Σ_t w_t · v[d][t]: one pass over the value blocks in storage order, the
        // per-dimension partial sums kept in an L1 scratch row.
        let acc = UnsafeMutableRawPointer(scratch.accumulators)
        for d in 0..<headDim { acc.storeBytes(of: SIMD4<Float>(), toByteOffset: d &* 16, as: SIMD4<Float>.self) }
        let wr = UnsafeRawPointer(w)
        var block = values
        for blk in 0..<blocks {
            let wv = wr.loadUnaligned(fromByteOffset: blk &* 16, as: SIMD8<Int16>.self)
            var d = 0
            while d &+ 4 <= headDim {
                let o = d &* 16
                var a0 = acc.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                var a1 = acc.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD4<Float>.self)
                var a2 = acc.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD4<Float>.self)
                var a3 = acc.loadUnaligned(fromByteOffset: o &+ 48, as: SIMD4<Float>.self)
                a0 += InferenceKVCache.madd(block.loadUnaligned(fromByteOffset: o, as: SIMD8<Int16>.self), wv)
                a1 += InferenceKVCache.madd(block.loadUnaligned(fromByteOffset: o &+ 16, as: SIMD8<Int16>.self), wv)
                a2 += InferenceKVCache.madd(block.loadUnaligned(fromByteOffset: o &+ 32, as: SIMD8<Int16>.self), wv)
                a3 += InferenceKVCache.madd(block.loadUnaligned(fromByteOffset: o &+ 48, as: SIMD8<Int16>.self), wv)
                acc.storeBytes(of: a0, toByteOffset: o, as: SIMD4<Float>.self)
                acc.storeBytes(of: a1, toByteOffset: o &+ 16, as: SIMD4<Float>.self)
                acc.storeBytes(of: a2, toByteOffset: o &+ 32, as: SIMD4<Float>.self)
                acc.storeBytes(of: a3, toByteOffset: o &+ 48, as: SIMD4<Float>.self)
                d &+= 4
            }
            while d < headDim {
                let o = d &* 16
                let a = acc.loadUnaligned(fromByteOffset: o, as: SIMD4<Float>.self)
                    + InferenceKVCache.madd(block.loadUnaligned(fromByteOffset: o, as: SIMD8<Int16>.self), wv)
                acc.storeBytes(of: a, toByteOffset: o, as: SIMD4<Float>.self)
                d &+= 1
            }
            block += headDim &* 16
        }
        for d in 0..<headDim {
            out[d] = acc.loadUnaligned(fromByteOffset: d &* 16, as: SIMD4<Float>.self).sum() * wScale
        }
    }

    /// `pmaddwd` as floats: int16 lanes multiplied, adjacent pairs summed, converted.
    @inline(__always)
    private static func madd(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Float> {
        InferenceSIMD.float(InferenceSIMD.multiplyAddPairs(a, b))
    }
}
