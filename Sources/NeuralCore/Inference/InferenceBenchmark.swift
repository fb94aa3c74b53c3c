/// Generation speed of an ``InferenceSession`` on random weights, measured the way llama2.c's
/// `run.c` reports it, so the two can be compared (`purr bench model` prints this).
///
/// One stream: a 1-token prompt, then generation up to `tokens` positions with temperature 1
/// and top-p 0.9 (run.c's defaults); the clock starts after the first forward pass and the
/// rate is `(tokens − 1) / elapsed`, as run.c counts. Batched: `streams` independent streams
/// generate together through ``InferenceSession/step(tokens:streams:)``; the rate counts every
/// stream's tokens; the batch samples its streams in parallel (``InferenceSession/sample(_:samplers:masks:into:)``).
/// Each figure is the median of `runs` runs, fp32 and int8 runs alternating so that both see the
/// same machine noise. Quality: each measured configuration against an exact one (fp32 weights,
/// fp32 KV cache) on the same tokens.
public enum InferenceBenchmark {
    public struct Options: Sendable, Hashable {
        public var config: LlamaConfig
        public var threads: Int
        public var streams: Int
        /// Positions generated per stream; nil means the config's `seqLen`.
        public var tokens: Int?
        public var runs: Int
        public var seed: UInt64
        public var formats: [InferenceSession.WeightFormat]
        public var kvCache: InferenceSession.KVCacheFormat
        /// The int8 format is measured once per kernel listed here (unsupported ones skipped).
        public var int8Kernels: [Int8Kernel]

        public init(config: LlamaConfig = .r7, threads: Int = 2, streams: Int = 8, tokens: Int? = nil,
                    runs: Int = 5, seed: UInt64 = 1, formats: [InferenceSession.WeightFormat] = [.fp32, .int8],
                    kvCache: InferenceSession.KVCacheFormat = .int16, int8Kernels: [Int8Kernel] = [.preferred]) {
            self.int8Kernels = int8Kernels
            self.kvCache = kvCache
            self.config = config
            self.threads = threads
            self.streams = streams
            self.tokens = tokens
            self.runs = runs
            self.seed = seed
            self.formats = formats
        }
    }

    /// Tokens per second of every run, for one weight format.
    public struct Measurement: Sendable, Hashable {
        public var format: InferenceSession.WeightFormat
        /// The int8 kernel (nil for fp32, which runs on OpenBLAS).
        public var kernel: Int8Kernel?
        public var label: String { format.rawValue + (kernel.map { " (\($0))" } ?? "") }
        public var singleStream: [Double]
        public var batched: [Double]
        /// Bytes of projection weights read per decoded token.
        public var weightBytes: Int
        /// Logits against the exact configuration.
        public var quality: Quality

        public var singleStreamMedian: Double { InferenceBenchmark.median(singleStream) }
        public var batchedMedian: Double { InferenceBenchmark.median(batched) }
    }

    /// How far a configuration's logits are from a reference's on the same token sequence.
    public struct Quality: Sendable, Hashable {
        /// Positions compared (a greedy generation of the reference, fed to both).
        public var positions: Int
        /// Largest |logit − reference logit| over every position and token.
        public var maxLogitDifference: Float
        /// Spread of the reference logits (max − min over the run), to read the difference against.
        public var logitRange: Float
        /// Share of positions where both formats' greedy choice is the same token.
        public var greedyAgreement: Double
        /// First position where free-running greedy generation differs; nil if never.
        public var firstDivergence: Int?
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var options: Options
        public var threads: Int
        public var measurements: [Measurement]

        public var description: String {
            let tokens = options.tokens ?? options.config.seqLen
            var lines = ["model: \(options.config)",
                         "threads: \(threads); \(tokens) positions per stream; median of \(options.runs) runs"]
            for m in measurements {
                lines.append("\(m.label): 1 stream \(fixed(m.singleStreamMedian, 0)) tok/s, "
                    + "\(options.streams) streams \(fixed(m.batchedMedian, 0)) tok/s "
                    + "(weights \(fixed(Double(m.weightBytes) / 1e6, 1)) MB read per token)")
                lines.append("  runs, 1 stream: " + m.singleStream.map { fixed($0, 0) }.joined(separator: " "))
                lines.append("  runs, \(options.streams) streams: " + m.batched.map { fixed($0, 0) }.joined(separator: " "))
                let q = m.quality
                lines.append("  vs exact fp32 (fp32 KV) over \(q.positions) positions: max |Δlogit| \(fixed(Double(q.maxLogitDifference), 4)) "
                    + "(logits span \(fixed(Double(q.logitRange), 2))), greedy agreement \(fixed(q.greedyAgreement * 100, 1))%, "
                    + "free-running greedy " + (q.firstDivergence.map { "first differs at position \($0)" } ?? "identical"))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Runs the benchmark. `progress` receives a line per finished run.
    public static func run(_ options: Options = Options(), progress: ((String) -> Void)? = nil) throws(InferenceError) -> Report {
        let c = options.config
        if let problem = c.problem { throw .invalidConfig(problem) }
        let tokens = options.tokens ?? c.seqLen
        guard tokens >= 2, tokens <= c.seqLen else { throw .invalidOption("tokens must be in 2...\(c.seqLen)") }
        guard options.runs >= 1, options.streams >= 1 else { throw .invalidOption("runs and streams must be at least 1") }
        let store = randomParameters(config: c, seed: options.seed)
        let exact = try InferenceSession(parameters: store, options: .init(
            maxStreams: 1, maxSeq: tokens, threads: options.threads, weights: .fp32, kvCache: .fp32))
        var sessions: [InferenceSession] = []
        var measurements: [Measurement] = []
        let variants = options.formats.flatMap { format -> [(InferenceSession.WeightFormat, Int8Kernel?)] in
            format == .int8 ? options.int8Kernels.filter(\.isSupported).map { (format, $0) } : [(format, nil)]
        }
        for (format, kernel) in variants {
            let session = try InferenceSession(parameters: store, options: .init(
                maxStreams: options.streams, maxSeq: tokens, threads: options.threads, weights: format, kvCache: options.kvCache,
                int8Kernel: kernel ?? .preferred))
            sessions.append(session)
            measurements.append(Measurement(format: format, kernel: kernel, singleStream: [], batched: [],
                                            weightBytes: session.weights.projectionBytes,
                                            quality: try compare(reference: exact, candidate: session, tokens: tokens)))
        }
        for run in 0..<options.runs {
            for (i, session) in sessions.enumerated() {
                let single = try singleStream(session, tokens: tokens, seed: options.seed &+ UInt64(run))
                let batched = try batched(session, streams: options.streams, tokens: tokens, seed: options.seed &+ UInt64(run))
                measurements[i].singleStream.append(single)
                measurements[i].batched.append(batched)
                progress?("run \(run + 1) \(measurements[i].label): 1 stream \(fixed(single, 0)) tok/s, "
                          + "\(options.streams) streams \(fixed(batched, 0)) tok/s")
            }
        }
        return Report(options: options, threads: sessions.first?.threadCount ?? options.threads, measurements: measurements)
    }

    /// Tokens per second generating one stream, as run.c measures.
    public static func singleStream(_ session: InferenceSession, tokens: Int, seed: UInt64) throws(InferenceError) -> Double {
        var sampler = Sampler(vocab: session.config.vocab, parameters: .init(temperature: 1, topP: 0.9), seed: seed)
        try session.reset(stream: 0)
        var logits = try session.prefill(stream: 0, tokens: [1])
        let start = ContinuousClock.now
        for _ in 1..<tokens {
            let next = (try? sampler.sample(logits)) ?? 0
            logits = try session.step(tokens: [next], streams: [0])
        }
        return Double(tokens - 1) / seconds(since: start)
    }

    /// Tokens per second, all streams together, generating `streams` streams in lockstep.
    public static func batched(_ session: InferenceSession, streams: Int, tokens: Int, seed: UInt64) throws(InferenceError) -> Double {
        let vocab = session.config.vocab
        var samplers = (0..<streams).map { Sampler(vocab: vocab, parameters: .init(temperature: 1, topP: 0.9), seed: seed &+ UInt64($0)) }
        let ids = Array(0..<streams)
        var next = [Int32](repeating: 1, count: streams)
        session.resetAll()
        var logits = try session.step(tokens: next, streams: ids)
        let start = ContinuousClock.now
        for _ in 1..<tokens {
            do {
                try session.sample(logits, samplers: &samplers, into: &next)
            } catch {
                for s in 0..<streams { next[s] = 0 }
            }
            logits = try session.step(tokens: next, streams: ids)
        }
        return Double(streams * (tokens - 1)) / seconds(since: start)
    }

    /// Greedy fp32 generation, then the same tokens through `candidate`: logit distance and
    /// greedy agreement at every position; plus where free-running greedy decoding first differs.
    static func compare(reference: InferenceSession, candidate: InferenceSession, tokens: Int) throws(InferenceError) -> Quality {
        var greedy = Sampler(vocab: reference.config.vocab, parameters: .greedy, seed: 0)
        try reference.reset(stream: 0)
        try candidate.reset(stream: 0)
        var token: Int32 = 1
        var maxDiff: Float = 0, lo = Float.infinity, hi = -Float.infinity
        var agree = 0
        var sequence: [Int32] = []
        for _ in 0..<tokens {
            let a = try reference.step(tokens: [token], streams: [0])
            let b = try candidate.step(tokens: [token], streams: [0])
            for i in 0..<a.count {
                maxDiff = max(maxDiff, abs(a[i] - b[i]))
                lo = min(lo, a[i])
                hi = max(hi, a[i])
            }
            let ta = (try? greedy.sample(a)) ?? 0
            let tb = (try? greedy.sample(b)) ?? 0
            if ta == tb { agree += 1 }
            sequence.append(ta)
            token = ta
        }
        // Free-running: the candidate follows its own choices.
        try candidate.reset(stream: 0)
        token = 1
        var firstDivergence: Int?
        for pos in 0..<tokens {
            let b = try candidate.step(tokens: [token], streams: [0])
            token = (try? greedy.sample(b)) ?? 0
            if token != sequence[pos] {
                firstDivergence = pos
                break
            }
        }
        return Quality(positions: tokens, maxLogitDifference: maxDiff, logitRange: hi - lo,
                       greedyAgreement: Double(agree) / Double(tokens), firstDivergence: firstDivergence)
    }

    /// A model with random weights: projections uniform with variance 1/fan-in (activations keep
    /// their scale through the layers), embeddings uniform ±0.2, norm weights 1.
    public static func randomParameters(config: LlamaConfig, seed: UInt64) -> ParameterStore {
        let store = ParameterStore(layout: ParameterLayout(config: config))
        var rng = Xoshiro256StarStar(seed: seed)
        for entry in store.layout.entries {
            let p = store.pointer + entry.offset
            if entry.shape.count == 1 {
                p.update(repeating: 1, count: entry.count)
                continue
            }
            let bound: Float = entry.name == "model.embed_tokens.weight" ? 0.2 : (3 / Float(entry.shape[1])).squareRoot()
            for i in 0..<entry.count {
                p[i] = (Float(rng.next() >> 40) * 0x1p-24 * 2 - 1) * bound
            }
        }
        return store
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// `value` with `digits` decimals (no Foundation in this module).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let frac = Int(scaled - Double(whole) * scale)
        var text = (value < 0 && scaled != 0 ? "-" : "") + "\(whole)"
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: max(0, digits - f.count)) + f
        }
        return text
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
