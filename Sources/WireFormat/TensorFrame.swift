/// One binary WebSocket message of tensors: the model's parameters, a diff to them, or a runner's update.
///
/// The JSON-RPC call that a frame belongs to names it by ``requestID``. The layout is in
/// ``WireLayout`` and docs/wire-format.md; ``encode()`` and ``decode(_:limits:)`` are the two ends.
///
/// ```swift
/// let frame = try TensorFrame(messageType: .update, requestID: 42, round: 7, tensors: [delta])
/// let bytes = frame.encode()
/// let back = try TensorFrame.decode(bytes)
/// ```
public struct TensorFrame: Sendable, Equatable {
    /// What the tensors are; the raw value is the header's u16 and never changes once shipped.
    public enum MessageType: UInt16, Sendable, Hashable, CaseIterable {
        /// Server to runner: every parameter of the model at version ``TensorFrame/round``.
        case modelState = 1
        /// Server to runner: what to add to the parameters of an earlier version to reach ``TensorFrame/round``.
        case modelDiff = 2
        /// Runner to server: the runner's delta for training round ``TensorFrame/round``.
        case update = 3
        /// Training protocol 1 (refused by protocol-2 servers): the inner optimizer state a round
        /// started from (tensors `m`, `v`, `step`; none for a fresh optimizer).
        case optimizerState = 4
        /// Runner to server, when its update is audited (training protocol 2): one committed
        /// checkpoint of round ``TensorFrame/round`` (tensors `checkpoint`, `params`, `m`, `v`).
        case auditState = 5
    }

    /// What the tensors are.
    public var messageType: MessageType
    /// The JSON-RPC request id (or round) that refers to this frame.
    public var requestID: UInt64
    /// The training round or model version the tensors belong to.
    public var round: UInt64
    /// The tensors, in the order they are written; names are unique.
    public private(set) var tensors: [WireTensor]

    /// A frame with at most 4096 tensors of distinct names.
    /// - Throws: ``WireFormatError`` with `wire.too_large` or `wire.duplicate_name`.
    public init(messageType: MessageType, requestID: UInt64, round: UInt64, tensors: [WireTensor]) throws(WireFormatError) {
        guard tensors.count <= WireLimits.standard.maxTensors else {
            throw WireFormatError(.tooLarge, field: "tensors",
                                  "A frame holds at most \(WireLimits.standard.maxTensors) tensors, not \(tensors.count).")
        }
        var seen = Set<String>(minimumCapacity: tensors.count)
        for (index, tensor) in tensors.enumerated() where !seen.insert(tensor.name).inserted {
            throw WireFormatError(.duplicateName, field: "tensors[\(index)].name",
                                  "Tensor \"\(tensor.name)\" appears twice; names must be unique within a frame.")
        }
        self.init(validatedMessageType: messageType, requestID: requestID, round: round, tensors: tensors)
    }

    /// A frame the decoder has already checked.
    init(validatedMessageType messageType: MessageType, requestID: UInt64, round: UInt64, tensors: [WireTensor]) {
        self.messageType = messageType
        self.requestID = requestID
        self.round = round
        self.tensors = tensors
    }

    /// The tensor with this name, if the frame has one.
    public func tensor(named name: String) -> WireTensor? {
        tensors.first { $0.name == name }
    }
}
