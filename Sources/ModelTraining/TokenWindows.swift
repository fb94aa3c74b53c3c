import NeuralCore

/// The corpus as one token stream (`<|bos|> sample <|eos|>` after another) cut into
/// `(seqLen + 1)`-token windows: inputs are the first `seqLen`, targets the last `seqLen`.
///
/// Training windows start at offsets drawn from the trainer's seeded RNG, whose state is in
/// every checkpoint, so a resumed run sees exactly the batches it would have seen.
public struct TokenWindows: Sendable {
    public let tokens: [Int32]
    public let seqLen: Int

    public init(samples: [[Int32]], seqLen: Int) {
        var all: [Int32] = []
        all.reserveCapacity(samples.reduce(0) { $0 + $1.count })
        for s in samples { all.append(contentsOf: s) }
        tokens = all
        self.seqLen = seqLen
    }

    /// How many distinct window starts there are.
    public var startCount: Int { max(0, tokens.count - seqLen) }

    /// A random batch: (inputs, targets), each batch × seqLen.
    public func randomBatch(_ batch: Int, rng: inout TrainingRNG) -> (inputs: [Int32], targets: [Int32]) {
        var starts: [Int] = []
        for _ in 0..<batch { starts.append(startCount > 0 ? Int(rng.next() % UInt64(startCount)) : 0) }
        return window(starts: starts)
    }

    /// The `index`-th batch of consecutive, non-overlapping windows (held-out evaluation).
    public func sequentialBatch(_ batch: Int, index: Int) -> (inputs: [Int32], targets: [Int32]) {
        let perBatch = batch * seqLen
        let starts = (0..<batch).map { (index * perBatch + $0 * seqLen) % max(1, startCount) }
        return window(starts: starts)
    }

    /// Non-overlapping held-out batches available.
    public func sequentialBatchCount(_ batch: Int) -> Int { startCount / max(1, batch * seqLen) }

    func window(starts: [Int]) -> (inputs: [Int32], targets: [Int32]) {
        var inputs: [Int32] = []
        var targets: [Int32] = []
        inputs.reserveCapacity(starts.count * seqLen)
        targets.reserveCapacity(starts.count * seqLen)
        for s in starts {
            for t in 0..<seqLen {
                let i = s + t
                inputs.append(i < tokens.count ? tokens[i] : 0)
                targets.append(i + 1 < tokens.count ? tokens[i + 1] : -1)
            }
        }
        return (inputs, targets)
    }
}
