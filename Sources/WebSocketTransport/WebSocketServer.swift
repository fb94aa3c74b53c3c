// Threading rule for this server (the SwiftNIO event-loop rule, applied to libwebsockets):
// ONE service thread owns the lws context and makes every lws_* call. Any other thread —
// `send`, `close`, `shutdown` — only changes `ServerShared` under its lock and wakes the
// service thread with `lws_cancel_service`, the one lws call documented as thread-safe.
// On LWS_CALLBACK_EVENT_WAIT_CANCELLED the service thread arms `lws_callback_on_writable`
// for connections with queued output; each LWS_CALLBACK_SERVER_WRITEABLE writes ONE message
// (with LWS_PRE headroom, already reserved by `send`) and re-arms while more are queued.
// The only exception is `start`, which creates the context before the thread exists.

import CLibWebSockets
import Dispatch
import Foundation
import Logging
import Synchronization

/// A WebSocket server on libwebsockets that knows nothing of the messages it carries.
///
/// Serves `ws://HOST:PORT/<path>` (text frames only) and plain HTTP `GET /healthz` on the
/// same port, enforcing ``TransportLimits`` before anything reaches the delegate.
///
/// ```swift
/// let server = WebSocketServer(host: "127.0.0.1", port: 0, limits: TransportLimits(), logger: logger)
/// try server.start(delegate: handler)
/// print(server.boundPort)
/// server.send(id, text: "{}")
/// server.shutdown(drainTimeout: 5)
/// ```
public final class WebSocketServer: Sendable {
    public let host: String
    public let requestedPort: Int
    public let path: String
    public let limits: TransportLimits
    let logger: Logger
    let shared = ServerShared()
    private let lifecycle = Mutex(Lifecycle.idle)

    private enum Lifecycle: Sendable {
        case idle
        case running(serviceThreadDone: DispatchSemaphore)
        case stopping
        case stopped
    }

    /// - Parameters:
    ///   - host: address to listen on; "0.0.0.0" or "" listens on every interface.
    ///   - port: TCP port, 0 for an ephemeral one (read it back from ``boundPort``).
    ///   - path: the only path that accepts WebSocket upgrades.
    public init(host: String, port: Int, path: String = "/v1", limits: TransportLimits, logger: Logger) {
        self.host = host
        self.requestedPort = port
        self.path = path
        self.limits = limits
        self.logger = logger
    }

    /// Binds the port and starts the service thread.
    /// - Throws: ``WebSocketServerError`` when already started or the port cannot be bound.
    public func start(delegate: any WebSocketServerDelegate) throws {
        try lifecycle.withLock { state in
            guard case .idle = state else { throw WebSocketServerError.alreadyStarted }
            LWSLogging.install()
            let core = ServerCore(shared: shared, delegate: delegate, limits: limits, path: path, logger: logger)
            let coreRef = Unmanaged.passRetained(core)
            guard let context = core.createContext(host: host, port: requestedPort, user: coreRef.toOpaque()) else {
                let error = errno == EADDRINUSE
                    ? WebSocketServerError.portInUse(host: host, port: requestedPort)
                    : WebSocketServerError.listenFailed(host: host, port: requestedPort)
                coreRef.release()
                throw error
            }
            var port = requestedPort
            if let vhost = lws_get_vhost_by_name(context.raw, "default") {
                port = Int(lws_get_vhost_listen_port(vhost))
            }
            shared.boundPort.store(port, ordering: .relaxed)
            shared.locked.withLock { $0.context = context }

            let done = DispatchSemaphore(value: 0)
            let shared = self.shared
            let thread = Thread {
                runServiceLoop(context: context) { shared.stopRequested.load(ordering: .sequentiallyConsistent) }
                shared.locked.withLock { $0.context = nil }
                let coreRaw = lws_context_user(context.raw)
                lws_context_destroy(context.raw)
                if let coreRaw { Unmanaged<ServerCore>.fromOpaque(coreRaw).release() }
                done.signal()
            }
            thread.name = "ws-server-service"
            thread.start()
            state = .running(serviceThreadDone: done)
            logger.info("WebSocket server listening", metadata: ["host": "\(host)", "port": "\(port)", "path": "\(path)"])
        }
    }

    /// The port actually bound (the ephemeral one when started with port 0); 0 before `start`.
    public var boundPort: Int { shared.boundPort.load(ordering: .relaxed) }

    /// Open WebSocket connections.
    public var connectionCount: Int { shared.connectionCount.load(ordering: .relaxed) }

    /// Queues a text message for `id` from any thread. Dropped if the connection is gone or
    /// closing; a full queue closes the connection with 1008 "outbound queue overflow".
    public func send(_ id: ConnectionID, text: String) {
        enqueue(id, Self.frame(text.utf8), isBinary: false)
    }

    /// Queues a binary message for `id` from any thread, like ``send(_:text:)``.
    public func send(_ id: ConnectionID, binary: [UInt8]) {
        enqueue(id, Self.frame(binary), isBinary: true)
    }

    /// The payload behind `LWS_PRE` bytes of headroom, which lws writes its header into.
    private static func frame<Bytes: Collection<UInt8>>(_ payload: Bytes) -> [UInt8] {
        let pre = Int(clws_pre())
        let count = payload.count
        return [UInt8](unsafeUninitializedCapacity: pre + count) { buffer, initialized in
            buffer.initialize(repeating: 0)
            _ = UnsafeMutableBufferPointer(rebasing: buffer[pre...]).initialize(from: payload)
            initialized = pre + count
        }
    }

    private func enqueue(_ id: ConnectionID, _ bytes: [UInt8], isBinary: Bool) {
        let frame = OutboundFrame(bytes: bytes, isBinary: isBinary)
        shared.locked.withLock { state in
            guard state.outboxes[id] != nil else { return }
            switch state.outboxes[id]?.enqueue(frame) {
            case .queued, .overflowed:
                state.ready.insert(id)
                ServerShared.wake(&state)
            case .dropped, nil:
                break
            }
        }
    }

    /// Closes `id` with `code` and `reason` after the messages already queued, from any thread.
    public func close(_ id: ConnectionID, code: UInt16, reason: String) {
        shared.locked.withLock { state in
            guard state.outboxes[id]?.requestClose(code: code, reason: reason) == true else { return }
            state.ready.insert(id)
            ServerShared.wake(&state)
        }
    }

    /// Graceful: stop accepting new connections, flush queued outbound messages (bounded by
    /// `drainTimeout` seconds), close every connection with 1001, stop and join the service
    /// thread. Connections still open at the deadline are dropped. Idempotent. Never call it
    /// from a delegate method: it joins the service thread those methods run on.
    public func shutdown(drainTimeout: Double) {
        let done: DispatchSemaphore? = lifecycle.withLock { state in
            guard case .running(let done) = state else { return nil }
            state = .stopping
            return done
        }
        guard let done else { return }
        shared.shuttingDown.store(true, ordering: .sequentiallyConsistent)
        shared.locked.withLock { ServerShared.wake(&$0) }
        let deadline = monotonicSeconds() + max(0, drainTimeout)
        while shared.connectionCount.load(ordering: .relaxed) > 0 && monotonicSeconds() < deadline {
            usleep(2_000)
        }
        shared.stopRequested.store(true, ordering: .sequentiallyConsistent)
        shared.locked.withLock { state in
            if let context = state.context { lws_cancel_service(context.raw) }
        }
        done.wait()
        lifecycle.withLock { $0 = .stopped }
        logger.info("WebSocket server stopped")
    }
}
