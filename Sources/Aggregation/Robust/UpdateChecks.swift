/// The checks every aggregator makes before touching the data.
enum UpdateChecks {
    /// Refuses an empty set, unequal lengths and non-finite values; returns each update's norm.
    static func norms(of updates: [[Float]]) throws(AggregationError) -> [Double] {
        guard let first = updates.first else { throw .noUpdates }
        var norms: [Double] = []
        norms.reserveCapacity(updates.count)
        for (index, update) in updates.enumerated() {
            guard update.count == first.count else {
                throw .invalidUpdate(index: index, reason: .wrongLength(expected: first.count, got: update.count))
            }
            do throws(UpdateValidationError) {
                norms.append(try update.withUnsafeBufferPointer { buffer throws(UpdateValidationError) in
                    try UpdateValidation.finiteNorm(buffer)
                })
            } catch {
                throw .invalidUpdate(index: index, reason: error)
            }
        }
        return norms
    }

    /// Per-update diagnostics against `result`, with the given weights.
    static func diagnostics(
        _ buffers: [UnsafeBufferPointer<Float>], result: UnsafeBufferPointer<Float>, norms: [Double], weights: [Float]
    ) -> [UpdateDiagnostics] {
        let distances = buffers.map { VectorKernels.squaredDistance($0, result).squareRoot() }
        return diagnostics(norms: norms, distances: distances, weights: weights)
    }

    /// Per-update diagnostics from distances already measured.
    static func diagnostics(norms: [Double], distances: [Double], weights: [Float]) -> [UpdateDiagnostics] {
        norms.indices.map { i in
            UpdateDiagnostics(norm: Float(norms[i]), distanceToResult: Float(distances[i]), weight: weights[i])
        }
    }
}
