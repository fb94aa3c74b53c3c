// Threading rule for the client (same as the server's): ONE service thread per
// ClientRuntime owns its lws context and makes every lws_* call, for all the connections it
// hosts. PurrConnection methods, on any thread or task, only change `ClientShared` under its
// lock and wake the service thread with `lws_cancel_service`. On
// LWS_CALLBACK_EVENT_WAIT_CANCELLED the service thread starts requested connects and arms
// `lws_callback_on_writable` for connections with queued frames; each
// LWS_CALLBACK_CLIENT_WRITEABLE writes ONE frame (LWS_PRE headroom reserved by the sender)
// and re-arms while more are queued.

import CLibWebSockets
import Dispatch
import Foundation
import Synchronization
import WebSocketTransport

/// One libwebsockets client context and its service thread, hosting many connections.
///
/// A load test opens a thousand connections on one runtime; most code uses ``shared``.
public final class ClientRuntime: Sendable {
    /// The process-wide runtime used when `connect` is not given one.
    public static let shared = ClientRuntime()

    let state = ClientShared()
    private let serviceThreadDone = DispatchSemaphore(value: 0)
    private let started: Bool

    /// Starts the context and its service thread.
    /// - Parameter maxMessageBytes: largest message accepted from a server (fragments
    ///   reassembled); a larger one closes the connection with 1009.
    public init(maxMessageBytes: Int = 64 << 20) {
        LWSLogging.install()
        let core = ClientCore(shared: state, maxMessageBytes: maxMessageBytes)
        let coreRef = Unmanaged.passRetained(core)
        guard let context = core.createContext(user: coreRef.toOpaque()) else {
            coreRef.release()
            started = false
            return
        }
        started = true
        state.locked.withLock { $0.context = context }
        let shared = state
        let done = serviceThreadDone
        let thread = Thread {
            runServiceLoop(context: context) { shared.stopRequested.load(ordering: .sequentiallyConsistent) }
            shared.locked.withLock { $0.context = nil }
            let coreRaw = lws_context_user(context.raw)
            lws_context_destroy(context.raw)
            if let coreRaw {
                let core = Unmanaged<ClientCore>.fromOpaque(coreRaw)
                core.takeUnretainedValue().failUnfinishedConnections()
                core.release()
            }
            done.signal()
        }
        thread.name = "ws-client-service"
        thread.start()
    }

    deinit {
        // Without a join: deinit must not block. The thread exits and destroys the context.
        requestStop()
    }

    /// Closes every connection (1001), waits up to `drainTimeout` seconds for the close
    /// handshakes, then stops and joins the service thread. Idempotent.
    public func shutdown(drainTimeout: Double = 2) {
        let first = state.locked.withLock { locked -> Bool in
            guard !locked.stopping else { return false }
            locked.stopping = true
            ClientShared.wake(&locked)
            return true
        }
        guard first, started else { return }
        let deadline = monotonicSeconds() + max(0, drainTimeout)
        while state.openCount.load(ordering: .relaxed) > 0 && monotonicSeconds() < deadline {
            usleep(2_000)
        }
        requestStop()
        serviceThreadDone.wait()
        // Let a later shutdown() (or deinit) return at once.
        serviceThreadDone.signal()
    }

    private func requestStop() {
        state.stopRequested.store(true, ordering: .sequentiallyConsistent)
        state.locked.withLock { locked in
            locked.stopping = true
            if let context = locked.context { lws_cancel_service(context.raw) }
        }
    }

    /// Connections this runtime currently hosts (connecting or open).
    public var connectionCount: Int { state.openCount.load(ordering: .relaxed) }

    // MARK: - Used by PurrConnection (any thread)

    func makeConnectionID() -> UInt64 { state.nextID.add(1, ordering: .relaxed).newValue }

    /// Queues a connect; false once the runtime is stopping.
    func requestConnect(id: UInt64, url: WebSocketURL, connection: PurrConnection) -> Bool {
        guard started else { return false }
        return state.locked.withLock { locked in
            guard !locked.stopping else { return false }
            locked.connects.append(ClientShared.ConnectRequest(id: id, url: url, connection: WeakConnection(connection)))
            locked.outboxes[id] = OutboundQueue(limit: ClientShared.outboundLimit)
            ClientShared.wake(&locked)
            return true
        }
    }

    /// Queues one frame; false when the connection is gone or closing.
    func enqueue(id: UInt64, frame: ClientFrame) -> Bool {
        state.locked.withLock { locked in
            switch locked.outboxes[id]?.enqueue(frame) {
            case .queued?:
                locked.ready.insert(id)
                ClientShared.wake(&locked)
                return true
            case .overflowed?:
                locked.ready.insert(id)
                ClientShared.wake(&locked)
                return false
            case .dropped?, nil:
                return false
            }
        }
    }

    /// Sends a close frame after the frames already queued.
    func requestClose(id: UInt64, code: UInt16, reason: String) {
        state.locked.withLock { locked in
            guard locked.outboxes[id]?.requestClose(code: code, reason: reason) == true else { return }
            locked.ready.insert(id)
            ClientShared.wake(&locked)
        }
    }
}
