#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// Candidate token ids, reordered by selection and sorting.
    private var candidates: [Int32]
    /// exp((logit − max) / T), indexed by token id.
    private var weights: [Float]

    public init(vocab: Int, parameters: SamplingParameters = SamplingParameters(), seed: UInt64) {
        self.vocab = max(1, vocab)
        self.parameters = parameters
        random = Xoshiro256StarStar(seed: seed)
        candidates = Array(repeating: 0, count: self.vocab)
        weights = Array(repeating: 0, count: self.vocab)
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
        return try candidates.withUnsafeMutableBufferPointer { (ids) throws(SamplingError) -> Int32 in
            try weights.withUnsafeMutableBufferPointer { (w) throws(SamplingError) -> Int32 in
                let ids = ids.baseAddress!, w = w.baseAddress!
                // 1. Allowed tokens with a usable logit, in id order.
                var n = 0
                var best = -Float.infinity
                if let mask {
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
                        if l > -Float.infinity {
                            ids[n] = Int32(t)
                            n &+= 1
                            if l > best { best = l }
                        }
                    }
                }
                guard n > 0 else { throw .noFiniteLogits }

                // 2. Greedy: the first (lowest id) token with the highest logit.
                if parameters.temperature == 0 || n == 1 {
                    for j in 0..<n where base[Int(ids[j])] == best { return ids[j] }
                    return ids[0]
                }

                // 3. Unnormalised probabilities; +∞ logits (best = ∞) share the mass.
                let inverseT = 1 / parameters.temperature
                for j in 0..<n {
                    let t = Int(ids[j])
                    let l = base[t]
                    w[t] = best.isInfinite ? (l == best ? 1 : 0) : expf((l - best) * inverseT)
                }

                // 4. Top-k: move the k best to the front.
                if parameters.topK > 0, parameters.topK < n {
                    Sampler.selectBest(parameters.topK, ids, n, w)
                    n = parameters.topK
                }

                // 5. Top-p: the smallest set of most likely tokens holding `topP` of the mass.
                if parameters.topP < 1 {
                    var total: Float = 0
                    for j in 0..<n { total += w[Int(ids[j])] }
                    // A token below (1 − p)/(n − 1) of the mass can never be inside the nucleus
                    // (llama2.c's argument): drop those first.
                    let cutoff = (1 - parameters.topP) / Float(max(1, n - 1)) * total
                    var kept = 0
                    for j in 0..<n where w[Int(ids[j])] >= cutoff {
                        ids[kept] = ids[j]
                        kept &+= 1
                    }
                    n = Sampler.nucleus(ids, max(1, kept), w, target: parameters.topP * total)
                }

                // 6. Draw from what is left.
                var total: Double = 0
                for j in 0..<n { total += Double(w[Int(ids[j])]) }
                let u = rng.nextUnitDouble() * total
                var cumulative: Double = 0
                for j in 0..<n {
                    cumulative += Double(w[Int(ids[j])])
                    if u < cumulative { return ids[j] }
                }
                return ids[n - 1]
            }
        }
    }

    /// Samples from an array of logits; see ``sample(_:mask:)-(UnsafeBufferPointer<Float>,_)``.
    public mutating func sample(_ logits: [Float], mask: TokenMask? = nil) throws(SamplingError) -> Int32 {
        try logits.withUnsafeBufferPointer { (buffer) throws(SamplingError) -> Int32 in try sample(buffer, mask: mask) }
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

    /// Reorders `ids[0..<n]` so that its first `m` entries are the `m` best tokens, for the
    /// smallest `m` whose mass reaches `target` (all `n` if none does), and returns `m`.
    ///
    /// Quickselect on mass instead of a full sort: expected linear time, which matters when a
    /// flat distribution leaves thousands of candidates every token.
    private static func nucleus(_ ids: UnsafeMutablePointer<Int32>, _ n: Int, _ w: UnsafeMutablePointer<Float>,
                                target: Float) -> Int {
        var lo = 0, hi = n          // ids[0..<lo] are in the nucleus; the boundary is in lo..<hi
        var taken: Float = 0        // mass of ids[0..<lo]
        while hi - lo > 16 {
            let mid = lo + (hi - lo) / 2
            if before(ids[mid], ids[lo], w) { swap(ids, mid, lo) }
            if before(ids[hi - 1], ids[lo], w) { swap(ids, hi - 1, lo) }
            if before(ids[hi - 1], ids[mid], w) { swap(ids, hi - 1, mid) }
            // Lomuto partition around the median: better ones first, then the pivot.
            swap(ids, mid, hi - 1)
            let pivot = ids[hi - 1]
            var store = lo
            var better: Float = 0
            for j in lo..<(hi - 1) where before(ids[j], pivot, w) {
                better += w[Int(ids[j])]
                swap(ids, j, store)
                store += 1
            }
            swap(ids, store, hi - 1)
            if taken + better >= target {
                hi = store
            } else if taken + better + w[Int(pivot)] >= target {
                return store + 1
            } else {
                taken += better + w[Int(pivot)]
                lo = store + 1
            }
        }
        sortBest(ids + lo, hi - lo, w)
        for j in lo..<hi {
            taken += w[Int(ids[j])]
            if taken >= target { return j + 1 }
        }
        return hi == n ? n : hi
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
