import Testing
@testable import WireFormat

/// A frame made wrong in one way, with the code and field the decoder must report.
struct CraftedFrame: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    var limits = WireLimits.standard
    var code: WireFormatError.Code
    var field: String

    var testDescription: String { "\(label) → \(code.rawValue)" }

    static func make(_ label: String, _ code: WireFormatError.Code, field: String,
                     limits: WireLimits = .standard, _ edit: (inout RawFrame) -> Void) -> CraftedFrame {
        var raw = RawFrame()
        edit(&raw)
        return CraftedFrame(label: label, bytes: raw.sealed, limits: limits, code: code, field: field)
    }

    /// An i8 entry "q" of 3 values in blocks of 2 at payload offset `offset` (11 bytes).
    static func int8Entry(offset: UInt64) -> RawEntry {
        RawEntry(name: Array("q".utf8), dtype: 2, dims: [3], blockSize: 2, offset: offset, length: 11)
    }

    static let all: [CraftedFrame] = {
        let valid = RawFrame().sealed
        var cases: [CraftedFrame] = [
            CraftedFrame(label: "Wrong magic", bytes: [0x50, 0x51, 0x54, 0x58] + valid.dropFirst(4),
                         code: .badMagic, field: "header.magic"),
            CraftedFrame(label: "Two bytes that are not the magic", bytes: [0x7B, 0x22], code: .badMagic, field: "header.magic"),
            CraftedFrame(label: "Empty message", bytes: [], code: .truncated, field: "header.version"),
            CraftedFrame(label: "Magic alone", bytes: WireLayout.magic, code: .truncated, field: "header.version"),
            CraftedFrame(label: "Header cut short", bytes: Array(valid.prefix(40)), code: .truncated, field: "header"),
            CraftedFrame(label: "Frame over the size limit", bytes: valid, limits: WireLimits(maxFrameBytes: 100),
                         code: .tooLarge, field: "frame"),
            CraftedFrame(label: "Last payload byte flipped", bytes: {
                var bytes = valid
                bytes[bytes.count - 33] ^= 0x01
                return bytes
            }(), code: .checksumMismatch, field: "checksum"),
        ]
        cases += [
            make("Version 2", .unsupportedVersion, field: "header.version") { $0.version = 2 },
            make("Version 0", .unsupportedVersion, field: "header.version") { $0.version = 0 },
            make("Message type 0", .badMessageType, field: "header.messageType") { $0.messageType = 0 },
            make("Message type 6", .badMessageType, field: "header.messageType") { $0.messageType = 6 },
            make("A flag bit set", .unsupportedFlags, field: "header.flags") { $0.flags = 0x8000_0000 },
            make("4097 tensors declared", .tooLarge, field: "header.tensorCount") { $0.tensorCount = 4097 },
            make("Tensor count over a tightened limit", .tooLarge, field: "header.tensorCount",
                 limits: WireLimits(maxTensors: 0)) { _ in },
            make("More tensors declared than the bytes can hold", .truncated, field: "header.tensorCount") { $0.tensorCount = 100 },
            make("Second entry's name runs past the end", .truncated, field: "tensors[1].name") {
                $0.entries[0].name = Array(repeating: 0x61, count: 200)
                $0.tensorCount = 2
                $0.padding = []
                $0.payload = [0x20, 0x00] + $0.payload  // read as tensors[1].nameLength = 32
            },
            make("Empty name", .badName, field: "tensors[0].nameLength") { $0.entries[0].name = [] },
            make("Name over 256 bytes", .tooLarge, field: "tensors[0].nameLength") {
                $0.entries[0].name = Array(repeating: 0x61, count: 257)
            },
            make("Name over a tightened limit", .tooLarge, field: "tensors[0].nameLength",
                 limits: WireLimits(maxNameBytes: 0)) { _ in },
            make("Name that is not UTF-8", .badName, field: "tensors[0].name") { $0.entries[0].name = [0x77, 0xFF] },
            make("Two tensors named w", .duplicateName, field: "tensors[1].name") {
                $0.entries.append(RawEntry(offset: 8))
                $0.payload += $0.payload
            },
            make("dtype 3 (f16, reserved)", .badDType, field: "tensors[0].dtype") { $0.entries[0].dtype = 3 },
            make("dtype 0", .badDType, field: "tensors[0].dtype") { $0.entries[0].dtype = 0 },
            make("Rank 5", .badShape, field: "tensors[0].rank") {
                $0.entries[0].dims = [1, 1, 1, 1, 2]
            },
            make("Rank 5 with limits asking for more", .badShape, field: "tensors[0].rank",
                 limits: WireLimits(maxRank: 10)) { $0.entries[0].dims = [1, 1, 1, 1, 2] },
            make("Length that disagrees with the dims", .badShape, field: "tensors[0].length") { $0.entries[0].dims = [3] },
            make("Dims whose product overflows", .badShape, field: "tensors[0].dims") {
                $0.entries[0].dims = [.max, .max, .max, .max]
            },
            // Found by the tensor-frame fuzzer: empty, yet `shape.reduce(1, *)` traps on it.
            make("An empty tensor whose other dims overflow", .badShape, field: "tensors[0].dims") {
                $0.entries[0].dims = [.max, .max, 0]
                $0.entries[0].length = 0
            },
            make("f32 with a block size", .badBlockSize, field: "tensors[0].blockSize") { $0.entries[0].blockSize = 256 },
            make("i8 with block size 0", .badBlockSize, field: "tensors[0].blockSize") {
                $0.entries[0] = int8Entry(offset: 0)
                $0.entries[0].blockSize = 0
            },
            make("i8 length without the scales", .badShape, field: "tensors[0].length") {
                $0.entries[0] = int8Entry(offset: 0)
                $0.entries[0].length = 3
            },
            make("Offset 4", .misaligned, field: "tensors[0].offset") {
                $0.entries[0].offset = 4
                $0.payload = [0, 0, 0, 0] + $0.payload
            },
            make("Region past the payload's end", .truncated, field: "tensors[0].length") { $0.entries[0].offset = 8 },
            make("Offset near 2^64", .truncated, field: "tensors[0].length") { $0.entries[0].offset = .max - 7 },
            make("Regions sharing bytes", .overlappingPayload, field: "tensors[1].offset") {
                $0.entries.append(int8Entry(offset: 0))
                $0.payload += [0, 0, 0, 0, 0, 0, 0]
            },
            make("Regions sharing exactly one byte", .overlappingPayload, field: "tensors[0].offset") {
                // "q": 1 scale + 5 values = bytes [0, 9); "w" starts at 8.
                $0.entries[0].offset = 8
                $0.entries.append(RawEntry(name: Array("q".utf8), dtype: 2, dims: [5], blockSize: 8, offset: 0, length: 9))
                $0.payload = [UInt8](repeating: 0, count: 8) + $0.payload
            },
            make("An empty tensor inside another's region", .overlappingPayload, field: "tensors[1].offset") {
                $0.entries[0].dims = [4]
                $0.entries[0].length = 16
                $0.entries.append(RawEntry(name: Array("e".utf8), dims: [0], offset: 8, length: 0))
                $0.payload += $0.payload
            },
            make("Nonzero padding after the table", .badPadding, field: "padding") {
                $0.padding = [0, 1, 0]  // the table ends at 61
            },
            make("Nonzero byte between regions", .badPadding, field: "payload") {
                $0.entries.append(int8Entry(offset: 16))
                $0.payload += [0, 0, 0, 9, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 11)
            },
            make("Nonzero byte after the last region", .badPadding, field: "payload") { $0.payload += [1] },
        ]
        return cases
    }()
}

@Suite struct ErrorCodeTests {
    @Test("Each crafted frame is refused with the expected code and field", arguments: CraftedFrame.all)
    func refused(_ crafted: CraftedFrame) {
        let error = decodeError(crafted.bytes, limits: crafted.limits)
        #expect(error?.code == crafted.code, "\(error.map(String.init(describing:)) ?? "decoded")")
        #expect(error?.field == crafted.field, "\(error.map(String.init(describing:)) ?? "decoded")")
        #expect(error.map { !$0.message.isEmpty } == true)
    }

    @Test("Every error code is produced by at least one crafted frame")
    func everyCodeCovered() {
        let covered = Set(CraftedFrame.all.map(\.code))
        #expect(covered == Set(WireFormatError.Code.allCases))
    }

    @Test("Codes are stable strings in the wire namespace")
    func stableCodes() {
        #expect(WireFormatError.Code.badMagic.rawValue == "wire.bad_magic")
        #expect(WireFormatError.Code.checksumMismatch.rawValue == "wire.checksum_mismatch")
        #expect(WireFormatError.Code.overlappingPayload.rawValue == "wire.overlapping_payload")
        #expect(WireFormatError.Code.allCases.allSatisfy { $0.rawValue.hasPrefix("wire.") })
        #expect(Set(WireFormatError.Code.allCases.map(\.rawValue)).count == WireFormatError.Code.allCases.count)
    }

    @Test("A message names the tensor at fault")
    func messageNamesTensor() {
        var raw = RawFrame()
        raw.entries[0].name = Array("model.norm.weight".utf8)
        raw.entries[0].dims = [3]
        let error = decodeError(raw.sealed)
        #expect(error?.message.contains("\"model.norm.weight\"") == true)
        #expect(error?.description.hasPrefix("wire.bad_shape at tensors[0].length: ") == true)
    }
}
