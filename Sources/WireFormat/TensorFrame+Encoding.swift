#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PurrCrypto

extension TensorFrame {
    /// The frame's bytes, ready to send as one binary WebSocket message.
    ///
    /// Regions are laid out in table order, each at the next multiple of 8; tensor data is copied
    /// in bulk, so a 2M-float model costs one memcpy and one SHA-256 pass.
    public func encode() -> [UInt8] {
        let tableEnd = WireLayout.headerByteCount + tensors.reduce(0) { $0 + $1.tableEntryByteCount }
        let payloadStart = WireLayout.aligned(tableEnd)
        var offsets: [Int] = []
        offsets.reserveCapacity(tensors.count)
        var payloadEnd = 0
        for tensor in tensors {
            let offset = WireLayout.aligned(payloadEnd)
            offsets.append(offset)
            payloadEnd = offset + tensor.regionByteCount
        }
        let bodyCount = payloadStart + payloadEnd

        // The array has room for the checksum, so appending it does not copy the body again.
        var frame = [UInt8](unsafeUninitializedCapacity: bodyCount + WireLayout.checksumByteCount) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0 ..< bodyCount])
            // Zero everything first: padding and gaps must be zero, and no stale heap byte may leave the process.
            if let base = raw.baseAddress { memset(base, 0, bodyCount) }
            var writer = ByteWriter(raw)
            writer.bytes(WireLayout.magic)
            writer.u16(WireLayout.version)
            writer.u16(messageType.rawValue)
            writer.u32(0)  // flags: none defined in version 1
            writer.u32(UInt32(tensors.count))
            writer.u64(requestID)
            writer.u64(round)
            for (tensor, offset) in zip(tensors, offsets) {
                writer.u16(UInt16(tensor.name.utf8.count))
                writer.bytes(tensor.name.utf8)
                writer.u8(tensor.dtype.rawValue)
                writer.u8(UInt8(tensor.shape.count))
                for dim in tensor.shape { writer.u32(UInt32(dim)) }
                if case let .int8(_, _, blockSize) = tensor.data { writer.u32(UInt32(blockSize)) } else { writer.u32(0) }
                writer.u64(UInt64(offset))
                writer.u64(UInt64(tensor.regionByteCount))
            }
            for (tensor, offset) in zip(tensors, offsets) {
                let region = payloadStart + offset
                switch tensor.data {
                case let .float32(values):
                    Self.copyFloats(values, into: raw, at: region)
                case let .int8(values, scales, _):
                    Self.copyFloats(scales, into: raw, at: region)
                    values.withUnsafeBytes { source in
                        let start = region + scales.count * 4
                        UnsafeMutableRawBufferPointer(rebasing: raw[start ..< start + source.count]).copyMemory(from: source)
                    }
                }
            }
            initialized = bodyCount
        }
        frame.append(contentsOf: SHA256.hash(frame))
        return frame
    }

    /// Copies `values` as little-endian f32 into `raw` at byte `start`.
    private static func copyFloats(_ values: [Float], into raw: UnsafeMutableRawBufferPointer, at start: Int) {
        #if _endian(little)
        values.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(rebasing: raw[start ..< start + source.count]).copyMemory(from: source)
        }
        #else
        for (index, value) in values.enumerated() {
            raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: start + 4 * index, as: UInt32.self)
        }
        #endif
    }
}

/// Writes little-endian fields into a frame buffer sized beforehand by ``TensorFrame/encode()``.
private struct ByteWriter {
    let raw: UnsafeMutableRawBufferPointer
    var position = 0

    init(_ raw: UnsafeMutableRawBufferPointer) { self.raw = raw }

    mutating func u8(_ value: UInt8) { store(value) }
    mutating func u16(_ value: UInt16) { store(value.littleEndian) }
    mutating func u32(_ value: UInt32) { store(value.littleEndian) }
    mutating func u64(_ value: UInt64) { store(value.littleEndian) }

    mutating func bytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for byte in bytes { store(byte) }
    }

    private mutating func store<T: FixedWidthInteger>(_ value: T) {
        raw.storeBytes(of: value, toByteOffset: position, as: T.self)
        position += MemoryLayout<T>.size
    }
}
