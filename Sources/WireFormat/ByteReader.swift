/// Reads little-endian fields from the front of a frame, refusing any read past `end`.
///
/// Every read checks the remaining bytes first, so a hostile length can only ever produce
/// `wire.truncated`, never an out-of-bounds access.
struct ByteReader {
    let bytes: [UInt8]
    /// One past the last byte this reader may touch (the checksum is not its business).
    let end: Int
    private(set) var position: Int

    init(_ bytes: [UInt8], from position: Int, to end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    var remaining: Int { end - position }

    mutating func take(_ count: Int, field: @autoclosure () -> String) throws(WireFormatError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw WireFormatError(.truncated, field: field(),
                                  "The field needs \(count) bytes at offset \(position) but only \(max(remaining, 0)) remain before the checksum.")
        }
        defer { position += count }
        return bytes[position ..< position + count]
    }

    mutating func u8(_ field: @autoclosure () -> String) throws(WireFormatError) -> UInt8 {
        try take(1, field: field()).first ?? 0
    }

    mutating func u16(_ field: @autoclosure () -> String) throws(WireFormatError) -> UInt16 {
        UInt16(truncatingIfNeeded: try littleEndian(2, field: field()))
    }

    mutating func u32(_ field: @autoclosure () -> String) throws(WireFormatError) -> UInt32 {
        UInt32(truncatingIfNeeded: try littleEndian(4, field: field()))
    }

    mutating func u64(_ field: @autoclosure () -> String) throws(WireFormatError) -> UInt64 {
        try littleEndian(8, field: field())
    }

    private mutating func littleEndian(_ width: Int, field: @autoclosure () -> String) throws(WireFormatError) -> UInt64 {
        let slice = try take(width, field: field())
        var value: UInt64 = 0
        for (shift, byte) in slice.enumerated() { value |= UInt64(byte) << (8 * shift) }
        return value
    }
}
