import Testing
@testable import WireFormat

@Suite struct ConstructionTests {
    /// The code `build` throws, nil if it succeeds; any error other than WireFormatError fails the test.
    private func code(_ build: () throws -> Void) -> WireFormatError.Code? {
        do {
            try build()
            return nil
        } catch let error as WireFormatError {
            return error.code
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("A tensor's name must be 1 to 256 bytes of UTF-8, counted in bytes")
    func names() throws {
        #expect(code { _ = try WireTensor.float32(name: "", shape: [], values: [1]) } == .badName)
        #expect(code { _ = try WireTensor.float32(name: String(repeating: "a", count: 257), shape: [], values: [1]) } == .tooLarge)
        // 128 two-byte characters are 256 bytes; 129 are too many.
        _ = try WireTensor.float32(name: String(repeating: "é", count: 128), shape: [], values: [1])
        #expect(code { _ = try WireTensor.float32(name: String(repeating: "é", count: 129), shape: [], values: [1]) } == .tooLarge)
    }

    @Test("A tensor's shape must have at most 4 dims, none negative, multiplying to the element count")
    func shapes() {
        #expect(code { _ = try WireTensor.float32(name: "t", shape: [1, 1, 1, 1, 1], values: [1]) } == .badShape)
        #expect(code { _ = try WireTensor.float32(name: "t", shape: [-1, -1], values: [1]) } == .badShape)
        #expect(code { _ = try WireTensor.float32(name: "t", shape: [2, 2], values: [1, 2, 3]) } == .badShape)
        #expect(code { _ = try WireTensor.float32(name: "t", shape: [1 << 33], values: []) } == .badShape)
    }

    @Test("int8 data needs a positive block size and one scale per block")
    func int8Blocks() {
        #expect(code { _ = try WireTensor.int8(name: "q", shape: [4], values: [1, 2, 3, 4], scales: [], blockSize: 0) } == .badBlockSize)
        #expect(code { _ = try WireTensor.int8(name: "q", shape: [5], values: [1, 2, 3, 4, 5], scales: [1], blockSize: 4) } == .badShape)
        #expect(code { _ = try WireTensor.int8(name: "q", shape: [5], values: [1, 2, 3, 4, 5], scales: [1, 1], blockSize: 4) } == nil)
        #expect(code { _ = try WireTensor.int8(name: "q", shape: [0], values: [], scales: [], blockSize: 256) } == nil)
    }

    @Test("A frame refuses two tensors with one name")
    func duplicateNames() throws {
        let tensor = try WireTensor.float32(name: "t", shape: [1], values: [1])
        #expect(code { _ = try TensorFrame(messageType: .update, requestID: 1, round: 1, tensors: [tensor, tensor]) } == .duplicateName)
    }

    @Test("A frame refuses more than 4096 tensors")
    func tooManyTensors() throws {
        let tensors = try (0 ... 4096).map { index throws(WireFormatError) in
            try WireTensor.float32(name: "t\(index)", shape: [], values: [0])
        }
        #expect(code { _ = try TensorFrame(messageType: .update, requestID: 1, round: 1, tensors: Array(tensors.dropLast())) } == nil)
        #expect(code { _ = try TensorFrame(messageType: .update, requestID: 1, round: 1, tensors: tensors) } == .tooLarge)
    }

    @Test("A frame of 4096 tensors with 256-byte names and rank 4 round-trips at the limits")
    func atTheLimits() throws {
        let tensors = try (0 ..< 4096).map { index throws(WireFormatError) in
            let name = String(index) + String(repeating: "x", count: 256 - String(index).count)
            return try WireTensor.float32(name: name, shape: [1, 1, 1, 1], values: [Float(index)])
        }
        let frame = try TensorFrame(messageType: .modelState, requestID: 1, round: 1, tensors: tensors)
        #expect(try TensorFrame.decode(frame.encode()) == frame)
    }
}
