/// Splits text into the pieces BPE merges within, exactly as the `tokenizers` ByteLevel
/// pre-tokenizer does with `use_regex: true` and `add_prefix_space: false`.
///
/// That pre-tokenizer applies the GPT-2 pattern
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// leftmost-first, and every scalar falls in some alternative, so the matches tile the text.
/// This is that regex written out by hand over unicode scalars: Foundation's
/// `NSRegularExpression` on Linux is slow and its `\p` classes differ from Oniguruma's.
///
/// The classes follow Oniguruma (what `tokenizers` uses): `\p{L}` is general category L*,
/// `\p{N}` is N*, and `\s` is U+0009–U+000D, U+0085 and categories Zs, Zl, Zp. The contractions
/// are ASCII and case-sensitive (`'S` is not one). Scalars are classed as of Unicode 16.0
/// (``unicodeVersion``), the version `tokenizers` 0.23 uses; a checked run over every scalar
/// agrees with it (scripts/reference/check_tokenizer.py --all-scalars).
///
/// ```swift
/// ByteLevelPreTokenizer.split("Hi  there\n\n  x's 42!")
/// // ["Hi", " ", " there", "\n\n ", " x", "'s", " 42", "!"]
/// ```
public enum ByteLevelPreTokenizer {
    /// The pieces of `text`, in order; they concatenate to `text`.
    public static func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var ends: [Int] = []
        bytes.withUnsafeBufferPointer { pieceEnds(in: $0, from: 0, to: $0.count, into: &ends) }
        var pieces: [String] = []
        pieces.reserveCapacity(ends.count)
        var start = 0
        for end in ends {
            pieces.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
        }
        return pieces
    }

    /// Appends the end offset of every piece of `bytes[start..<end]` to `ends`.
    ///
    /// `bytes` must be valid UTF-8 (it comes from a `String`); a malformed sequence is read as
    /// one-byte "other" scalars rather than trapping.
    static func pieceEnds(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, into ends: inout [Int]) {
        var i = start
        while i < end {
            let j = pieceEnd(in: bytes, at: i, end: end)
            ends.append(j)
            i = j
        }
    }

    /// The end of the piece that starts at `i`: the alternatives of the pattern, in order.
    @inline(__always)
    private static func pieceEnd(in bytes: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> Int {
        let first = bytes[i]
        // 's|'t|'re|'ve|'m|'ll|'d
        if first == UInt8(ascii: "'"), i + 1 < end {
            switch bytes[i + 1] {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
                return i + 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"):
                if i + 2 < end, bytes[i + 2] == UInt8(ascii: "e") { return i + 3 }
            case UInt8(ascii: "l"):
                if i + 2 < end, bytes[i + 2] == UInt8(ascii: "l") { return i + 3 }
            default:
                break
            }
        }
        let (firstClass, firstLength) = classify(bytes, at: i, end: end)
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: a space joins the run that follows it.
        if first == UInt8(ascii: " "), i + 1 < end {
            let (nextClass, nextLength) = classify(bytes, at: i + 1, end: end)
            if nextClass != .whitespace {
                return runEnd(of: nextClass, in: bytes, from: i + 1 + nextLength, end: end)
            }
        }
        if firstClass != .whitespace {
            return runEnd(of: firstClass, in: bytes, from: i + firstLength, end: end)
        }
        // `\s+(?!\S)` gives a whitespace run back its last scalar when a non-space follows, so
        // that scalar (a space) can lead the next word; `\s+` takes a run of one whole.
        var lastStart = i
        var j = i + firstLength
        while j < end {
            let (scalarClass, length) = classify(bytes, at: j, end: end)
            if scalarClass != .whitespace { break }
            lastStart = j
            j += length
        }
        if j == end || lastStart == i { return j }
        return lastStart
    }

    private static func runEnd(of runClass: ScalarClass, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Int {
        var j = start
        while j < end {
            let (scalarClass, length) = classify(bytes, at: j, end: end)
            if scalarClass != runClass { break }
            j += length
        }
        return j
    }

    enum ScalarClass: UInt8 {
        case letter, number, whitespace, other
    }

    /// The class and UTF-8 length of the scalar starting at `i`.
    @inline(__always)
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> (ScalarClass, Int) {
        let lead = bytes[i]
        if lead < 0x80 { return (asciiClass(lead), 1) }
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return (.other, 1)
        }
        guard i + length <= end else { return (.other, 1) }
        for k in 1..<length {
            let continuation = bytes[i + k]
            guard continuation & 0xC0 == 0x80 else { return (.other, 1) }
            value = value << 6 | UInt32(continuation & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return (.other, 1) }
        return (classify(scalar), length)
    }

    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        if scalar.value < 0x80 { return asciiClass(UInt8(scalar.value)) }
        if scalar.value == 0x85 { return .whitespace }
        let scalarClass: ScalarClass
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            scalarClass = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            scalarClass = .number
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            scalarClass = .whitespace
        default:
            return .other
        }
        // A scalar assigned after the pinned Unicode version is unassigned (other) there.
        guard let age = scalar.properties.age,
              age.major < unicodeVersion.major || (age.major == unicodeVersion.major && age.minor <= unicodeVersion.minor)
        else { return .other }
        return scalarClass
    }

    /// The Unicode version whose letters, numbers and spaces we split by: 16.0, what the
    /// Oniguruma inside `tokenizers` 0.23 knows. Swift 6.3's runtime knows 17.0; without the
    /// pin its 4,657 new letters and numbers would split differently there, and a newer
    /// toolchain could change our own tokenization. (A runtime older than 16.0 cannot be
    /// pinned up: it would class 16.0's new scalars as other.)
    static let unicodeVersion = (major: 16, minor: 0)

    /// Comparisons rather than a table: a static table costs a lazy-initialisation check per scalar.
    @inline(__always)
    private static func asciiClass(_ byte: UInt8) -> ScalarClass {
        if byte &- 0x61 < 26 || byte &- 0x41 < 26 { return .letter }   // a-z, A-Z
        if byte == 0x20 || byte &- 0x09 < 5 { return .whitespace }     // space, \t \n \v \f \r
        if byte &- 0x30 < 10 { return .number }
        return .other
    }
}
