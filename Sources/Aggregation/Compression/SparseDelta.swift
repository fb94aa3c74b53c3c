/// A delta reduced by ``TopK`` to its largest-magnitude elements: ascending indices and the
/// exact Float32 values found there. Every other element decodes to zero.
///
/// The initialiser checks every invariant, so an accepted payload from the network decodes
/// without further checks.
public struct SparseDelta: Sendable, Hashable {
    /// Number of elements in the original (dense) delta.
    public let count: Int
    /// Positions of the kept elements, strictly ascending.
    public let indices: [UInt32]
    /// The kept elements, finite, one per index.
    public let values: [Float]

    /// Assembles a payload, refusing one whose parts disagree.
    /// - Throws: ``CompressionError/malformedPayload(field:detail:)`` naming `count`,
    ///   `indices` or `values`.
    public init(count: Int, indices: [UInt32], values: [Float]) throws(CompressionError) {
        guard count >= 0, count <= Int(UInt32.max) else {
            throw .malformedPayload(field: "count", detail: "\(count) is outside 0...\(UInt32.max)")
        }
        guard indices.count == values.count else {
            throw .malformedPayload(field: "values", detail: "holds \(values.count) values for \(indices.count) indices")
        }
        var previous: Int = -1
        for (position, index) in indices.enumerated() {
            let current = Int(index)
            guard current > previous, current < count else {
                throw .malformedPayload(
                    field: "indices",
                    detail: "entry \(position) is \(index); indices are strictly ascending and below count \(count)"
                )
            }
            previous = current
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .malformedPayload(field: "values", detail: "value \(bad) is not finite")
        }
        self.init(unchecked: count, indices: indices, values: values)
    }

    init(unchecked count: Int, indices: [UInt32], values: [Float]) {
        self.count = count
        self.indices = indices
        self.values = values
    }

    /// Payload bytes: a UInt32 index and a Float32 value per kept element. The wire format's
    /// framing comes on top.
    public var byteCount: Int { 4 * indices.count + 4 * values.count }

    /// How many times smaller than the dense delta in Float32.
    public var compressionRatio: Double {
        byteCount == 0 ? 1 : Double(4 * count) / Double(byteCount)
    }
}
