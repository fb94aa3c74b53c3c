/// CenteredClip (Karimireddy, He and Jaggi, 2021; the aggregator inside BTARD): a point that
/// every update pulls towards with a force clipped to τ.
///
/// Starting from the coordinate-wise median (or a given centre, e.g. last round's aggregate),
/// it iterates
///
///     v ← v + (1/n) Σᵢ min(1, τ/‖xᵢ − v‖)·(xᵢ − v)
///
/// for at most ``maxIterations`` steps or until ‖step‖ ≤ ``tolerance``·τ. An attacker moves v
/// by at most τ/n per iteration however far away it sits, while honest updates inside the
/// radius count fully, as in the mean. Each update's final factor min(1, τ/‖xᵢ − v‖) is
/// reported as its weight: far-away updates get small weights, a measured contribution signal.
///
/// Cost: O(n·d) per iteration, in one pass over the updates (the step and the next
/// iteration's distances are fused), plus the median; no O(n²d), and no allocation beyond the
/// result and one chunk of scratch.
///
/// ```swift
/// let aggregator = try CenteredClipAggregator(radius: .medianDistance(multiplier: 1))
/// let result = try aggregator.aggregate(deltas)
/// ```
public struct CenteredClipAggregator: RobustAggregator, Hashable {
    /// How the clipping radius τ is chosen.
    public enum ClippingRadius: Sendable, Hashable {
        /// A fixed τ, in the updates' units (BTARD used τ ∈ {1, 10} for ResNet-18 gradients).
        case fixed(Float)
        /// τ = multiplier × the median distance of the updates from the starting point, so the
        /// radius follows the honest spread without the coordinator knowing its scale; the
        /// median keeps a minority of far-away attackers from inflating it.
        case medianDistance(multiplier: Float)
    }

    /// The rule for τ.
    public let radius: ClippingRadius
    /// The most iterations run (BTARD runs up to 20).
    public let maxIterations: Int
    /// Iteration stops once ‖step‖ ≤ tolerance·τ.
    public let tolerance: Float

    /// Creates the aggregator.
    /// - Throws: ``AggregationError/invalidParameter(name:detail:)`` for a τ or multiplier that
    ///   is negative or not finite, a negative iteration count or tolerance.
    public init(
        radius: ClippingRadius = .medianDistance(multiplier: 1), maxIterations: Int = 20, tolerance: Float = 1e-5
    ) throws(AggregationError) {
        switch radius {
        case let .fixed(tau):
            guard tau >= 0, tau.isFinite else { throw .invalidParameter(name: "radius", detail: "τ = \(tau) is not a finite, non-negative number") }
        case let .medianDistance(multiplier):
            guard multiplier >= 0, multiplier.isFinite else {
                throw .invalidParameter(name: "radius", detail: "multiplier \(multiplier) is not a finite, non-negative number")
            }
        }
        guard maxIterations >= 0 else { throw .invalidParameter(name: "maxIterations", detail: "\(maxIterations) is negative") }
        guard tolerance >= 0, tolerance.isFinite else {
            throw .invalidParameter(name: "tolerance", detail: "\(tolerance) is not a finite, non-negative number")
        }
        self.radius = radius
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Aggregates `updates`, starting from their coordinate-wise median.
    public func aggregate(_ updates: [[Float]]) throws(AggregationError) -> AggregationResult {
        let norms = try UpdateChecks.norms(of: updates)
        var center = [Float](repeating: 0, count: updates[0].count)
        var unused = [Int](repeating: 0, count: updates.count)
        return withBuffers(updates) { buffers in
            center.withUnsafeMutableBufferPointer { out in
                unused.withUnsafeMutableBufferPointer { kept in
                    CoordinateOrder.trimmedMean(of: buffers, trim: (buffers.count - 1) / 2, into: out, kept: kept)
                }
            }
            return iterate(buffers, norms: norms, center: &center)
        }
    }

    /// Aggregates `updates`, starting from `center` (e.g. the previous round's aggregate, as
    /// CenteredClip with momentum does).
    /// - Throws: ``AggregationError/invalidParameter(name:detail:)`` naming `center` when it has
    ///   the wrong length or is not finite.
    public func aggregate(_ updates: [[Float]], startingFrom center: [Float]) throws(AggregationError) -> AggregationResult {
        let norms = try UpdateChecks.norms(of: updates)
        guard center.count == updates[0].count else {
            throw .invalidParameter(name: "center", detail: "has \(center.count) elements, the updates \(updates[0].count)")
        }
        if let bad = center.withUnsafeBufferPointer({ VectorKernels.firstNonFinite($0) }) {
            throw .invalidParameter(name: "center", detail: "element \(bad) is not finite")
        }
        var center = center
        return withBuffers(updates) { buffers in iterate(buffers, norms: norms, center: &center) }
    }

    /// The iteration; `center` becomes the result.
    private func iterate(_ buffers: [UnsafeBufferPointer<Float>], norms: [Double], center: inout [Float]) -> AggregationResult {
        let n = buffers.count
        var distances = [Double](repeating: 0, count: n)
        var weights = [Float](repeating: 1, count: n)
        var scratch = [Float](repeating: 0, count: VectorKernels.chunkLength)
        var iterations = 0
        var converged = false
        let tau: Float = center.withUnsafeMutableBufferPointer { v in
            scratch.withUnsafeMutableBufferPointer { step in
                Self.measureDistances(buffers, from: UnsafeBufferPointer(v), into: &distances)
                let tau = clippingRadius(distances)
                while true {
                    for i in 0..<n {
                        weights[i] = distances[i] == 0 ? 1 : Float(min(1, Double(tau) / distances[i]))
                    }
                    if converged || iterations == maxIterations { break }
                    let stepNorm = Self.step(buffers, weights: weights, center: v, scratch: step, distances: &distances)
                    iterations += 1
                    converged = stepNorm <= Double(tolerance) * Double(tau)
                }
                return tau
            }
        }
        // `distances` already measures every update against the final v.
        let diagnostics = UpdateChecks.diagnostics(norms: norms, distances: distances, weights: weights)
        return AggregationResult(
            aggregate: center, diagnostics: diagnostics, iterations: iterations, converged: converged, clippingRadius: tau
        )
    }

    private func clippingRadius(_ distances: [Double]) -> Float {
        switch radius {
        case let .fixed(tau):
            return tau
        case let .medianDistance(multiplier):
            let sorted = distances.sorted()
            let middle = sorted.count / 2
            let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
            return Float(Double(multiplier) * median)
        }
    }

    /// distances[i] = ‖xᵢ − v‖, chunk by chunk so that v's chunk is read from cache n times.
    private static func measureDistances(
        _ buffers: [UnsafeBufferPointer<Float>], from v: UnsafeBufferPointer<Float>, into distances: inout [Double]
    ) {
        for i in distances.indices { distances[i] = 0 }
        var start = 0
        while start < v.count {
            let end = min(v.count, start + VectorKernels.chunkLength)
            let center = UnsafeBufferPointer(rebasing: v[start..<end])
            for i in buffers.indices {
                distances[i] += VectorKernels.squaredDistance(UnsafeBufferPointer(rebasing: buffers[i][start..<end]), center)
            }
            start = end
        }
        for i in distances.indices { distances[i] = distances[i].squareRoot() }
    }

    /// The hot loop: v += (1/n) Σᵢ wᵢ(xᵢ − v), one cache-sized chunk at a time; returns ‖step‖
    /// and leaves in `distances` each ‖xᵢ − v‖ from the moved v.
    ///
    /// The distances for the next iteration are measured chunk by chunk right after the chunk
    /// of v moves, while that chunk of every update is still in cache: one pass over the
    /// updates per iteration instead of two.
    private static func step(
        _ buffers: [UnsafeBufferPointer<Float>], weights: [Float],
        center v: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Float>,
        distances: inout [Double]
    ) -> Double {
        let inverseCount = 1 / Float(buffers.count)
        let coefficients = weights.map { $0 * inverseCount }
        for i in distances.indices { distances[i] = 0 }
        var squaredNorm = 0.0
        var start = 0
        while start < v.count {
            let end = min(v.count, start + VectorKernels.chunkLength)
            let length = end - start
            let step = UnsafeMutableBufferPointer(rebasing: scratch[0..<length])
            let center = UnsafeMutableBufferPointer(rebasing: v[start..<end])
            for k in 0..<length { step[k] = 0 }
            for (i, buffer) in buffers.enumerated() where coefficients[i] > 0 {
                let c = coefficients[i]
                let x = UnsafeBufferPointer(rebasing: buffer[start..<end])
                for k in 0..<length { step[k] += c * (x[k] - center[k]) }
            }
            for k in 0..<length { center[k] += step[k] }
            squaredNorm += VectorKernels.sumOfSquares(UnsafeBufferPointer(step))
            let moved = UnsafeBufferPointer(center)
            for i in buffers.indices {
                distances[i] += VectorKernels.squaredDistance(UnsafeBufferPointer(rebasing: buffers[i][start..<end]), moved)
            }
            start = end
        }
        for i in distances.indices { distances[i] = distances[i].squareRoot() }
        return squaredNorm.squareRoot()
    }
}
