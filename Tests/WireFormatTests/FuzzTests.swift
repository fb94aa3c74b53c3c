import Testing
@testable import WireFormat

/// Seeded random mutations of valid frames. A crash fails the whole run; otherwise each input
/// must either decode to a frame that encodes and decodes again unchanged, or throw (the typed
/// `throws(WireFormatError)` makes any other error impossible to compile).
@Suite struct FuzzTests {
    static func randomFrame(using rng: inout SplitMix64) throws -> TensorFrame {
        let count = Int.random(in: 0 ... 5, using: &rng)
        let tensors = try (0 ..< count).map { index throws(WireFormatError) in
            let rank = Int.random(in: 0 ... 4, using: &rng)
            let shape = (0 ..< rank).map { _ in Int.random(in: 0 ... 4, using: &rng) }
            let elements = shape.reduce(1, *)
            let name = "model.layers.\(index).w" + String(repeating: "x", count: Int.random(in: 0 ... 12, using: &rng))
            if Bool.random(using: &rng) {
                let values = (0 ..< elements).map { _ in Float.random(in: -4 ... 4, using: &rng) }
                return try WireTensor.float32(name: name, shape: shape, values: values)
            }
            let blockSize = Int.random(in: 1 ... 8, using: &rng)
            let values = (0 ..< elements).map { _ in Int8.random(in: .min ... .max, using: &rng) }
            let scales = (0 ..< WireTensor.blockCount(elements: elements, blockSize: blockSize)).map { _ in
                Float.random(in: 0 ... 1, using: &rng)
            }
            return try WireTensor.int8(name: name, shape: shape, values: values, scales: scales, blockSize: blockSize)
        }
        let type = TensorFrame.MessageType.allCases.randomElement(using: &rng) ?? .update
        return try TensorFrame(messageType: type, requestID: rng.next(), round: rng.next(), tensors: tensors)
    }

    /// Values that tend to sit on a boundary when written into a length, count or offset field.
    static let interesting: [UInt64] = [0, 1, 2, 3, 4, 7, 8, 255, 256, 257, 4095, 4096, 4097, 65535, 65536,
                                        0x7FFF_FFFF, 0xFFFF_FFFF, 0x1_0000_0000, .max / 5, .max / 4, .max - 7, .max]

    static func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        switch Int.random(in: 0 ... 6, using: &rng) {
        case 0:
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) where !bytes.isEmpty {
                bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] ^= UInt8(1) << UInt8.random(in: 0 ... 7, using: &rng)
            }
        case 1:
            if !bytes.isEmpty { bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng) }
        case 2:
            bytes = Array(bytes.prefix(Int.random(in: 0 ... bytes.count, using: &rng)))
        case 3:
            bytes += (0 ..< Int.random(in: 1 ... 16, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        case 4:
            // Overwrite a little-endian field of 2, 4 or 8 bytes with a boundary value.
            let width = [2, 4, 8].randomElement(using: &rng) ?? 4
            guard bytes.count >= width else { break }
            let at = Int.random(in: 0 ... bytes.count - width, using: &rng)
            let value = interesting.randomElement(using: &rng) ?? 0
            for shift in 0 ..< width { bytes[at + shift] = UInt8(truncatingIfNeeded: value >> (8 * shift)) }
        case 5:
            guard !bytes.isEmpty else { break }
            let start = Int.random(in: 0 ..< bytes.count, using: &rng)
            bytes.removeSubrange(start ..< min(bytes.count, start + Int.random(in: 1 ... 8, using: &rng)))
        default:
            let at = Int.random(in: 0 ... bytes.count, using: &rng)
            bytes.insert(contentsOf: (0 ..< Int.random(in: 1 ... 8, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }, at: at)
        }
        return bytes
    }

    /// Decodes `bytes`; a success must survive another trip unchanged. Returns the error code, if any.
    static func check(_ bytes: [UInt8]) -> WireFormatError.Code? {
        do {
            let frame = try TensorFrame.decode(bytes)
            let again = frame.encode()
            #expect(try TensorFrame.decode(again).encode() == again)
            return nil
        } catch {
            #expect(!error.message.isEmpty)
            return error.code
        }
    }

    @Test("Random mutations of valid frames never crash, and nearly all are caught by the checksum")
    func mutationsWithoutResealing() throws {
        var rng = SplitMix64(seed: 0x5157_4654)
        var codes: [WireFormatError.Code?: Int] = [:]
        for _ in 0 ..< 2000 {
            let original = try Self.randomFrame(using: &rng).encode()
            let mutated = Self.mutate(original, using: &rng)
            let code = Self.check(mutated)
            codes[code, default: 0] += 1
            if code == nil { #expect(mutated == original, "a changed frame passed its checksum") }
        }
        #expect((codes[.checksumMismatch] ?? 0) > 1000)
    }

    @Test("Random mutations resealed with a fresh checksum reach the parser and never crash")
    func mutationsResealed() throws {
        var rng = SplitMix64(seed: 0xC0FF_EE00)
        var codes: [WireFormatError.Code?: Int] = [:]
        for _ in 0 ..< 3000 {
            let original = try Self.randomFrame(using: &rng).encode()
            let body = Array(original.dropLast(WireLayout.checksumByteCount))
            let mutated = RawFrame.seal(Self.mutate(body, using: &rng))
            codes[Self.check(mutated), default: 0] += 1
        }
        // The parser, not just the checksum, was exercised: some frames still decode and many codes occur.
        #expect((codes[nil] ?? 0) > 100)
        #expect(codes.keys.compactMap { $0 }.count >= 8, "codes seen: \(codes)")
        #expect(codes[.checksumMismatch] == nil || codes[.checksumMismatch] ?? 0 < 50)
    }

    @Test("Random valid frames round-trip")
    func randomRoundTrips() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0 ..< 500 {
            let frame = try Self.randomFrame(using: &rng)
            #expect(try TensorFrame.decode(frame.encode()) == frame)
        }
    }
}
