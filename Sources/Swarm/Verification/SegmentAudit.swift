import Foundation
import ModelTraining
import NeuralCore

/// The coordinator's check of one audited update (training protocol 2), apart from I/O.
///
/// The runner committed to the hash of every checkpoint (``SegmentCommitment``); the audit
/// asked for the states at both ends of `segments` and at the last checkpoint. It proves:
/// 1. the states are the committed ones (hashes);
/// 2. their moments are ones clipped gradients produce (|m| ≤ clipNorm, 0 ≤ v ≤ clipNorm²);
/// 3. each asked segment is the assigned training: replayed from its start state on the
///    batches of those steps, it lands within tolerance of its end state. A segment is a few
///    steps, so honest arithmetic on other hardware stays close (drift grows with the steps);
/// 4. the upload is the trajectory's end: θ_K − θ_0 within the int8 and error-feedback error.
/// What a runner could fake unseen is a segment nobody asked for; which ones are asked is
/// drawn after the commitment, so faking any one is caught with probability asked / K per audit.
public struct SegmentAudit: Sendable {
    public struct Tolerances: Codable, Hashable, Sendable {
        /// ‖θ' − θ_end‖ / ‖θ_end − θ_start‖: the replayed segment against the runner's.
        public var params: Float = 0.05
        /// ‖m' − m_end‖ / ‖m_end‖ and the same for v.
        public var moments: Float = 0.05
        /// ‖u − (θ_K − θ_0)‖ / ‖θ_K − θ_0‖ for the uploaded update u.
        public var upload: Float = 0.05

        public init() {}
    }

    /// What an audited runner sent.
    public struct Evidence: Sendable {
        public var commitment: SegmentCommitment
        /// Segment indices replayed (segment s runs from checkpoint s to s + 1).
        public var segments: [Int]
        /// The states received, by checkpoint index.
        public var states: [Int: InnerCheckpoint]

        public init(commitment: SegmentCommitment, segments: [Int], states: [Int: InnerCheckpoint]) {
            self.commitment = commitment
            self.segments = segments
            self.states = states
        }

        /// The checkpoints an audit of `segments` needs: both ends of each, and the last.
        public static func checkpoints(segments: [Int], total: Int) -> [Int] {
            Array(Set(segments.flatMap { [$0, $0 + 1] } + [total])).sorted()
        }
    }

    /// One audit's distances, for the figures.
    public struct Measured: Sendable {
        /// The segments replayed.
        public var segments: [Int] = []
        public var params: [Float] = []
        public var m: [Float] = []
        public var v: [Float] = []
        public var upload: Float?
    }

    public let inner: InnerLoop.Settings
    public let tolerances: Tolerances

    public init(inner: InnerLoop.Settings, tolerances: Tolerances) {
        self.inner = inner
        self.tolerances = tolerances
    }

    /// Draws `count` distinct segments of `total` with the coordinator's secret randomness.
    public static func pick(_ count: Int, of total: Int, rng: inout some RandomNumberGenerator) -> [Int] {
        guard total > 0 else { return [] }
        var all = Array(0..<total)
        all.shuffle(using: &rng)
        return Array(all.prefix(max(1, min(count, total)))).sorted()
    }

    /// Nil when the audit passes, else the offence ("audit.…: why"); `measured` gets the distances.
    public func verify(_ e: Evidence, start: ParameterStore, update: [Float], samples: [[Int32]], seed: UInt64,
                       measured: inout Measured) -> String? {
        let count = start.count
        let total = e.commitment.segments
        measured.segments = e.segments
        for k in Evidence.checkpoints(segments: e.segments, total: total) {
            guard let s = e.states[k] else { return "audit.missing_state: checkpoint \(k) was not sent" }
            guard k < e.commitment.checkpoints.count, s.params.count == count, s.m.count == count, s.v.count == count else {
                return "audit.bad_state: checkpoint \(k) does not match the model's size"
            }
            let c = e.commitment.checkpoints[k]
            guard s.step == c.step, s.adamStep == c.adamStep, s.hashes == c else {
                return "audit.commitment_mismatch: checkpoint \(k) does not hash to what was committed"
            }
            if let why = Self.implausible(m: s.m, v: s.v, clipNorm: inner.clipNorm) { return "audit.bad_state: checkpoint \(k): \(why)" }
        }
        let loop = InnerLoop(settings: inner)
        for s in e.segments {
            guard let from = e.states[s], let to = e.states[s + 1] else { return "audit.missing_state: segment \(s)" }
            let redo: InnerCheckpoint
            do { redo = try loop.replay(from: from, untilStep: to.step, samples: samples, seed: seed, layout: start.layout) } catch {
                return "audit.replay_failed: \(error)"
            }
            let dp = Self.distance(redo.params, to.params, scale: Self.distance(to.params, from.params, scale: 1))
            let dm = Self.distance(redo.m, to.m, scale: Self.norm(to.m))
            let dv = Self.distance(redo.v, to.v, scale: Self.norm(to.v))
            measured.params.append(dp)
            measured.m.append(dm)
            measured.v.append(dv)
            guard dp <= tolerances.params, dm <= tolerances.moments, dv <= tolerances.moments else {
                return "audit.segment_mismatch: replaying segment \(s) (steps \(from.step)–\(to.step)) lands "
                    + "\(Self.percent(dp)) from its end parameters, \(Self.percent(dm)) / \(Self.percent(dv)) from its moments"
            }
        }
        guard let last = e.states[total], update.count == count else { return "audit.missing_state: checkpoint \(total)" }
        var moved = [Float](repeating: 0, count: count)
        for j in 0..<count { moved[j] = last.params[j] - start.pointer[j] }
        let du = Self.distance(update, moved, scale: Self.norm(moved))
        measured.upload = du
        guard du <= tolerances.upload else {
            return "audit.upload_mismatch: the update is \(Self.percent(du)) from the committed trajectory's end (θ_K − θ_0)"
        }
        return nil
    }

    /// Why moments cannot come from clipped gradients, or nil: every first moment lies in
    /// ±clipNorm and every second moment in [0, clipNorm²].
    public static func implausible(m: [Float], v: [Float], clipNorm: Float) -> String? {
        let bound = clipNorm * 1.0001
        for j in 0..<min(m.count, v.count) {
            guard m[j].isFinite, v[j].isFinite, abs(m[j]) <= bound, v[j] >= 0, v[j] <= bound * bound else {
                return "moment \(j) (m \(m[j]), v \(v[j])) is outside what clipped gradients can produce"
            }
        }
        return nil
    }

    /// ‖a − b‖ / scale (infinite for a zero scale unless a = b).
    static func distance(_ a: [Float], _ b: [Float], scale: Float) -> Float {
        var d: Double = 0
        for j in 0..<min(a.count, b.count) {
            let x = Double(a[j]) - Double(b[j])
            d += x * x
        }
        let diff = Float(d.squareRoot())
        if diff == 0 { return 0 }
        return scale > 0 ? diff / scale : .infinity
    }

    static func norm(_ a: [Float]) -> Float {
        Float(a.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    }

    static func percent(_ x: Float) -> String {
        x.isFinite ? String(format: "%.2f %%", Double(x) * 100) : "∞"
    }
}
