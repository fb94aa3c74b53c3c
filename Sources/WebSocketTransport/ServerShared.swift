import CLibWebSockets
import Synchronization

/// One queued message: `LWS_PRE` bytes of headroom, then the payload.
struct OutboundFrame: Sendable {
    var bytes: [UInt8]
    var isBinary: Bool
}

/// What callers of the public API and the service thread share.
final class ServerShared: Sendable {
    struct Locked: Sendable {
        /// Non-nil while the context exists; `lws_cancel_service` is only called under the
        /// lock while it is set, so a wake can never reach a destroyed context.
        var context: LWSContextHandle?
        /// A wake is in flight; coalesces many sends into one `lws_cancel_service`.
        var wakePending = false
        var outboxes: [ConnectionID: OutboundQueue<OutboundFrame>] = [:]
        /// Connections whose outbox gained work since the service thread last looked.
        var ready: Set<ConnectionID> = []
    }

    let locked = Mutex(Locked())
    let shuttingDown = Atomic<Bool>(false)
    let stopRequested = Atomic<Bool>(false)
    let connectionCount = Atomic<Int>(0)
    let boundPort = Atomic<Int>(0)

    /// Call inside `locked.withLock`.
    static func wake(_ state: inout Locked) {
        guard !state.wakePending, let context = state.context else { return }
        state.wakePending = true
        lws_cancel_service(context.raw)
    }
}

/// Runs `lws_service` until `shouldStop` is true after a wake-up.
package func runServiceLoop(context: LWSContextHandle, shouldStop: () -> Bool) {
    while !shouldStop() {
        if lws_service(context.raw, 0) < 0 { break }
    }
}
