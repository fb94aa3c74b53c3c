/// A delta quantised by ``BlockwiseInt8``: one int8 per element and one Float32 scale per block.
///
/// Element `j` decodes to `Float(values[j]) * scales[j / blockSize]`. The initialiser checks
/// every invariant, so a payload that came over the network and was accepted decodes without
/// further checks.
public struct QuantisedDelta: Sendable, Hashable {
    /// Number of elements in the original delta.
    public let count: Int
    /// Elements per block; the last block may be shorter.
    public let blockSize: Int
    /// Quantised elements in [-127, 127].
    public let values: [Int8]
    /// Per-block scale, absmax/127 of the block (0 for an all-zero block).
    public let scales: [Float]

    /// Assembles a payload, refusing one whose parts disagree.
    /// - Throws: ``CompressionError/invalidBlockSize(_:)`` or
    ///   ``CompressionError/malformedPayload(field:detail:)`` naming `values` or `scales`.
    public init(count: Int, blockSize: Int, values: [Int8], scales: [Float]) throws(CompressionError) {
        guard blockSize >= 1 else { throw .invalidBlockSize(blockSize) }
        guard count >= 0, values.count == count else {
            throw .malformedPayload(field: "values", detail: "holds \(values.count) elements but count is \(count)")
        }
        let blocks = Self.blockCount(count: count, blockSize: blockSize)
        guard scales.count == blocks else {
            throw .malformedPayload(field: "scales", detail: "holds \(scales.count) scales but \(blocks) blocks need one each")
        }
        if let bad = scales.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw .malformedPayload(field: "scales", detail: "scale \(bad) is \(scales[bad]); scales are finite and non-negative")
        }
        // -128 cannot come from absmax/127 scaling and would decode beyond the block's absmax.
        if let bad = values.firstIndex(of: Int8.min) {
            throw .malformedPayload(field: "values", detail: "element \(bad) is -128; values lie in [-127, 127]")
        }
        self.init(unchecked: count, blockSize: blockSize, values: values, scales: scales)
    }

    init(unchecked count: Int, blockSize: Int, values: [Int8], scales: [Float]) {
        self.count = count
        self.blockSize = blockSize
        self.values = values
        self.scales = scales
    }

    /// Number of blocks, ⌈count / blockSize⌉.
    public var blockCount: Int { scales.count }

    /// Payload bytes: one per element plus four per block scale. The wire format's framing
    /// (count, block size) comes on top and is the wire format's to count.
    public var byteCount: Int { values.count + 4 * scales.count }

    /// How many times smaller than the same delta in Float32 (4 bytes per element);
    /// 256·4 / (256 + 4) ≈ 3.94 for the default block size.
    public var compressionRatio: Double {
        byteCount == 0 ? 1 : Double(4 * count) / Double(byteCount)
    }

    /// The per-block scale that applies to element `index`; the reconstruction error of that
    /// element is at most half of it.
    public func scale(forElement index: Int) -> Float { scales[index / blockSize] }

    static func blockCount(count: Int, blockSize: Int) -> Int {
        count == 0 ? 0 : (count - 1) / blockSize + 1
    }
}
