/// A lossy encoding of a flat Float32 delta that ``ErrorFeedback`` can wrap.
///
/// Implementations are deterministic: the same delta always encodes to the same payload, so a
/// runner's upload can be reproduced and audited.
public protocol DeltaCodec: Sendable {
    /// The compressed form that travels to the coordinator.
    associatedtype Encoded: Sendable

    /// Compresses `delta`.
    /// - Throws: ``CompressionError/nonFinite(index:)`` when `delta` holds NaN or ±inf.
    func encode(_ delta: [Float]) throws(CompressionError) -> Encoded

    /// Expands `encoded` back into a dense delta of its original length.
    func decode(_ encoded: Encoded) throws(CompressionError) -> [Float]
}
