import Foundation

/// A parsed safetensors file (the Hugging Face weights format):
/// 8-byte little-endian header length `n`, `n` bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`,
/// then the raw little-endian tensor bytes, offsets relative to the end of the header.
///
/// ``read(path:)`` validates the container (lengths, JSON, offsets in range and disjoint, byte counts
/// matching shape × dtype) but not which tensors a model needs; ``ModelFiles`` does that.
public struct SafeTensors: Sendable {
    public struct TensorInfo: Sendable, Hashable {
        public let name: String
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data section.
        public let dataOffsets: Range<Int>
    }

    /// A Float32 tensor to write; the data must stay valid for the duration of ``write(path:tensors:metadata:)``.
    public struct Float32Tensor {
        public let name: String
        public let shape: [Int]
        public let data: UnsafeBufferPointer<Float>
        public init(name: String, shape: [Int], data: UnsafeBufferPointer<Float>) {
            self.name = name
            self.shape = shape
            self.data = data
        }
    }

    public let path: String
    /// Tensors in data order.
    public let tensors: [TensorInfo]
    public let metadata: [String: String]
    private let bytes: Data
    private let dataStart: Int
    private let index: [String: Int]

    /// The safetensors cap on header size; a larger value is corruption, not a model.
    static let maxHeaderLength = 100_000_000

    static let dtypeSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
        "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1,
    ]

    public func info(_ name: String) -> TensorInfo? { index[name].map { tensors[$0] } }

    /// Reads and validates a safetensors file.
    /// - Throws: ``ModelFileError`` naming the file and what is wrong with it.
    public static func read(path: String) throws(ModelFileError) -> SafeTensors {
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try SafeTensors(path: path, bytes: bytes)
    }

    /// Parses a whole file already in memory.
    public init(path: String, bytes: Data) throws(ModelFileError) {
        let size = bytes.count
        guard size >= 8 else { throw .truncated(file: path, detail: "\(size) bytes, shorter than the 8-byte header length") }
        var headerLength64: UInt64 = 0
        for i in 0..<8 { headerLength64 |= UInt64(bytes[bytes.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength64 <= UInt64(size - 8) else {
            throw .truncated(file: path, detail: "header length \(headerLength64) beyond file of \(size) bytes")
        }
        let headerLength = Int(headerLength64)
        guard headerLength <= Self.maxHeaderLength else {
            throw .badHeader(file: path, detail: "header length \(headerLength) exceeds \(Self.maxHeaderLength)")
        }
        let headerData = bytes.subdata(in: (bytes.startIndex + 8)..<(bytes.startIndex + 8 + headerLength))
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: headerData) } catch {
            throw .badHeader(file: path, detail: "not valid JSON")
        }
        guard let header = object as? [String: Any] else { throw .badHeader(file: path, detail: "not a JSON object") }

        let dataLength = size - 8 - headerLength
        var metadata: [String: String] = [:]
        var infos: [TensorInfo] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw .badHeader(file: path, detail: "__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw .badHeader(file: path, detail: "__metadata__.\(k) is not a string") }
                    metadata[k] = s
                }
                continue
            }
            infos.append(try Self.parseTensor(name: name, value: value, dataLength: dataLength, path: path))
        }
        infos.sort {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name)
        }
        for (a, b) in zip(infos, infos.dropFirst()) where b.dataOffsets.lowerBound < a.dataOffsets.upperBound {
            throw .dataOffsetsOverlap(file: path, first: a.name, second: b.name)
        }
        self.path = path
        self.tensors = infos
        self.metadata = metadata
        self.bytes = bytes
        self.dataStart = 8 + headerLength
        self.index = Dictionary(infos.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private static func parseTensor(name: String, value: Any, dataLength: Int, path: String) throws(ModelFileError) -> TensorInfo {
        guard let entry = value as? [String: Any] else { throw .badHeader(file: path, detail: "entry \(name) is not an object") }
        guard let dtype = entry["dtype"] as? String else { throw .badHeader(file: path, detail: "entry \(name) has no string dtype") }
        guard let elementSize = dtypeSizes[dtype] else { throw .badHeader(file: path, detail: "entry \(name) has unknown dtype \(dtype)") }
        guard let shapeValues = entry["shape"] as? [Any], let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
            throw .badHeader(file: path, detail: "entry \(name) has no shape of non-negative integers")
        }
        guard let offsetValues = entry["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2 else {
            throw .badHeader(file: path, detail: "entry \(name) has no data_offsets [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else {
            throw .dataOffsetsOutOfRange(file: path, name: name, detail: "[\(begin), \(end)] is not a byte range")
        }
        guard end <= dataLength else {
            throw .truncated(file: path, detail: "data of \(name) ends at byte \(end) but the data section has \(dataLength) bytes")
        }
        var byteCount = elementSize
        for d in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .badHeader(file: path, detail: "entry \(name) has an absurd shape \(shape)") }
            byteCount = product
        }
        guard end - begin == byteCount else {
            throw .dataOffsetsOutOfRange(
                file: path, name: name, detail: "\(end - begin) bytes for shape \(shape) of \(dtype), which needs \(byteCount)")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// JSON integers only: NSNumber bridging would otherwise turn `3.0` or `true` into an Int.
    private static func integers(_ values: [Any]) -> [Int]? {
        var result: [Int] = []
        for v in values {
            guard let n = v as? NSNumber, !["c", "B", "d", "f"].contains(String(cString: n.objCType)), let i = v as? Int else {
                return nil
            }
            result.append(i)
        }
        return result
    }

    /// Copies an F32 tensor's data into `destination` (which must hold `info.shape` elements).
    /// - Precondition: `info` is one of ``tensors`` and its dtype is "F32".
    public func copyFloat32(_ info: TensorInfo, into destination: UnsafeMutablePointer<Float>) {
        precondition(info.dtype == "F32" && self.info(info.name) == info, "copyFloat32: not an F32 tensor of this file")
        let count = info.dataOffsets.count / 4
        bytes.withUnsafeBytes { raw in
            let src = raw.baseAddress! + dataStart + info.dataOffsets.lowerBound
            #if _endian(little)
            UnsafeMutableRawPointer(destination).copyMemory(from: src, byteCount: count * 4)
            #else
            for i in 0..<count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
            #endif
        }
    }

    /// An F32 tensor's data as an array, or nil for an unknown name or another dtype.
    public func float32(_ name: String) -> [Float]? {
        guard let info = info(name), info.dtype == "F32" else { return nil }
        return [Float](unsafeUninitializedCapacity: info.dataOffsets.count / 4) { buf, n in
            if let base = buf.baseAddress { copyFloat32(info, into: base) }
            n = info.dataOffsets.count / 4
        }
    }

    /// Writes Float32 tensors, in the given order, atomically (a temporary file renamed into place).
    /// The header is padded with spaces to a multiple of 8 bytes, as the reference writer does,
    /// so the data section stays aligned.
    public static func write(path: String, tensors: [Float32Tensor], metadata: [String: String] = [:]) throws(ModelFileError) {
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            let byteCount = t.data.count * 4
            precondition(t.shape.reduce(1, *) == t.data.count, "tensor \(t.name): shape \(t.shape) does not match \(t.data.count) floats")
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + byteCount]] as [String: Any]
            offset += byteCount
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json: Data
        do { json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]) } catch {
            throw .writeFailed(file: path, reason: "cannot encode header: \(error.localizedDescription)")
        }
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        for t in tensors {
            #if _endian(little)
            out.append(contentsOf: UnsafeRawBufferPointer(t.data))
            #else
            for f in t.data { withUnsafeBytes(of: f.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            #endif
        }
        do { try out.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .writeFailed(file: path, reason: error.localizedDescription)
        }
    }
}
