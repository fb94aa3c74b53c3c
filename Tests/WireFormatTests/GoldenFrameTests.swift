import Testing
@testable import WireFormat

/// The exact bytes of a tiny frame, written out field by field from the layout in
/// docs/wire-format.md (the checksum computed independently, with Python's hashlib).
/// A runner written in another language can test itself against the same bytes.
@Suite struct GoldenFrameTests {
    static let golden: [UInt8] = [
        // header
        0x50, 0x51, 0x54, 0x46,                          // magic "PQTF"
        0x01, 0x00,                                      // version 1
        0x03, 0x00,                                      // messageType 3 (update)
        0x00, 0x00, 0x00, 0x00,                          // flags
        0x02, 0x00, 0x00, 0x00,                          // tensorCount 2
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // requestID 0x0102030405060708
        0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // round 7
        // tensors[0]: "w", f32, [2]
        0x01, 0x00, 0x77,                                // nameLength 1, "w"
        0x01, 0x01,                                      // dtype f32, rank 1
        0x02, 0x00, 0x00, 0x00,                          // dims[0] = 2
        0x00, 0x00, 0x00, 0x00,                          // blockSize 0
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // offset 0
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // length 8
        // tensors[1]: "q", i8, [3], blocks of 2
        0x01, 0x00, 0x71,                                // nameLength 1, "q"
        0x02, 0x01,                                      // dtype i8, rank 1
        0x03, 0x00, 0x00, 0x00,                          // dims[0] = 3
        0x02, 0x00, 0x00, 0x00,                          // blockSize 2
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // offset 8
        0x0B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // length 11 = 2 scales × 4 + 3 values
        // the table ends at byte 90; zeros to 96, the payload start
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        // payload
        0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0,  // "w": 1.0, -2.0
        0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x80, 0x3E,  // "q" scales: 0.5, 0.25
        0x01, 0xFF, 0x7F,                                // "q" values: 1, -1, 127
        // SHA-256 of the 115 bytes above
        0xCF, 0x10, 0x5D, 0x05, 0xF1, 0xBA, 0x6D, 0x18, 0x03, 0xD8, 0xB6, 0x5B, 0x63, 0x8C, 0x3B, 0xA3,
        0x24, 0x6C, 0x5A, 0x37, 0x4E, 0x1A, 0xCF, 0xD5, 0x26, 0x2E, 0x80, 0x19, 0xEE, 0x80, 0xF2, 0x08,
    ]

    static func goldenFrame() throws -> TensorFrame {
        try TensorFrame(messageType: .update, requestID: 0x0102_0304_0506_0708, round: 7, tensors: [
            .float32(name: "w", shape: [2], values: [1, -2]),
            .int8(name: "q", shape: [3], values: [1, -1, 127], scales: [0.5, 0.25], blockSize: 2),
        ])
    }

    @Test("A tiny frame encodes to exactly the documented bytes")
    func encodesToGoldenBytes() throws {
        #expect(try Self.goldenFrame().encode() == Self.golden)
    }

    @Test("The documented bytes decode to the tiny frame")
    func decodesGoldenBytes() throws {
        #expect(try TensorFrame.decode(Self.golden) == Self.goldenFrame())
    }

    @Test("The hand-assembled test frame matches what the encoder writes")
    func rawFrameAgreesWithEncoder() throws {
        let frame = try TensorFrame(messageType: .update, requestID: 11, round: 5,
                                    tensors: [.float32(name: "w", shape: [2], values: [1, -2])])
        #expect(frame.encode() == RawFrame().sealed)
    }
}
