import PurrCrypto

/// All of a model's parameters (or gradients, or optimizer moments) in one flat Float32
/// buffer, with named views from a ``ParameterLayout``.
///
/// One buffer makes a whole model cheap to copy, average, compress and checksum — what the
/// distributed trainer of a later issue does to it every round.
///
/// Not thread-safe: one owner at a time (a trainer, an inference session).
public final class ParameterStore: @unchecked Sendable {
    // @unchecked: a single buffer owned by one user at a time; see the type's doc comment.
    public let layout: ParameterLayout
    public let pointer: UnsafeMutablePointer<Float>
    public var count: Int { layout.totalCount }

    /// A zero-filled store.
    public init(layout: ParameterLayout) {
        self.layout = layout
        pointer = .allocate(capacity: max(1, layout.totalCount))
        pointer.initialize(repeating: 0, count: max(1, layout.totalCount))
    }

    deinit { pointer.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// The view of one named tensor, or nil for an unknown name.
    public func view(_ name: String) -> UnsafeMutableBufferPointer<Float>? {
        guard let e = layout.entry(name) else { return nil }
        return UnsafeMutableBufferPointer(start: pointer + e.offset, count: e.count)
    }

    public func zero() { pointer.update(repeating: 0, count: count) }

    public func copy(from other: ParameterStore) {
        precondition(other.count == count, "parameter stores of different layouts")
        pointer.update(from: other.pointer, count: count)
    }

    public func clone() -> ParameterStore {
        let c = ParameterStore(layout: layout)
        c.copy(from: self)
        return c
    }

    /// SHA-256 of the little-endian bytes, to tell two models apart cheaply and exactly.
    public func checksum() -> String {
        let bytes = UnsafeRawBufferPointer(start: pointer, count: count * MemoryLayout<Float>.stride)
        return Hex.encode(SHA256.hash(Array(bytes)))
    }
}
