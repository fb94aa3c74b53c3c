/// Why a model, config or checkpoint file could not be read or written.
///
/// Every case names the file and says what is wrong in words a person can act on; ``code`` is a
/// stable identifier for scripts and tests.
public enum ModelFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be opened, read or written at all.
    case unreadable(file: String, reason: String)
    case writeFailed(file: String, reason: String)
    /// The file ends before what its header promises.
    case truncated(file: String, detail: String)
    /// The safetensors header is not the JSON object the format requires.
    case badHeader(file: String, detail: String)
    case missingTensor(file: String, name: String)
    case extraTensor(file: String, name: String)
    case shapeMismatch(file: String, name: String, found: [Int], expected: [Int])
    case dtypeMismatch(file: String, name: String, found: String, expected: String)
    /// `data_offsets` are not a byte range, or disagree with the tensor's shape and dtype.
    case dataOffsetsOutOfRange(file: String, name: String, detail: String)
    case dataOffsetsOverlap(file: String, first: String, second: String)
    /// config.json (or a checkpoint's metadata) is unusable; `field` is the offending key.
    case badConfig(file: String, field: String, detail: String)

    public var code: String {
        switch self {
        case .unreadable: "unreadable"
        case .writeFailed: "write_failed"
        case .truncated: "truncated"
        case .badHeader: "bad_header"
        case .missingTensor: "missing_tensor"
        case .extraTensor: "extra_tensor"
        case .shapeMismatch: "shape_mismatch"
        case .dtypeMismatch: "dtype_mismatch"
        case .dataOffsetsOutOfRange: "data_offsets_out_of_range"
        case .dataOffsetsOverlap: "data_offsets_overlap"
        case .badConfig: "bad_config"
        }
    }

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): cannot read: \(reason)"
        case let .writeFailed(file, reason): "\(file): cannot write: \(reason)"
        case let .truncated(file, detail): "\(file): truncated or corrupt: \(detail)"
        case let .badHeader(file, detail): "\(file): bad safetensors header: \(detail)"
        case let .missingTensor(file, name): "\(file): missing tensor \(name)"
        case let .extraTensor(file, name): "\(file): extra tensor \(name), not part of this model's layout"
        case let .shapeMismatch(file, name, found, expected):
            "\(file): shape of \(name) is \(found) expected \(expected)"
        case let .dtypeMismatch(file, name, found, expected): "\(file): dtype of \(name) is \(found) expected \(expected)"
        case let .dataOffsetsOutOfRange(file, name, detail): "\(file): data_offsets of \(name) invalid: \(detail)"
        case let .dataOffsetsOverlap(file, first, second): "\(file): data of \(first) and \(second) overlap"
        case let .badConfig(file, field, detail): "\(file): \(field): \(detail)"
        }
    }
}
