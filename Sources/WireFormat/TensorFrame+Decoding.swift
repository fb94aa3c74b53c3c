import PurrCrypto

extension TensorFrame {
    /// Parses and checks one binary WebSocket message.
    ///
    /// Checks run in this order, so that two implementations report the same code for the same
    /// frame: frame size; magic; version; minimum length; checksum; header fields; each table
    /// entry in turn; table padding; each region against the payload end; overlaps and gaps.
    /// Every declared length is checked against the bytes that remain and against `limits`
    /// before anything is allocated, so hostile input costs at most one pass over its own bytes.
    /// Element values (NaN, huge scales) are carried as they are; judging them is the aggregator's job.
    ///
    /// ```swift
    /// let update = try TensorFrame.decode(message, limits: WireLimits(maxFrameBytes: 16 << 20))
    /// ```
    /// - Parameters:
    ///   - bytes: the whole message, header to checksum.
    ///   - limits: what this receiver accepts; see ``WireLimits``.
    /// - Throws: ``WireFormatError`` naming the field or tensor at fault.
    public static func decode(_ bytes: [UInt8], limits: WireLimits = .standard) throws(WireFormatError) -> TensorFrame {
        let limits = limits.cappedAtProtocol
        let bodyCount = try checkEnvelope(bytes, limits: limits)
        var reader = ByteReader(bytes, from: 6, to: bodyCount)

        let typeRaw = try reader.u16("header.messageType")
        guard let messageType = MessageType(rawValue: typeRaw) else {
            throw WireFormatError(.badMessageType, field: "header.messageType",
                                  "Message type \(typeRaw) is unknown; version 1 defines 1 (modelState), 2 (modelDiff) and 3 (update).")
        }
        let flags = try reader.u32("header.flags")
        guard flags == 0 else {
            throw WireFormatError(.unsupportedFlags, field: "header.flags",
                                  "Flags are 0x\(String(flags, radix: 16)); version 1 defines none, so the field must be 0.")
        }
        let tensorCount = try reader.u32("header.tensorCount")
        let requestID = try reader.u64("header.requestID")
        let round = try reader.u64("header.round")
        guard tensorCount <= limits.maxTensors else {
            throw WireFormatError(.tooLarge, field: "header.tensorCount",
                                  "The frame declares \(tensorCount) tensors; at most \(limits.maxTensors) are accepted.")
        }
        let count = Int(tensorCount)
        guard count * WireLayout.minimumEntryByteCount <= reader.remaining else {
            throw WireFormatError(.truncated, field: "header.tensorCount",
                                  "\(count) table entries need at least \(count * WireLayout.minimumEntryByteCount) bytes but only \(reader.remaining) remain before the checksum.")
        }

        var entries: [TableEntry] = []
        entries.reserveCapacity(count)
        var names = Set<String>(minimumCapacity: count)
        for index in 0 ..< count {
            let entry = try readEntry(index, from: &reader, limits: limits)
            guard names.insert(entry.name).inserted else {
                throw WireFormatError(.duplicateName, field: "tensors[\(index)].name",
                                      "Tensor \"\(entry.name)\" appears twice; names must be unique within a frame.")
            }
            entries.append(entry)
        }

        let payloadStart = WireLayout.aligned(reader.position)
        guard payloadStart <= bodyCount else {
            throw WireFormatError(.truncated, field: "padding",
                                  "The table ends at \(reader.position); its padding to \(payloadStart) runs past the checksum at \(bodyCount).")
        }
        if let nonzero = firstNonzero(bytes, reader.position ..< payloadStart) {
            throw WireFormatError(.badPadding, field: "padding",
                                  "Byte \(nonzero), padding between the table and the payload, must be 0.")
        }
        try checkRegions(entries, in: bytes, payload: payloadStart ..< bodyCount)

        let tensors = bytes.withUnsafeBytes { raw in
            entries.map { entry in
                let region = payloadStart + entry.offset
                let data: TensorData = switch entry.dtype {
                case .float32:
                    .float32(readFloats(raw, at: region, count: entry.elementCount))
                case .int8Blocks:
                    .int8(values: readInt8s(raw, at: region + 4 * entry.blockCount, count: entry.elementCount),
                          scales: readFloats(raw, at: region, count: entry.blockCount),
                          blockSize: entry.blockSize)
                }
                return WireTensor(validatedName: entry.name, shape: entry.shape, data: data)
            }
        }
        return TensorFrame(validatedMessageType: messageType, requestID: requestID, round: round, tensors: tensors)
    }

    /// One table entry, checked on its own; regions are checked against each other later.
    private struct TableEntry {
        var index: Int
        var name: String
        var dtype: WireDType
        var shape: [Int]
        var elementCount: Int
        var blockSize: Int
        var blockCount: Int
        var offset: Int
        var length: Int
    }

    /// Checks size, magic, version and checksum; returns where the checksum starts.
    private static func checkEnvelope(_ bytes: [UInt8], limits: WireLimits) throws(WireFormatError) -> Int {
        let total = bytes.count
        guard total <= limits.maxFrameBytes else {
            throw WireFormatError(.tooLarge, field: "frame", "The frame is \(total) bytes; at most \(limits.maxFrameBytes) are accepted.")
        }
        let magic = WireLayout.magic
        guard bytes.prefix(magic.count).elementsEqual(magic.prefix(total)) else {
            throw WireFormatError(.badMagic, field: "header.magic",
                                  "The frame starts with \(bytes.prefix(4).map { String($0, radix: 16) }); a tensor frame starts with \"PQTF\" (50 51 54 46).")
        }
        guard total >= 6 else {
            throw WireFormatError(.truncated, field: "header.version", "The frame is \(total) bytes; it ends before the version field.")
        }
        let version = UInt16(bytes[4]) | UInt16(bytes[5]) << 8
        guard version == WireLayout.version else {
            throw WireFormatError(.unsupportedVersion, field: "header.version",
                                  "Version \(version) is not supported; this receiver reads version \(WireLayout.version).")
        }
        let minimum = WireLayout.headerByteCount + WireLayout.checksumByteCount
        guard total >= minimum else {
            throw WireFormatError(.truncated, field: "header",
                                  "The frame is \(total) bytes; the header and checksum alone take \(minimum).")
        }
        let bodyCount = total - WireLayout.checksumByteCount
        guard SHA256.hash(bytes[0 ..< bodyCount]).elementsEqual(bytes[bodyCount...]) else {
            throw WireFormatError(.checksumMismatch, field: "checksum",
                                  "The SHA-256 of the first \(bodyCount) bytes does not match the last 32; the frame was damaged or built wrongly.")
        }
        return bodyCount
    }

    private static func readEntry(_ index: Int, from reader: inout ByteReader, limits: WireLimits) throws(WireFormatError) -> TableEntry {
        let at = "tensors[\(index)]"
        let nameLength = Int(try reader.u16("\(at).nameLength"))
        guard nameLength > 0 else {
            throw WireFormatError(.badName, field: "\(at).nameLength", "Tensor \(index) has an empty name.")
        }
        guard nameLength <= limits.maxNameBytes else {
            throw WireFormatError(.tooLarge, field: "\(at).nameLength",
                                  "Tensor \(index)'s name is \(nameLength) bytes; at most \(limits.maxNameBytes) are accepted.")
        }
        let nameBytes = try reader.take(nameLength, field: "\(at).name")
        guard let name = String(validating: nameBytes, as: UTF8.self) else {
            throw WireFormatError(.badName, field: "\(at).name", "Tensor \(index)'s name is not valid UTF-8.")
        }
        let tensor = "Tensor \"\(name)\" (\(at))"

        let dtypeRaw = try reader.u8("\(at).dtype")
        guard let dtype = WireDType(rawValue: dtypeRaw) else {
            let reason = dtypeRaw == 3 ? "3 (f16) is reserved and not accepted in version 1" : "\(dtypeRaw) is unknown"
            throw WireFormatError(.badDType, field: "\(at).dtype", "\(tensor) has dtype \(reason); use 1 (f32) or 2 (i8).")
        }
        let rank = Int(try reader.u8("\(at).rank"))
        guard rank <= limits.maxRank else {
            throw WireFormatError(.badShape, field: "\(at).rank", "\(tensor) has rank \(rank); at most \(limits.maxRank) is accepted.")
        }
        var shape: [Int] = []
        shape.reserveCapacity(rank)
        for axis in 0 ..< rank { shape.append(Int(try reader.u32("\(at).dims[\(axis)]"))) }
        let blockSize = Int(try reader.u32("\(at).blockSize"))
        let offset64 = try reader.u64("\(at).offset")
        let length64 = try reader.u64("\(at).length")

        guard let elementCount = Self.elementCount(shape) else {
            throw WireFormatError(.badShape, field: "\(at).dims", "\(tensor) has dims \(shape), more elements than can be counted.")
        }
        let blockCount: Int
        let expectedLength: Int?
        switch dtype {
        case .float32:
            guard blockSize == 0 else {
                throw WireFormatError(.badBlockSize, field: "\(at).blockSize", "\(tensor) is f32, so its block size must be 0, not \(blockSize).")
            }
            blockCount = 0
            let (bytes, overflow) = elementCount.multipliedReportingOverflow(by: 4)
            expectedLength = overflow ? nil : bytes
        case .int8Blocks:
            guard blockSize >= 1 else {
                throw WireFormatError(.badBlockSize, field: "\(at).blockSize", "\(tensor) is i8, so its block size must be at least 1.")
            }
            blockCount = WireTensor.blockCount(elements: elementCount, blockSize: blockSize)
            // 4·⌈n/b⌉ + n ≤ 5n, which cannot overflow while n ≤ Int.max / 5.
            expectedLength = elementCount > Int.max / 5 ? nil : 4 * blockCount + elementCount
        }
        guard let length = expectedLength, UInt64(length) == length64 else {
            let need = expectedLength.map { "\($0) bytes" } ?? "more bytes than can be counted"
            let kind = dtype == .float32 ? "f32" : "i8 in blocks of \(blockSize)"
            throw WireFormatError(.badShape, field: "\(at).length",
                                  "\(tensor) has dims \(shape) of \(kind), which need \(need), but its length is \(length64).")
        }
        guard offset64 % UInt64(WireLayout.alignment) == 0 else {
            throw WireFormatError(.misaligned, field: "\(at).offset",
                                  "\(tensor) starts at payload offset \(offset64), which is not a multiple of \(WireLayout.alignment).")
        }
        // Above Int.max the offset is past any frame; the region check reports it as truncation.
        let offset = offset64 <= UInt64(Int.max) ? Int(offset64) : Int.max
        return TableEntry(index: index, name: name, dtype: dtype, shape: shape, elementCount: elementCount,
                          blockSize: blockSize, blockCount: blockCount, offset: offset, length: length)
    }

    /// The product of the dims, or nil when the product of the non-zero dims overflows an Int.
    /// A zero dim makes the tensor empty, but `[0, 2^32-1, 2^32-1]` is still refused: any code
    /// that multiplies the dims in another order (`shape.reduce(1, *)`) would trap on it.
    private static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        for dim in shape where dim != 0 {
            let (next, overflow) = product.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            product = next
        }
        return shape.contains(0) ? 0 : product
    }

    /// Every region inside the payload, disjoint, and every byte between them zero.
    private static func checkRegions(_ entries: [TableEntry], in bytes: [UInt8], payload: Range<Int>) throws(WireFormatError) {
        let payloadLength = payload.count
        for entry in entries where entry.offset > payloadLength || entry.length > payloadLength - entry.offset {
            throw WireFormatError(.truncated, field: "tensors[\(entry.index)].length",
                                  "Tensor \"\(entry.name)\" (tensors[\(entry.index)]) declares \(entry.length) bytes at payload offset \(entry.offset), past the payload's end at \(payloadLength).")
        }
        let ordered = entries.sorted { ($0.offset, $0.length) < ($1.offset, $1.length) }
        var cursor = 0
        var previous: TableEntry?
        for entry in ordered {
            if let previous, entry.offset < cursor {
                throw WireFormatError(.overlappingPayload, field: "tensors[\(entry.index)].offset",
                                      "Tensor \"\(entry.name)\" (tensors[\(entry.index)]) starts at payload offset \(entry.offset), inside tensor \"\(previous.name)\" (tensors[\(previous.index)]), which ends at \(cursor).")
            }
            if let nonzero = firstNonzero(bytes, (payload.lowerBound + cursor) ..< (payload.lowerBound + entry.offset)) {
                throw WireFormatError(.badPadding, field: "payload",
                                      "Byte \(nonzero) lies between tensors' regions and must be 0.")
            }
            cursor = entry.offset + entry.length
            previous = entry
        }
        if let nonzero = firstNonzero(bytes, (payload.lowerBound + cursor) ..< payload.upperBound) {
            throw WireFormatError(.badPadding, field: "payload", "Byte \(nonzero) lies after the last tensor's region and must be 0.")
        }
    }

    private static func firstNonzero(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        bytes[range].firstIndex { $0 != 0 }
    }

    private static func readFloats(_ raw: UnsafeRawBufferPointer, at start: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let destination = UnsafeMutableRawBufferPointer(buffer)
            destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start ..< start + 4 * count]))
            #if _endian(big)
            for index in 0 ..< count { buffer[index] = Float(bitPattern: UInt32(littleEndian: buffer[index].bitPattern)) }
            #endif
            initialized = count
        }
    }

    private static func readInt8s(_ raw: UnsafeRawBufferPointer, at start: Int, count: Int) -> [Int8] {
        [Int8](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start ..< start + count]))
            initialized = count
        }
    }
}
