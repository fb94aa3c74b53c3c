import Foundation

/// Adam with decoupled weight decay (Loshchilov & Hutter), as PyTorch's `torch.optim.AdamW`:
/// `p ← p − lr·(m̂ / (sqrt(v̂) + eps) + weightDecay·p)`.
///
/// Moments live in ``ParameterStore``s of the model's layout, so a checkpoint writes them like
/// weights. Decay applies to matrices only: norm weights (1-D tensors) are not pulled towards 0,
/// which would fight their initialisation at 1.
public final class AdamW {
    public var beta1: Float
    public var beta2: Float
    public var eps: Float
    public var weightDecay: Float
    /// First moment, same layout as the parameters.
    public let m: ParameterStore
    /// Second moment.
    public let v: ParameterStore
    /// Updates applied so far (bias correction uses `step + 1` for the next one).
    public private(set) var step: Int

    /// Threads sharing an update (elementwise, so the result does not depend on it).
    public var threads: Int = 2
    /// The flat buffer as consecutive runs, each with or without weight decay.
    private let runs: [(range: Range<Int>, decays: Bool)]

    public init(layout: ParameterLayout, beta1: Float = 0.9, beta2: Float = 0.95, eps: Float = 1e-8, weightDecay: Float = 0.1) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        m = ParameterStore(layout: layout)
        v = ParameterStore(layout: layout)
        step = 0
        var runs: [(range: Range<Int>, decays: Bool)] = []
        for e in layout.entries {
            let decays = e.shape.count >= 2
            if let last = runs.last, last.decays == decays, last.range.upperBound == e.offset {
                runs[runs.count - 1].range = last.range.lowerBound..<(e.offset + e.count)
            } else {
                runs.append((e.offset..<(e.offset + e.count), decays))
            }
        }
        self.runs = runs
    }

    /// Starts from given moments instead of zeros, with bias correction off, as if the
    /// optimizer had long been running: a DiLoCo runner whose optimizer must start fresh each
    /// round (so that audits can replay it) then avoids Adam's cold-start transient, steps of
    /// ±lr in every coordinate, which undo a trained model's progress.
    public func prime(firstMoment: UnsafePointer<Float>, secondMoment: UnsafePointer<Float>) {
        m.pointer.update(from: firstMoment, count: m.count)
        v.pointer.update(from: secondMoment, count: v.count)
        step = 1_000_000
    }

    /// Carries on from moments and a step count saved from another run (a DiLoCo runner that
    /// keeps its inner optimizer across rounds).
    public func resume(firstMoment: UnsafePointer<Float>, secondMoment: UnsafePointer<Float>, step: Int) {
        m.pointer.update(from: firstMoment, count: m.count)
        v.pointer.update(from: secondMoment, count: v.count)
        self.step = max(0, step)
    }

    /// Restores the update count when ``TrainingCheckpoint`` loads the moments.
    func restore(step: Int) { self.step = step }

    /// Applies one update to `params` with learning rate `lr`.
    /// - Precondition: `params` and `grads` share the optimizer's layout.
    public func update(params: ParameterStore, grads: ParameterStore, lr: Float) {
        precondition(params.count == m.count && grads.count == m.count, "AdamW: parameter stores of another layout")
        step += 1
        let b1 = beta1, b2 = beta2, e = eps
        let c1 = 1 / (1 - Float(Foundation.pow(Double(b1), Double(step))))
        let c2 = 1 / (1 - Float(Foundation.pow(Double(b2), Double(step))))
        let p = params.pointer, g = grads.pointer, mp = m.pointer, vp = v.pointer
        // Runs with and without decay; each thread takes a contiguous part of every run.
        for (range, decays) in runs {
            let decay = decays ? lr * weightDecay : 0
            Parallel.forRanges(range.count, parts: threads) { part in
                for j in (range.lowerBound + part.lowerBound)..<(range.lowerBound + part.upperBound) {
                    let gj = g[j]
                    let mj = b1 * mp[j] + (1 - b1) * gj
                    let vj = b2 * vp[j] + (1 - b2) * gj * gj
                    mp[j] = mj
                    vp[j] = vj
                    p[j] -= lr * (mj * c1) / ((vj * c2).squareRoot() + e) + decay * p[j]
                }
            }
        }
    }
}

/// Scales `grads` in place so that their global L2 norm is at most `maxNorm`.
/// - Returns: the norm before clipping (computed in Double), for logging and spotting divergence.
@discardableResult
public func clipGradNorm(_ grads: ParameterStore, maxNorm: Float, threads: Int = 2) -> Float {
    let g = grads.pointer
    let count = grads.count
    // Per-thread partial sums over fixed ranges, added in order: reproducible for a thread count.
    let parts = max(1, min(threads, count / 4096))
    let partials = UnsafeMutableBufferPointer<Double>.allocate(capacity: parts)
    defer { partials.deallocate() }
    partials.initialize(repeating: 0)
    let chunk = (count + parts - 1) / parts
    Parallel.forEach(parts) { k in
        var total: Double = 0
        var i = k * chunk
        let end = min(count, i + chunk)
        // Float sums of short runs (vectorized), accumulated in Double.
        while i < end {
            let runEnd = min(end, i + 4096)
            total += Double(TrainingKernels.dot(g + i, g + i, runEnd - i))
            i = runEnd
        }
        partials[k] = total
    }
    let norm = Float(partials.reduce(0, +).squareRoot())
    if norm > maxNorm, norm.isFinite {
        let scale = maxNorm / (norm + 1e-6)
        Parallel.forRanges(count, parts: threads) { range in
            for j in range { g[j] *= scale }
        }
    }
    return norm
}
