/// Reassembles WebSocket fragments (and lws's own rx-buffer-sized chunks) into whole
/// messages, refusing to buffer more than a size cap so a peer cannot exhaust memory.
package struct MessageAssembler: Sendable {
    package enum Outcome: Equatable, Sendable {
        /// More fragments follow.
        case incomplete
        case text(String)
        case binary([UInt8])
        /// The message grew past the cap; the partial message was discarded.
        case tooLarge
        /// A complete text message was not valid UTF-8.
        case invalidUTF8
    }

    package let maxBytes: Int
    /// The cap for binary messages (tensor frames are far larger than any text request).
    package let maxBinaryBytes: Int
    private var buffer: [UInt8] = []
    private var buffering = false
    private var bufferIsBinary = false

    /// Buffers this big keep their capacity between messages; larger ones are released so
    /// thousands of idle connections do not each pin a multi-megabyte buffer.
    private static let retainedCapacity = 64 * 1024

    package init(maxBytes: Int, maxBinaryBytes: Int? = nil) {
        self.maxBytes = maxBytes
        self.maxBinaryBytes = maxBinaryBytes ?? maxBytes
    }

    /// Adds one chunk. `isBinary` is the opcode of the message the chunk belongs to.
    package mutating func append(_ chunk: UnsafeRawBufferPointer, isBinary: Bool, isFinal: Bool) -> Outcome {
        if !buffering && isFinal {
            // Whole message in one chunk: the common case, decoded without copying.
            guard chunk.count <= (isBinary ? maxBinaryBytes : maxBytes) else { return .tooLarge }
            return Self.decode(chunk, isBinary: isBinary)
        }
        if !buffering {
            buffering = true
            bufferIsBinary = isBinary
        }
        guard buffer.count + chunk.count <= (bufferIsBinary ? maxBinaryBytes : maxBytes) else {
            reset()
            return .tooLarge
        }
        buffer.append(contentsOf: chunk)
        guard isFinal else { return .incomplete }
        let outcome = buffer.withUnsafeBytes { Self.decode($0, isBinary: bufferIsBinary) }
        reset()
        return outcome
    }

    private mutating func reset() {
        buffering = false
        buffer.removeAll(keepingCapacity: buffer.capacity <= Self.retainedCapacity)
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, isBinary: Bool) -> Outcome {
        if isBinary { return .binary(Array(bytes)) }
        guard let text = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) else {
            return .invalidUTF8
        }
        return .text(text)
    }
}
