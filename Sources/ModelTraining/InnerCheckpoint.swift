import NeuralCore
import PurrCrypto

/// The state of a round's inner loop after `step` local updates (training protocol 2): the
/// parameters, AdamW's moments and its update count. A runner commits to the hashes of every
/// checkpoint before its update is judged; an audit asks for a few of them in full and replays
/// the short segment between two, where honest runners on any hardware land close together
/// (docs/distributed.md, "Verification").
public struct InnerCheckpoint: Sendable, Equatable {
    /// Which checkpoint of the round: 0 … K.
    public var index: Int
    /// Local updates of this round made before it: min(index × segmentSteps, steps).
    public var step: Int
    /// AdamW's update count (the carried count at checkpoint 0; bias correction uses it).
    public var adamStep: Int
    public var params: [Float]
    public var m: [Float]
    public var v: [Float]

    public init(index: Int, step: Int, adamStep: Int, params: [Float], m: [Float], v: [Float]) {
        self.index = index
        self.step = step
        self.adamStep = adamStep
        self.params = params
        self.m = m
        self.v = v
    }

    /// The hashes a commitment lists for this checkpoint.
    public var hashes: Hashes {
        Hashes(step: step, adamStep: adamStep, params: Self.sha256(params), m: Self.sha256(m), v: Self.sha256(v))
    }

    /// What a runner commits to per checkpoint: SHA-256 (lower-case hex) of each vector's
    /// little-endian f32 bytes in parameter-vector order, as `paramsSHA256` hashes a model.
    public struct Hashes: Sendable, Hashable, Codable {
        public var step: Int
        public var adamStep: Int
        public var params: String
        public var m: String
        public var v: String

        public init(step: Int, adamStep: Int, params: String, m: String, v: String) {
            self.step = step
            self.adamStep = adamStep
            self.params = params
            self.m = m
            self.v = v
        }
    }

    /// SHA-256 of a vector's little-endian f32 bytes, lower-case hex.
    public static func sha256(_ values: [Float]) -> String {
        values.withUnsafeBytes { Hex.encode(SHA256.hash(Array($0))) }
    }

    /// The hash of `count` zeros: a fresh optimizer's m and v.
    public static func zerosSHA256(count: Int) -> String { sha256([Float](repeating: 0, count: count)) }

    /// Local steps at which checkpoints fall for a round of `steps` updates: 0, C, 2C, …, steps.
    public static func steps(total steps: Int, every segmentSteps: Int) -> [Int] {
        let c = max(1, segmentSteps)
        var out = Array(stride(from: 0, to: max(0, steps), by: c))
        out.append(max(0, steps))
        return out
    }
}
