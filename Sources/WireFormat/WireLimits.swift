/// What a receiver is willing to decode, checked before anything is allocated.
///
/// The defaults are version 1's maxima. A receiver may tighten any limit; the tensor count, name
/// length and rank cannot be loosened past those maxima (larger values act as the maxima), so every
/// decoded frame is one that ``TensorFrame/encode()`` can write again. Only the frame size is free.
///
/// ```swift
/// let frame = try TensorFrame.decode(bytes, limits: WireLimits(maxFrameBytes: 16 << 20))
/// ```
public struct WireLimits: Sendable, Hashable {
    /// The whole frame, header to checksum; a larger message is refused before it is read.
    public var maxFrameBytes: Int
    /// Tensors in one frame.
    public var maxTensors: Int
    /// Bytes of UTF-8 in one tensor name.
    public var maxNameBytes: Int
    /// Dimensions of one tensor.
    public var maxRank: Int

    /// Version 1's maxima and a 64 MiB frame: room for the model (about 8 MiB of f32) several times over.
    public static let standard = WireLimits()

    /// Limits for a receiver; each defaults to version 1's maximum.
    public init(maxFrameBytes: Int = 64 << 20, maxTensors: Int = 4096, maxNameBytes: Int = 256, maxRank: Int = 4) {
        self.maxFrameBytes = maxFrameBytes
        self.maxTensors = maxTensors
        self.maxNameBytes = maxNameBytes
        self.maxRank = maxRank
    }

    /// These limits with the table limits capped at version 1's maxima.
    var cappedAtProtocol: WireLimits {
        let v1 = WireLimits.standard
        return WireLimits(maxFrameBytes: maxFrameBytes,
                          maxTensors: min(maxTensors, v1.maxTensors),
                          maxNameBytes: min(maxNameBytes, v1.maxNameBytes),
                          maxRank: min(maxRank, v1.maxRank))
    }
}
