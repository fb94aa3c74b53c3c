import PurrCrypto
import Testing
@testable import WireFormat

/// A deterministic generator so that every fuzz run sees the same inputs.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` little-endian, the way the frame layout stores integers.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        for shift in 0 ..< MemoryLayout<T>.size { append(UInt8(truncatingIfNeeded: value >> (8 * shift))) }
    }

    mutating func appendFloats(_ values: [Float]) {
        for value in values { appendLittleEndian(value.bitPattern) }
    }
}

/// One table entry written field by field, so a test can make any field wrong on purpose.
struct RawEntry {
    var name: [UInt8] = Array("w".utf8)
    var nameLength: UInt16?
    var dtype: UInt8 = 1
    var rank: UInt8?
    var dims: [UInt32] = [2]
    var blockSize: UInt32 = 0
    var offset: UInt64 = 0
    var length: UInt64 = 8

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.appendLittleEndian(nameLength ?? UInt16(name.count))
        out += name
        out.append(dtype)
        out.append(rank ?? UInt8(dims.count))
        for dim in dims { out.appendLittleEndian(dim) }
        out.appendLittleEndian(blockSize)
        out.appendLittleEndian(offset)
        out.appendLittleEndian(length)
        return out
    }
}

/// A frame assembled by hand, independent of the encoder; by default a valid frame holding
/// one f32 tensor "w" = [1, -2].
struct RawFrame {
    var magic: [UInt8] = [0x50, 0x51, 0x54, 0x46]
    var version: UInt16 = 1
    var messageType: UInt16 = 3
    var flags: UInt32 = 0
    var tensorCount: UInt32?
    var requestID: UInt64 = 11
    var round: UInt64 = 5
    var entries: [RawEntry] = [RawEntry()]
    /// The bytes between the table and the payload; nil means zeros up to a multiple of 8.
    var padding: [UInt8]?
    var payload: [UInt8] = {
        var bytes: [UInt8] = []
        bytes.appendFloats([1, -2])
        return bytes
    }()

    var body: [UInt8] {
        var out = magic
        out.appendLittleEndian(version)
        out.appendLittleEndian(messageType)
        out.appendLittleEndian(flags)
        out.appendLittleEndian(tensorCount ?? UInt32(entries.count))
        out.appendLittleEndian(requestID)
        out.appendLittleEndian(round)
        for entry in entries { out += entry.bytes }
        out += padding ?? [UInt8](repeating: 0, count: (8 - out.count % 8) % 8)
        return out + payload
    }

    /// The body followed by its correct SHA-256, so only the intended fault is wrong.
    var sealed: [UInt8] { Self.seal(body) }

    static func seal(_ body: [UInt8]) -> [UInt8] { body + SHA256.hash(body) }
}

/// The code thrown by decoding `bytes`, or nil if it decoded.
func decodeError(_ bytes: [UInt8], limits: WireLimits = .standard) -> WireFormatError? {
    do {
        _ = try TensorFrame.decode(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// A small frame with both dtypes, a partial last block, a scalar and an empty tensor.
func sampleFrame() throws -> TensorFrame {
    try TensorFrame(messageType: .update, requestID: 99, round: 12, tensors: [
        .float32(name: "model.layers.0.self_attn.q_proj.weight", shape: [2, 3], values: [0.5, -1, 2, 3.25, -0, 1e-30]),
        .int8(name: "model.layers.0.mlp.up_proj.weight", shape: [5], values: [1, -2, 127, -128, 0],
              scales: [0.01, 2], blockSize: 3),
        .float32(name: "model.norm.weight", shape: [], values: [7]),
        .float32(name: "model.bias", shape: [0, 4], values: []),
    ])
}
