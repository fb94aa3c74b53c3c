/// The plain coordinate-wise mean: the baseline robust rules are measured against.
///
/// One attacker moves it arbitrarily far, so it is never the coordinator's rule; it stays for
/// comparisons and for trusted, already-filtered inputs.
public struct MeanAggregator: RobustAggregator, Hashable {
    /// Creates the mean.
    public init() {}

    /// Averages `updates`; every diagnostics weight is 1.
    public func aggregate(_ updates: [[Float]]) throws(AggregationError) -> AggregationResult {
        let norms = try UpdateChecks.norms(of: updates)
        let count = updates[0].count
        var mean = [Float](repeating: 0, count: count)
        let diagnostics = withBuffers(updates) { buffers in
            mean.withUnsafeMutableBufferPointer { out in
                Self.mean(of: buffers, into: out)
            }
            return mean.withUnsafeBufferPointer { result in
                UpdateChecks.diagnostics(buffers, result: result, norms: norms, weights: Array(repeating: 1, count: buffers.count))
            }
        }
        return AggregationResult(aggregate: mean, diagnostics: diagnostics)
    }

    /// out = (1/n) Σ buffers[i], chunk by chunk so the output chunk stays in cache.
    static func mean(of buffers: [UnsafeBufferPointer<Float>], into out: UnsafeMutableBufferPointer<Float>) {
        let count = Float(buffers.count)
        var start = 0
        while start < out.count {
            let end = min(out.count, start + VectorKernels.chunkLength)
            let chunk = UnsafeMutableBufferPointer(rebasing: out[start..<end])
            for j in chunk.indices { chunk[j] = 0 }
            for buffer in buffers {
                VectorKernels.addScaled(1, UnsafeBufferPointer(rebasing: buffer[start..<end]), into: chunk)
            }
            // Division, not multiplication by 1/n: n identical updates then average to themselves.
            for j in chunk.indices { chunk[j] /= count }
            start = end
        }
    }
}
