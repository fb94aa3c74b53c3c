import Aggregation
import ModelTraining
import NeuralCore
import WireFormat

/// Why a tensor frame does not fit the model it was meant for; `code` is stable.
public struct ModelFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

/// The training messages of docs/wire-format.md built from, and read into, the model's parameters.
///
/// - `modelState`: one f32 tensor per parameter, in the model's layout order, under its Hugging
///   Face name and shape.
/// - `modelDiff` and `update`: one rank-1 tensor named `delta` over all parameters in that same
///   order (the concatenation of the `modelState` tensors), i8 blocks of 256 or f32. A flat
///   vector keeps quantisation blocks independent of tensor boundaries.
///
/// A diff is applied exactly: for each element `θ ← θ + f32(value × scale)`, both roundings in
/// binary32 and nothing fused, so the runner's parameters after the diff are bit for bit the
/// coordinator's (the result's SHA-256 is published with each version).
public enum ModelFrames {
    public static let deltaName = "delta"

    public static func state(_ params: ParameterStore, version: UInt64, requestID: UInt64) throws -> TensorFrame {
        let tensors = try params.layout.entries.map { e in
            try WireTensor(name: e.name, shape: e.shape,
                           data: .float32(Array(UnsafeBufferPointer(start: params.pointer + e.offset, count: e.count))))
        }
        return try TensorFrame(messageType: .modelState, requestID: requestID, round: version, tensors: tensors)
    }

    /// Copies a `modelState` frame into `params`; every parameter must be present with its shape, f32.
    public static func load(_ frame: TensorFrame, into params: ParameterStore) throws(ModelFrameError) {
        guard frame.messageType == .modelState else {
            throw ModelFrameError("train.bad_frame", "expected a modelState frame, got \(frame.messageType)")
        }
        guard frame.tensors.count == params.layout.entries.count else {
            throw ModelFrameError("train.bad_frame", "the frame has \(frame.tensors.count) tensors; the model has \(params.layout.entries.count) parameters")
        }
        for (e, t) in zip(params.layout.entries, frame.tensors) {
            guard t.name == e.name, t.shape == e.shape else {
                throw ModelFrameError("train.bad_frame", "tensor \(t.name) \(t.shape) where \(e.name) \(e.shape) was expected")
            }
            guard case .float32(let values) = t.data else {
                throw ModelFrameError("train.bad_frame", "tensor \(t.name) is not f32")
            }
            values.withUnsafeBufferPointer { src in
                (params.pointer + e.offset).update(from: src.baseAddress!, count: e.count)
            }
        }
    }

    public static func diff(_ q: QuantisedDelta, version: UInt64, requestID: UInt64) throws -> TensorFrame {
        try TensorFrame(messageType: .modelDiff, requestID: requestID, round: version, tensors: [deltaTensor(q)])
    }

    public static func update(_ q: QuantisedDelta, round: UInt64, requestID: UInt64) throws -> TensorFrame {
        try TensorFrame(messageType: .update, requestID: requestID, round: round, tensors: [deltaTensor(q)])
    }

    public static func update(fp32 delta: [Float], round: UInt64, requestID: UInt64) throws -> TensorFrame {
        try TensorFrame(messageType: .update, requestID: requestID, round: round,
                        tensors: [WireTensor(name: deltaName, shape: [delta.count], data: .float32(delta))])
    }

    /// An `auditState` frame (training protocol 2): one committed checkpoint, asked by an audit.
    public static func auditState(_ c: InnerCheckpoint, round: UInt64, requestID: UInt64) throws -> TensorFrame {
        try TensorFrame(messageType: .auditState, requestID: requestID, round: round, tensors: [
            WireTensor(name: "checkpoint", shape: [], data: .float32([Float(c.index)])),
            WireTensor(name: "params", shape: [c.params.count], data: .float32(c.params)),
            WireTensor(name: "m", shape: [c.m.count], data: .float32(c.m)),
            WireTensor(name: "v", shape: [c.v.count], data: .float32(c.v)),
        ])
    }

    /// The checkpoint in an `auditState` frame: its index and vectors (the step counts come
    /// from the commitment, which the vectors must hash to).
    public static func auditState(of frame: TensorFrame, count: Int) throws(ModelFrameError) -> (index: Int, params: [Float], m: [Float], v: [Float]) {
        guard frame.messageType == .auditState else {
            throw ModelFrameError("train.bad_frame", "expected an auditState frame (message type 5), got \(frame.messageType)")
        }
        guard frame.tensors.count == 4, case .float32(let k)? = frame.tensor(named: "checkpoint")?.data, k.count == 1,
              let index = Int(exactly: k[0]), index >= 0,
              case .float32(let p)? = frame.tensor(named: "params")?.data, case .float32(let m)? = frame.tensor(named: "m")?.data,
              case .float32(let v)? = frame.tensor(named: "v")?.data, p.count == count, m.count == count, v.count == count else {
            throw ModelFrameError("train.bad_frame", "an auditState frame holds a scalar checkpoint index and f32 params, m and v of \(count) values each")
        }
        return (index, p, m, v)
    }

    /// An `optimizerState` frame: the state a round started from (no tensors for a fresh one).
    public static func optimizerState(_ s: InnerLoop.OptimizerState?, round: UInt64, requestID: UInt64) throws -> TensorFrame {
        guard let s else { return try TensorFrame(messageType: .optimizerState, requestID: requestID, round: round, tensors: []) }
        return try TensorFrame(messageType: .optimizerState, requestID: requestID, round: round, tensors: [
            WireTensor(name: "m", shape: [s.m.count], data: .float32(s.m)),
            WireTensor(name: "v", shape: [s.v.count], data: .float32(s.v)),
            WireTensor(name: "step", shape: [], data: .float32([Float(s.step)])),
        ])
    }

    /// The state in an `optimizerState` frame: nil for a fresh optimizer.
    public static func optimizerState(of frame: TensorFrame, count: Int) throws(ModelFrameError) -> InnerLoop.OptimizerState? {
        guard frame.messageType == .optimizerState else {
            throw ModelFrameError("train.bad_frame", "expected an optimizerState frame, got \(frame.messageType)")
        }
        if frame.tensors.isEmpty { return nil }
        guard frame.tensors.count == 3, case .float32(let m)? = frame.tensor(named: "m")?.data, case .float32(let v)? = frame.tensor(named: "v")?.data,
              case .float32(let step)? = frame.tensor(named: "step")?.data, m.count == count, v.count == count, step.count == 1,
              let steps = Int(exactly: step[0].rounded(.towardZero)), steps >= 0 else {
            throw ModelFrameError("train.bad_frame", "an optimizerState frame holds f32 m and v of \(count) values and a scalar step, or nothing")
        }
        return InnerLoop.OptimizerState(m: m, v: v, step: steps)
    }

    static func deltaTensor(_ q: QuantisedDelta) throws -> WireTensor {
        try WireTensor(name: deltaName, shape: [q.count], data: .int8(values: q.values, scales: q.scales, blockSize: q.blockSize))
    }

    /// The frame's `delta` as floats; `train.bad_frame` unless it is the only tensor, rank 1,
    /// of `count` elements, with finite non-negative scales and values in [-127, 127].
    public static func delta(of frame: TensorFrame, count: Int) throws(ModelFrameError) -> [Float] {
        guard frame.tensors.count == 1, let t = frame.tensor(named: deltaName) else {
            throw ModelFrameError("train.bad_frame", "a \(frame.messageType) frame holds one tensor named \"\(deltaName)\"")
        }
        guard t.shape == [count] else {
            throw ModelFrameError("train.bad_frame", "\"\(deltaName)\" has shape \(t.shape); the model has [\(count)] parameters")
        }
        switch t.data {
        case .float32(let values):
            return values
        case .int8(let values, let scales, let blockSize):
            guard blockSize == BlockwiseInt8.defaultBlockSize else {
                throw ModelFrameError("train.bad_frame", "\"\(deltaName)\" is i8 in blocks of \(blockSize); updates use blocks of \(BlockwiseInt8.defaultBlockSize)")
            }
            if scales.contains(where: { !$0.isFinite }) {
                // A NaN or infinite scale makes its block's values non-finite: the same offence as
                // a non-finite f32 value (docs/distributed.md), so it is handed on, not refused here.
                return values.enumerated().map { Float($0.element) * scales[$0.offset / blockSize] }
            }
            do {
                let q = try QuantisedDelta(count: values.count, blockSize: blockSize, values: values, scales: scales)
                return try BlockwiseInt8(blockSize: blockSize).decode(q)
            } catch {
                throw ModelFrameError("train.bad_frame", "\"\(deltaName)\": \(error)")
            }
        }
    }

    /// θ ← θ + delta element by element (the exact diff rule above).
    public static func apply(_ delta: [Float], to params: ParameterStore) throws(ModelFrameError) {
        guard delta.count == params.count else {
            throw ModelFrameError("train.bad_frame", "a diff of \(delta.count) values for \(params.count) parameters")
        }
        delta.withUnsafeBufferPointer { d in
            for j in 0..<d.count { params.pointer[j] = params.pointer[j] + d[j] }
        }
    }
}
