/// How a tensor's elements are stored on the wire; the raw value is the table's dtype byte.
///
/// Raw value 3 is reserved for f16 and refused by version 1.
public enum WireDType: UInt8, Sendable, Hashable {
    /// IEEE 754 binary32, little-endian: parameters and full-precision deltas.
    case float32 = 1
    /// Signed bytes with one f32 scale per block of elements: compressed deltas.
    case int8Blocks = 2
}

/// The elements of a tensor, in row-major order.
public enum TensorData: Sendable, Equatable {
    /// One f32 per element.
    case float32([Float])
    /// Element `j` is `values[j] * scales[j / blockSize]`; there are ⌈values.count / blockSize⌉ scales.
    case int8(values: [Int8], scales: [Float], blockSize: Int)

    /// The dtype byte this data is written with.
    public var dtype: WireDType {
        switch self {
        case .float32: .float32
        case .int8: .int8Blocks
        }
    }

    /// How many elements the data holds.
    public var elementCount: Int {
        switch self {
        case let .float32(values): values.count
        case let .int8(values, _, _): values.count
        }
    }
}

/// One named tensor in a frame, e.g. `model.layers.0.self_attn.q_proj.weight` with shape `[128, 128]`.
///
/// A value always satisfies version 1: its name is 1–256 bytes of UTF-8, its rank is at most 4,
/// its shape's product equals its element count and int8 data has one scale per block. So
/// ``TensorFrame/encode()`` cannot fail.
///
/// ```swift
/// let delta = try WireTensor(name: "model.norm.weight", shape: [128], data: .float32(values))
/// ```
public struct WireTensor: Sendable, Equatable {
    /// The Hugging Face parameter name.
    public let name: String
    /// The dims, outermost first; `[]` is a scalar.
    public let shape: [Int]
    /// The elements, row-major.
    public let data: TensorData

    /// The dtype byte this tensor is written with.
    public var dtype: WireDType { data.dtype }

    /// A tensor checked against version 1.
    /// - Parameters:
    ///   - name: 1–256 bytes of UTF-8, unique within the frame it goes into.
    ///   - shape: at most 4 dims, each 0...UInt32.max, whose product is the data's element count.
    ///   - data: f32 values, or int8 values with ⌈count / blockSize⌉ scales and a block size of at least 1.
    /// - Throws: ``WireFormatError`` with `wire.bad_name`, `wire.too_large`, `wire.bad_shape` or `wire.bad_block_size`.
    public init(name: String, shape: [Int], data: TensorData) throws(WireFormatError) {
        let field = "tensor \"\(name)\""
        let nameBytes = name.utf8.count
        guard nameBytes > 0 else { throw WireFormatError(.badName, field: "name", "A tensor name must not be empty.") }
        guard nameBytes <= WireLimits.standard.maxNameBytes else {
            throw WireFormatError(.tooLarge, field: "\(field).name",
                                  "The name is \(nameBytes) bytes of UTF-8; at most \(WireLimits.standard.maxNameBytes) are allowed.")
        }
        guard shape.count <= WireLimits.standard.maxRank else {
            throw WireFormatError(.badShape, field: "\(field).shape",
                                  "The shape has \(shape.count) dims; at most \(WireLimits.standard.maxRank) are allowed.")
        }
        var product = 1
        for (axis, dim) in shape.enumerated() {
            guard dim >= 0, UInt64(dim) <= UInt64(UInt32.max) else {
                throw WireFormatError(.badShape, field: "\(field).shape[\(axis)]",
                                      "Dim \(axis) is \(dim); each dim must be 0...\(UInt32.max).")
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw WireFormatError(.badShape, field: "\(field).shape", "The shape \(shape) has more elements than an Int can count.")
            }
            product = next
        }
        guard product == data.elementCount else {
            throw WireFormatError(.badShape, field: "\(field).shape",
                                  "The shape \(shape) holds \(product) elements but the data has \(data.elementCount).")
        }
        if case let .int8(values, scales, blockSize) = data {
            guard blockSize >= 1, UInt64(blockSize) <= UInt64(UInt32.max) else {
                throw WireFormatError(.badBlockSize, field: "\(field).blockSize",
                                      "The block size is \(blockSize); int8 data needs 1...\(UInt32.max) elements per scale.")
            }
            let blocks = Self.blockCount(elements: values.count, blockSize: blockSize)
            guard scales.count == blocks else {
                throw WireFormatError(.badShape, field: "\(field).scales",
                                      "\(values.count) values in blocks of \(blockSize) need \(blocks) scales, not \(scales.count).")
            }
        }
        self.init(validatedName: name, shape: shape, data: data)
    }

    /// A tensor the decoder has already checked field by field.
    init(validatedName name: String, shape: [Int], data: TensorData) {
        self.name = name
        self.shape = shape
        self.data = data
    }

    /// An f32 tensor.
    /// - Throws: ``WireFormatError`` as ``init(name:shape:data:)`` does.
    public static func float32(name: String, shape: [Int], values: [Float]) throws(WireFormatError) -> WireTensor {
        try WireTensor(name: name, shape: shape, data: .float32(values))
    }

    /// A block-quantised int8 tensor: one scale per `blockSize` values.
    /// - Throws: ``WireFormatError`` as ``init(name:shape:data:)`` does.
    public static func int8(name: String, shape: [Int], values: [Int8], scales: [Float],
                            blockSize: Int) throws(WireFormatError) -> WireTensor {
        try WireTensor(name: name, shape: shape, data: .int8(values: values, scales: scales, blockSize: blockSize))
    }

    /// ⌈elements / blockSize⌉ without overflow; `blockSize` is at least 1.
    static func blockCount(elements: Int, blockSize: Int) -> Int {
        elements / blockSize + (elements % blockSize == 0 ? 0 : 1)
    }

    /// The bytes of this tensor's payload region.
    var regionByteCount: Int {
        switch data {
        case let .float32(values): values.count * 4
        case let .int8(values, scales, _): scales.count * 4 + values.count
        }
    }

    /// The bytes of this tensor's table entry.
    var tableEntryByteCount: Int { 2 + name.utf8.count + 1 + 1 + 4 * shape.count + 4 + 8 + 8 }
}
