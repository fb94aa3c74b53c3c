import CLibWebSockets
import Synchronization
import WebSocketTransport

/// A frame ready for `lws_write`: `LWS_PRE` zero bytes, then the payload.
struct ClientFrame: Sendable {
    var bytes: [UInt8]
    let isBinary: Bool

    init<Payload: Collection<UInt8>>(payload: Payload, isBinary: Bool) {
        let pre = Int(clws_pre())
        let count = payload.count
        bytes = [UInt8](unsafeUninitializedCapacity: pre + count) { buffer, initialized in
            buffer.initialize(repeating: 0)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[pre...]).initialize(from: payload)
            initialized = pre + count
        }
        self.isBinary = isBinary
    }
}

/// A connection the runtime must not keep alive: dropping the last reference closes it.
struct WeakConnection: Sendable {
    weak var connection: PurrConnection?
    init(_ connection: PurrConnection) { self.connection = connection }
}

/// What PurrConnection callers and the service thread share.
final class ClientShared: Sendable {
    /// Frames one connection may have waiting; a sender this far ahead of the socket is broken.
    static let outboundLimit = 65_536

    struct ConnectRequest: Sendable {
        let id: UInt64
        let url: WebSocketURL
        let connection: WeakConnection
    }

    struct Locked: Sendable {
        /// Non-nil while the context exists; wakes happen only under the lock while it is set.
        var context: LWSContextHandle?
        var wakePending = false
        var stopping = false
        var connects: [ConnectRequest] = []
        var outboxes: [UInt64: OutboundQueue<ClientFrame>] = [:]
        var ready: Set<UInt64> = []
    }

    let locked = Mutex(Locked())
    let stopRequested = Atomic<Bool>(false)
    let openCount = Atomic<Int>(0)
    let nextID = Atomic<UInt64>(0)

    /// Call inside `locked.withLock`.
    static func wake(_ state: inout Locked) {
        guard !state.wakePending, let context = state.context else { return }
        state.wakePending = true
        lws_cancel_service(context.raw)
    }
}
