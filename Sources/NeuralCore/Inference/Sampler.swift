/// How a ``Sampler`` turns logits into a token.
public struct SamplingParameters: Sendable, Hashable, Codable {
    /// Softmax temperature; 0 picks the most likely allowed token (greedy).
    public var temperature: Float
    /// Keep only the `topK` most likely tokens; 0 keeps all.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probability reaches `topP` (nucleus);
    /// 1 keeps all.
    public var topP: Float

    public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    /// Always the most likely allowed token.
    public static let greedy = SamplingParameters(temperature: 0)

    /// Why these parameters are unusable, or nil.
    public var problem: String? {
        if !(temperature >= 0) || !temperature.isFinite { return "temperature must be a finite number ≥ 0, got \(temperature)" }
        if topK < 0 { return "topK must be ≥ 0, got \(topK)" }
        if !(topP > 0 && topP <= 1) { return "topP must be in (0, 1], got \(topP)" }
        return nil
    }
}

/// Why a ``Sampler`` could not return a token.
public enum SamplingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The mask allows no token: the grammar has no continuation from its state.
    case maskAllowsNothing
    /// Every allowed token has a logit of −∞ or NaN.
    case noFiniteLogits
    /// The logits or the mask are not the sampler's vocabulary size.
    case vocabMismatch(expected: Int, got: Int)
    /// The parameters are out of range; the string names the field.
    case invalidParameters(String)

    /// A stable machine-readable code, e.g. `mask_allows_nothing`.
    public var code: String {
        switch self {
        case .maskAllowsNothing: "mask_allows_nothing"
        case .noFiniteLogits: "no_finite_logits"
        case .vocabMismatch: "vocab_mismatch"
        case .invalidParameters: "invalid_sampling_parameters"
        }
    }

    /// A sentence saying what to fix.
    public var message: String {
        switch self {
        case .maskAllowsNothing:
            "The token mask allows no token; the grammar has no continuation from this state."
        case .noFiniteLogits:
            "Every allowed token has logit −∞ or NaN, so none can be sampled."
        case let .vocabMismatch(expected, got):
            "Expected \(expected) logits or mask entries (the vocabulary), got \(got)."
        case let .invalidParameters(reason):
            "Invalid sampling parameters: \(reason)."
        }
    }

    public var description: String { message }
}

/// Picks the next token from logits: greedy, or temperature + top-k + top-p, reproducibly from
/// a seed, honouring an optional ``TokenMask``.
///
/// ```swift
/// var sampler = Sampler(vocab: 4096, parameters: .init(temperature: 0.8, topP: 0.9), seed: 7)
/// let token = try sampler.sample(logits, mask: grammarMask)
/// ```
///
/// The same seed, parameters and logits give the same tokens on every machine: randomness is
/// our own xoshiro256** (no system generator), ties break towards the lower token id, and the
/// selection and sorting are deterministic. Scratch buffers are allocated once, at `init`.
public struct Sampler: Sendable {
    public let vocab: Int
    public var parameters: SamplingParameters
    public private(set) var random: Xoshiro256StarStar
    /// `[0, vocab)`: candidate token ids, reordered by selection; `[vocab, 2·vocab)`: spare.
    private var candidates: [Int32]
    /// `[0, vocab)`: exp((logit − max) / T) by token id; then 4 × ``bucketCount`` nucleus buckets.
    private var weights: [Float]

    /// Buckets of the top-p pass, by the high bits of a weight's float pattern (monotonic for
    /// positive floats): exponent and 3 mantissa bits, so one bucket spans a factor ≤ 1.125.
    private static let bucketCount = 1024

    public init(vocab: Int, parameters: SamplingParameters = SamplingParameters(), seed: UInt64) {
        self.vocab = max(1, vocab)
        self.parameters = parameters
        random = Xoshiro256StarStar(seed: seed)
        candidates = Array(repeating: 0, count: 2 * self.vocab)
        weights = Array(repeating: 0, count: self.vocab + 4 * Sampler.bucketCount)
    }

    /// Restarts the random sequence as if freshly made with `seed`.
    public mutating func reseed(_ seed: UInt64) {
        random = Xoshiro256StarStar(seed: seed)
    }

    /// Samples one token from `vocab` logits. A token the mask disallows is never returned.
    ///
    /// - Throws: ``SamplingError/maskAllowsNothing`` if the mask allows no token,
    ///   ``SamplingError/noFiniteLogits`` if every allowed logit is −∞/NaN,
    ///   ``SamplingError/vocabMismatch(expected:got:)`` or ``SamplingError/invalidParameters(_:)``.
    public mutating func sample(_ logits: UnsafeBufferPointer<Float>, mask: TokenMask? = nil) throws(SamplingError) -> Int32 {
        guard logits.count == vocab, let base = logits.baseAddress else {
            throw .vocabMismatch(expected: vocab, got: logits.count)
        }
        if let mask, mask.vocab != vocab { throw .vocabMismatch(expected: vocab, got: mask.vocab) }
        if let problem = parameters.problem { throw .invalidParameters(problem) }
        if let mask, mask.allowsNothing { throw .maskAllowsNothing }
        let parameters = self.parameters
        let vocab = self.vocab
        var rng = random
        defer { random = rng }
        return try candidates.withUnsafeMutableBufferPointer { (idBuffer) throws(SamplingError) -> Int32 in
            try weights.withUnsafeMutableBufferPointer { (weightBuffer) throws(SamplingError) -> Int32 in
                let ids = idBuffer.baseAddress!, w = weightBuffer.baseAddress!
                // 1. Allowed tokens with a usable logit, in id order, and the best logit. Without
                //    a mask and with every logit usable (the common case) the list is implicit:
                //    every token, in order, filled in only if a later stage needs it.
                var n = 0
                var best = -Float.infinity
                var implicit = false
                if mask == nil {
                    let (maximum, usable) = Sampler.scan(base, vocab)
                    if usable {
                        n = vocab
                        best = maximum
                        implicit = true
                    }
                }
                if implicit {
                    // Nothing to list.
                } else if let mask {
                    mask.words.withUnsafeBufferPointer { words in
                        for (wi, word) in words.enumerated() where word != 0 {
                            var bits = word
                            while bits != 0 {
                                let t = wi &* 64 &+ bits.trailingZeroBitCount
                                bits &= bits &- 1
                                let l = base[t]
                                if l > -Float.infinity {   // false for NaN too
                                    ids[n] = Int32(t)
                                    n &+= 1
                                    if l > best { best = l }
                                }
                            }
                        }
                    }
                } else {
                    for t in 0..<vocab {
                        let l = base[t]
                        ids[n] = Int32(t)
                        if l > -Float.infinity {
                            n &+= 1
                            if l > best { best = l }
                        }
                    }
                }
                guard n > 0 else { throw .noFiniteLogits }
                func materialise() {
                    guard implicit else { return }
                    for t in 0..<vocab { ids[t] = Int32(truncatingIfNeeded: t) }
                    implicit = false
                }

                // 2. Greedy: the first (lowest id) token with the highest logit.
                if parameters.temperature == 0 || n == 1 {
                    if implicit {
                        for t in 0..<vocab where base[t] == best { return Int32(truncatingIfNeeded: t) }
                    }
                    for j in 0..<n where base[Int(ids[j])] == best { return ids[j] }
                    return ids[0]
                }

                // 3. Unnormalised probabilities; +∞ logits (best = ∞) share the mass.
                let inverseT = 1 / parameters.temperature
                if best.isInfinite {
                    materialise()
                    for j in 0..<n {
                        let t = Int(ids[j])
                        w[t] = base[t] == best ? 1 : 0
                    }
                } else if n == vocab {
                    // Every token is a candidate: exponentiate the whole row, four at a time.
                    let lr = UnsafeRawPointer(base), wr = UnsafeMutableRawPointer(w)
                    let b4 = SIMD4<Float>(repeating: best), t4 = SIMD4<Float>(repeating: inverseT)
                    var t = 0
                    while t &+ 4 <= vocab {
                        let l = lr.loadUnaligned(fromByteOffset: t &* 4, as: SIMD4<Float>.self)
                        wr.storeBytes(of: InferenceKernels.exp4((l - b4) * t4), toByteOffset: t &* 4, as: SIMD4<Float>.self)
                        t &+= 4
                    }
                    while t < vocab {
                        w[t] = InferenceKernels.exp1((base[t] - best) * inverseT)
                        t &+= 1
                    }
                } else {
                    for j in 0..<n {
                        let t = Int(ids[j])
                        w[t] = InferenceKernels.exp1((base[t] - best) * inverseT)
                    }
                }

                // 4. Top-k: move the k best to the front.
                if parameters.topK > 0, parameters.topK < n {
                    materialise()
                    Sampler.selectBest(parameters.topK, ids, n, w)
                    n = parameters.topK
                }

                // 5. Top-p: keep the smallest set of most likely tokens holding `topP` of the mass.
                if parameters.topP < 1 {
                    n = Sampler.nucleus(implicit ? nil : ids, n, w, into: ids, buckets: w + vocab, spare: ids + vocab,
                                        topP: parameters.topP)
                    implicit = false
                }

                // 6. Draw from what is left.
                if implicit { return Sampler.drawAll(w, vocab, u: rng.nextUnitDouble()) }
                var total: Float = 0
                for j in 0..<n { total += w[Int(ids[j])] }
                let u = Float(rng.nextUnitDouble()) * total
                var cumulative: Float = 0
                for j in 0..<n {
                    cumulative += w[Int(ids[j])]
                    if u < cumulative { return ids[j] }
                }
                return ids[n - 1]
            }
        }
    }

    /// The largest logit, and whether every logit is usable (neither NaN nor −∞).
    @inline(__always)
    private static func scan(_ logits: UnsafePointer<Float>, _ n: Int) -> (Float, Bool) {
        let raw = UnsafeRawPointer(logits)
        var m4 = SIMD4<Float>(repeating: -.infinity)
        var usable = SIMDMask<SIMD4<Int32>>(repeating: true)
        var t = 0
        while t &+ 4 <= n {
            let v = raw.loadUnaligned(fromByteOffset: t &* 4, as: SIMD4<Float>.self)
            usable = usable .& (v .> -Float.infinity)
            m4.replace(with: v, where: v .> m4)
            t &+= 4
        }
        var best = m4.max()
        var ok = all(usable)
        while t < n {
            let v = logits[t]
            ok = ok && v > -Float.infinity
            if v > best { best = v }
            t &+= 1
        }
        return (best, ok)
    }

    /// Draws a token with probability `w[t] / Σw` over all `n` tokens (`u` uniform in [0, 1)):
    /// sums of sixteen weights are skipped whole until the block holding the draw.
    @inline(__always)
    private static func drawAll(_ w: UnsafeMutablePointer<Float>, _ n: Int, u: Double) -> Int32 {
        let raw = UnsafeRawPointer(w)
        var total4 = SIMD4<Float>()
        var t = 0
        while t &+ 4 <= n {
            total4 += raw.loadUnaligned(fromByteOffset: t &* 4, as: SIMD4<Float>.self)
            t &+= 4
        }
        var total = total4.sum()
        while t < n {
            total += w[t]
            t &+= 1
        }
        let target = Float(u) * total
        var cumulative: Float = 0
        t = 0
        while t &+ 16 <= n {
            let block = raw.loadUnaligned(fromByteOffset: t &* 4, as: SIMD16<Float>.self).sum()
            if cumulative + block > target { break }
            cumulative += block
            t &+= 16
        }
        while t < n {
            cumulative += w[t]
            if target < cumulative { return Int32(truncatingIfNeeded: t) }
            t &+= 1
        }
        // Rounding left the draw past the last positive weight: take the last such token.
        var last = n - 1
        while last > 0 && !(w[last] > 0) { last -= 1 }
        return Int32(truncatingIfNeeded: last)
    }

    /// Samples from an array of logits; see ``sample(_:mask:)-(UnsafeBufferPointer<Float>,_)``.
    public mutating func sample(_ logits: [Float], mask: TokenMask? = nil) throws(SamplingError) -> Int32 {
        try logits.withUnsafeBufferPointer { (buffer) throws(SamplingError) -> Int32 in try sample(buffer, mask: mask) }
    }

    /// Reorders `ids[0..<n]` so that its first `m` entries are the nucleus — the `m` best tokens
    /// for the smallest `m` whose weight reaches `topP` of the total — and returns `m`.
    ///
    /// Linear time instead of a sort: weights are bucketed by their float bits, the bucket
    /// where the running mass crosses the target is found from the top, and only that bucket's
    /// few members are sorted. Tokens above it keep their id order.
    /// `candidates` nil means every token `0..<n`, in order; the nucleus goes to `ids` either way.
    private static func nucleus(_ candidates: UnsafeMutablePointer<Int32>?, _ n: Int, _ w: UnsafeMutablePointer<Float>,
                                into ids: UnsafeMutablePointer<Int32>, buckets: UnsafeMutablePointer<Float>,
                                spare: UnsafeMutablePointer<Int32>, topP: Float) -> Int {
        @inline(__always) func id(_ j: Int) -> Int32 { candidates?[j] ?? Int32(truncatingIfNeeded: j) }
        @inline(__always) func bucket(_ v: Float) -> Int { min(bucketCount - 1, Int(v.bitPattern >> 20)) }
        // Four interleaved histograms, summed after: consecutive tokens often fall in the same
        // bucket, and one histogram would chain every add through a store and a reload.
        buckets.update(repeating: 0, count: 4 * bucketCount)
        var total: Float = 0
        if candidates == nil {
            for t in 0..<n {
                let v = w[t]
                buckets[(t & 3) &* bucketCount &+ bucket(v)] += v
                total += v
            }
        } else {
            for j in 0..<n {
                let v = w[Int(id(j))]
                buckets[(j & 3) &* bucketCount &+ bucket(v)] += v
                total += v
            }
        }
        for b in 0..<bucketCount {
            buckets[b] += buckets[bucketCount + b] + buckets[2 * bucketCount + b] + buckets[3 * bucketCount + b]
        }
        let target = topP * total
        var above: Float = 0
        var boundary = 0
        for b in stride(from: bucketCount - 1, through: 0, by: -1) {
            if above + buckets[b] >= target {
                boundary = b
                break
            }
            above += buckets[b]
        }
        var kept = 0, tied = 0
        for j in 0..<n {
            let t = id(j)
            let b = bucket(w[Int(t)])
            if b > boundary {
                ids[kept] = t
                kept &+= 1
            } else if b == boundary {
                spare[tied] = t
                tied &+= 1
            }
        }
        sortBest(spare, tied, w)
        var cumulative = above
        for j in 0..<tied {
            ids[kept] = spare[j]
            kept &+= 1
            cumulative += w[Int(spare[j])]
            if cumulative >= target { break }
        }
        return max(1, kept)
    }

    // MARK: - Ordering

    /// True when token `a` ranks before `b`: more probable, or as probable and a lower id.
    @inline(__always)
    private static func before(_ a: Int32, _ b: Int32, _ w: UnsafeMutablePointer<Float>) -> Bool {
        let wa = w[Int(a)], wb = w[Int(b)]
        return wa > wb || (wa == wb && a < b)
    }

    /// Moves the `k` best of `ids[0..<n]` to `ids[0..<k]` (in no particular order): quickselect
    /// with a median-of-three pivot, deterministic because the order is total.
    private static func selectBest(_ k: Int, _ ids: UnsafeMutablePointer<Int32>, _ n: Int, _ w: UnsafeMutablePointer<Float>) {
        var lo = 0, hi = n - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if before(ids[mid], ids[lo], w) { swap(ids, mid, lo) }
            if before(ids[hi], ids[lo], w) { swap(ids, hi, lo) }
            if before(ids[hi], ids[mid], w) { swap(ids, hi, mid) }
            let pivot = ids[mid]
            var i = lo, j = hi
            while i <= j {
                while before(ids[i], pivot, w) { i += 1 }
                while before(pivot, ids[j], w) { j -= 1 }
                if i <= j {
                    swap(ids, i, j)
                    i += 1
                    j -= 1
                }
            }
            // ids[lo...j] rank before or equal to the pivot, ids[i...hi] after or equal.
            if k - 1 <= j { hi = j } else if k - 1 >= i { lo = i } else { return }
        }
    }

    /// Sorts `ids[0..<n]` best first, in place (heapsort: no allocation, deterministic).
    private static func sortBest(_ ids: UnsafeMutablePointer<Int32>, _ n: Int, _ w: UnsafeMutablePointer<Float>) {
        guard n > 1 else { return }
        // A heap whose root is the worst element; popping it to the end leaves best-first order.
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while true {
                var child = 2 * root + 1
                if child >= end { return }
                if child + 1 < end, before(ids[child], ids[child + 1], w) { child += 1 }
                if before(ids[root], ids[child], w) {
                    swap(ids, root, child)
                    root = child
                } else {
                    return
                }
            }
        }
        var start = n / 2 - 1
        while start >= 0 {
            siftDown(start, n)
            start -= 1
        }
        var end = n - 1
        while end > 0 {
            swap(ids, 0, end)
            siftDown(0, end)
            end -= 1
        }
    }

    @inline(__always)
    private static func swap(_ ids: UnsafeMutablePointer<Int32>, _ a: Int, _ b: Int) {
        let t = ids[a]
        ids[a] = ids[b]
        ids[b] = t
    }
}

/// xoshiro256** (Blackman & Vigna), seeded through SplitMix64: small, fast, and the same
/// sequence on every platform, which a reproducible quest needs and `SystemRandomNumberGenerator`
/// cannot give.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The four state words, for a checkpoint.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    /// Restores a saved ``state``; nil unless it is four words, not all zero (the one state
    /// xoshiro never leaves).
    public init?(state: [UInt64]) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else { return nil }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
