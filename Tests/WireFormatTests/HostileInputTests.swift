import Testing
@testable import WireFormat

@Suite struct HostileInputTests {
    @Test("A tensor claiming 16 GiB in a tiny frame is refused as truncated, before any allocation")
    func gigabyteFloat32Claim() {
        var raw = RawFrame()
        raw.entries[0].dims = [65536, 65536]
        raw.entries[0].length = 65536 * 65536 * 4
        let error = decodeError(raw.sealed)
        #expect(error?.code == .truncated)
        #expect(error?.field == "tensors[0].length")
    }

    @Test("An int8 tensor claiming 40 GiB in a tiny frame is refused as truncated")
    func gigabyteInt8Claim() {
        var raw = RawFrame()
        let elements: UInt64 = 8 << 32
        raw.entries[0] = RawEntry(name: Array("q".utf8), dtype: 2, dims: [1 << 31, 16], blockSize: 1,
                                  offset: 0, length: 4 * elements + elements)
        let error = decodeError(raw.sealed)
        #expect(error?.code == .truncated)
        #expect(error?.field == "tensors[0].length")
    }

    @Test("Four billion declared tensors are refused by the limit, not by trying to read them")
    func hugeTensorCount() {
        var raw = RawFrame()
        raw.tensorCount = .max
        #expect(decodeError(raw.sealed)?.code == .tooLarge)
    }

    @Test("Looser limits than version 1's maxima are capped at them")
    func limitsCapped() {
        var raw = RawFrame()
        raw.entries[0].name = Array(repeating: 0x61, count: 300)
        let error = decodeError(raw.sealed, limits: WireLimits(maxNameBytes: 10_000))
        #expect(error?.code == .tooLarge)
        #expect(error?.field == "tensors[0].nameLength")
    }

    @Test("The frame size limit is checked before the checksum is computed")
    func frameLimitFirst() {
        let bytes = [UInt8](repeating: 0xAB, count: 4096)
        #expect(decodeError(bytes, limits: WireLimits(maxFrameBytes: 4095))?.code == .tooLarge)
    }

    @Test("The checksum detects a flipped payload byte")
    func flippedPayloadByte() throws {
        let frame = try sampleFrame()
        var bytes = frame.encode()
        let payloadByte = bytes.count - 32 - 10
        bytes[payloadByte] ^= 0x40
        #expect(decodeError(bytes)?.code == .checksumMismatch)
    }

    @Test("Flipping any single bit after the version field is caught by the checksum")
    func everyBitAfterVersion() throws {
        let original = try sampleFrame().encode()
        var missed: [Int] = []
        for index in 6 ..< original.count {
            for bit in 0 ..< 8 {
                var bytes = original
                bytes[index] ^= UInt8(1) << bit
                if decodeError(bytes)?.code != .checksumMismatch { missed.append(index * 8 + bit) }
            }
        }
        #expect(missed.isEmpty)
    }

    @Test("Every truncation of a valid frame is refused")
    func everyTruncation() throws {
        let original = try sampleFrame().encode()
        for length in 0 ..< original.count {
            #expect(decodeError(Array(original.prefix(length))) != nil, "prefix of \(length) bytes decoded")
        }
    }
}
