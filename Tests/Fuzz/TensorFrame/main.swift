// libFuzzer target: the binary tensor-frame decoder (TensorFrame.decode).
// Built by scripts/fuzz, not by SwiftPM.
//
// A frame ends in the SHA-256 of everything before it, which a fuzzer cannot forge, so the
// input is taken as a frame *without* its checksum: the harness appends the right one (and
// also decodes the input as it is, which exercises the envelope checks and the checksum test).
// Invariants on every frame that decodes: re-encoding gives a frame that decodes to the same
// header and tensors, and that encodes to the very same bytes (encode ∘ decode is a fixpoint;
// compared as bytes, so NaN payloads count too); tensor count, names and ranks stay in limits.
import PurrCrypto
import WireFormat

private let limits = WireLimits(maxFrameBytes: 1 << 20, maxTensors: 64, maxNameBytes: 64, maxRank: 4)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? TensorFrame.decode(body, limits: limits)
    let frameBytes = body + SHA256.hash(body)
    guard let frame = try? TensorFrame.decode(frameBytes, limits: limits) else { return 0 }

    guard frame.tensors.count <= limits.maxTensors else { fatalError("more tensors than the limit") }
    var names = Set<String>()
    for tensor in frame.tensors {
        guard !tensor.name.isEmpty, tensor.name.utf8.count <= limits.maxNameBytes else { fatalError("bad name accepted: \(tensor.name)") }
        guard tensor.shape.count <= limits.maxRank else { fatalError("rank \(tensor.shape.count) accepted") }
        guard tensor.shape.reduce(1, *) == tensor.data.elementCount else { fatalError("shape \(tensor.shape) does not match \(tensor.data.elementCount) elements") }
        guard names.insert(tensor.name).inserted else { fatalError("duplicate name accepted: \(tensor.name)") }
    }

    // Not `encoded == frameBytes`: the decoder accepts any region order and zero gaps, and a
    // sender may pack regions tighter than the encoder does, so only the fixpoint is checked.
    let encoded = frame.encode()
    let again: TensorFrame
    do {
        again = try TensorFrame.decode(encoded, limits: limits)
    } catch {
        fatalError("a re-encoded frame does not decode: \(error)")
    }
    guard again.messageType == frame.messageType, again.requestID == frame.requestID, again.round == frame.round,
          again.tensors.map(\.name) == frame.tensors.map(\.name),
          again.tensors.map(\.shape) == frame.tensors.map(\.shape),
          again.tensors.map(\.dtype) == frame.tensors.map(\.dtype) else {
        fatalError("header or tensor table changed in a round trip")
    }
    guard again.encode() == encoded else { fatalError("encode(decode(encode(f))) != encode(f)") }
    return 0
}
