import Aggregation
import Testing
import WireFormat
@testable import Swarm

/// What an update frame may carry: the documented block size, and non-finite values handed on
/// as values (an offence), never swallowed as a format error.
@Suite struct ModelFramesTests {
    func frame(values: [Int8], scales: [Float], blockSize: Int) throws -> TensorFrame {
        let t = try WireTensor.int8(name: ModelFrames.deltaName, shape: [values.count], values: values, scales: scales, blockSize: blockSize)
        return try TensorFrame(messageType: .update, requestID: 1, round: 1, tensors: [t])
    }

    @Test("An i8 update in blocks other than 256 is refused as train.bad_frame", arguments: [1, 64, 128, 255, 257, 512])
    func otherBlockSizes(blockSize: Int) throws {
        let count = 512
        let blocks = (count + blockSize - 1) / blockSize
        let f = try frame(values: [Int8](repeating: 1, count: count), scales: [Float](repeating: 0.01, count: blocks), blockSize: blockSize)
        #expect(throws: ModelFrameError.self) { try ModelFrames.delta(of: f, count: count) }
        do { _ = try ModelFrames.delta(of: f, count: count) } catch { #expect(error.code == "train.bad_frame") }
    }

    @Test("Blocks of 256 decode exactly")
    func documentedBlockSize() throws {
        let f = try frame(values: [Int8](repeating: 2, count: 300), scales: [0.5, 0.25], blockSize: 256)
        let d = try ModelFrames.delta(of: f, count: 300)
        #expect(d[0] == 1 && d[255] == 1 && d[256] == 0.5 && d[299] == 0.5)
    }

    @Test("A NaN or infinite scale gives non-finite values (an offence, as f32 NaN is), not a format error",
          arguments: [Float.nan, .infinity, -.infinity])
    func nonFiniteScale(scale: Float) throws {
        let f = try frame(values: [Int8](repeating: 0, count: 512), scales: [0.01, scale], blockSize: 256)
        let d = try ModelFrames.delta(of: f, count: 512)
        #expect(d[0..<256].allSatisfy { $0.isFinite })
        #expect(d[256..<512].allSatisfy { !$0.isFinite })
    }
}
