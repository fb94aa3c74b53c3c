import Testing
@testable import WireFormat

@Suite struct RoundTripTests {
    @Test("f32 tensors of every rank come back exactly as they were sent")
    func float32RoundTrip() throws {
        var rng = SplitMix64(seed: 1)
        let shapes: [[Int]] = [[], [1], [7], [3, 5], [2, 3, 4], [2, 1, 3, 2], [0], [4, 0, 2]]
        let tensors = try shapes.enumerated().map { index, shape in
            let count = shape.reduce(1, *)
            let values = (0 ..< count).map { _ in Float.random(in: -10 ... 10, using: &rng) }
            return try WireTensor.float32(name: "t\(index)", shape: shape, values: values)
        }
        let frame = try TensorFrame(messageType: .modelState, requestID: 1, round: 2, tensors: tensors)
        #expect(try TensorFrame.decode(frame.encode()) == frame)
    }

    @Test("int8 tensors keep their values, scales and block size, including a partial last block")
    func int8RoundTrip() throws {
        var rng = SplitMix64(seed: 2)
        let values = (0 ..< 1000).map { _ in Int8.random(in: .min ... .max, using: &rng) }
        let scales = (0 ..< 4).map { _ in Float.random(in: 0 ... 1, using: &rng) }
        let tensor = try WireTensor.int8(name: "model.layers.1.mlp.down_proj.weight", shape: [10, 100],
                                         values: values, scales: scales, blockSize: 256)
        let frame = try TensorFrame(messageType: .update, requestID: 77, round: 3, tensors: [tensor])
        let decoded = try TensorFrame.decode(frame.encode())
        #expect(decoded == frame)
        #expect(decoded.tensors.first?.data == .int8(values: values, scales: scales, blockSize: 256))
    }

    @Test("Header fields survive the trip, including the largest request id and round")
    func headerFields() throws {
        for type in TensorFrame.MessageType.allCases {
            let frame = try TensorFrame(messageType: type, requestID: .max, round: UInt64.max - 1, tensors: [])
            let decoded = try TensorFrame.decode(frame.encode())
            #expect(decoded.messageType == type)
            #expect(decoded.requestID == .max)
            #expect(decoded.round == UInt64.max - 1)
            #expect(decoded.tensors.isEmpty)
        }
    }

    @Test("A mixed frame with a scalar and empty tensors round-trips and finds tensors by name")
    func mixedFrame() throws {
        let frame = try sampleFrame()
        let decoded = try TensorFrame.decode(frame.encode())
        #expect(decoded == frame)
        #expect(decoded.tensor(named: "model.norm.weight")?.data == .float32([7]))
        #expect(decoded.tensor(named: "model.missing") == nil)
    }

    @Test("NaN payloads and negative zero keep their exact bits")
    func exactBits() throws {
        let patterns: [UInt32] = [0x7FC0_0001, 0xFFC1_2345, 0x7F80_0001, 0x8000_0000, 0x7F80_0000, 0x0000_0001]
        let values = patterns.map(Float.init(bitPattern:))
        let frame = try TensorFrame(messageType: .update, requestID: 1, round: 1,
                                    tensors: [.float32(name: "odd", shape: [6], values: values)])
        let decoded = try TensorFrame.decode(frame.encode())
        guard case let .float32(back)? = decoded.tensors.first?.data else {
            Issue.record("expected one f32 tensor")
            return
        }
        #expect(back.map(\.bitPattern) == patterns)
    }

    @Test("The payload start and every region offset are multiples of 8")
    func alignment() throws {
        let bytes = try sampleFrame().encode()
        // Walk the table by hand: header 32 bytes, then entries.
        var position = 32
        var tableEnd = 0
        var offsets: [UInt64] = []
        for _ in 0 ..< 4 {
            let nameLength = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            position += 2 + nameLength + 1
            let rank = Int(bytes[position])
            position += 1 + 4 * rank + 4
            offsets.append((0 ..< 8).reduce(UInt64(0)) { $0 | UInt64(bytes[position + $1]) << (8 * $1) })
            position += 16
            tableEnd = position
        }
        let payloadStart = (tableEnd + 7) / 8 * 8
        #expect(tableEnd % 8 != 0, "the sample should need padding, or this test proves nothing")
        #expect(bytes[tableEnd ..< payloadStart].allSatisfy { $0 == 0 })
        // The first tensor's first value, 0.5, sits right at the aligned payload start.
        #expect(Array(bytes[payloadStart ..< payloadStart + 4]) == [0x00, 0x00, 0x00, 0x3F])
        #expect(offsets.allSatisfy { $0 % 8 == 0 })
        #expect(offsets == offsets.sorted())
    }

    @Test("A model-sized frame of 2M floats round-trips")
    func modelSized() throws {
        let count = 2 * 1024 * 1024
        let values = (0 ..< count).map { Float($0 % 1000) * 0.001 - 0.5 }
        let frame = try TensorFrame(messageType: .modelState, requestID: 5, round: 9, tensors: [
            .float32(name: "model.embed_tokens.weight", shape: [2048, 1024], values: values),
        ])
        let bytes = frame.encode()
        // Header 32, entry 57 (a 25-byte name, rank 2) padded to 96, data, checksum.
        #expect(bytes.count == 96 + 4 * count + 32)
        #expect(try TensorFrame.decode(bytes) == frame)
    }

    @Test("Encoding is deterministic")
    func deterministic() throws {
        let frame = try sampleFrame()
        #expect(frame.encode() == frame.encode())
        #expect(try TensorFrame.decode(frame.encode()).encode() == frame.encode())
    }
}
