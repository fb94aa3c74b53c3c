import CLibWebSockets
import CWebSocketGuard
import Foundation
import Logging

/// The service-thread side of a ``WebSocketServer``: lws callbacks land here.
///
/// Owned by the service thread (see the rule in WebSocketServer.swift); reached from the C
/// callback through the context's user pointer, never shared with another thread. It also
/// owns the C memory lws keeps pointers to, which must outlive the context.
final class ServerCore {
    private struct Connection {
        let wsi: LWSConnectionHandle
        var state: ConnectionState
        /// A close decided while reading, sent from the next WRITEABLE: a -1 from RECEIVE
        /// leaves lws's frame parser mid-frame, and when more frames are already buffered lws
        /// then drops the socket without the close frame (the peer sees 1006, not our code).
        var closeFromReceive: (code: UInt16, reason: String)?
        /// Set once that close is issued: nothing may be written after the close frame.
        var closeFromReceiveIssued = false
    }

    let shared: ServerShared
    let delegate: any WebSocketServerDelegate
    let limits: TransportLimits
    let path: String
    let logger: Logger
    private let pre = Int(clws_pre())
    private var connections: [ConnectionID: Connection] = [:]
    private var nextID: UInt64 = 1
    private var healthBodies: [LWSConnectionHandle: [UInt8]] = [:]
    private var shutdownSwept = false

    // C memory referenced by the lws context.
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>
    private var cStrings: [UnsafeMutablePointer<CChar>] = []

    init(shared: ServerShared, delegate: any WebSocketServerDelegate, limits: TransportLimits, path: String, logger: Logger) {
        // The guard wakes a connection it caught sending an unmasked frame, so the writeable
        // callback closes it even when no data frame reaches lws (a ping, a close).
        ws_guard_set_waker { wsi in
            if let wsi { _ = lws_callback_on_writable(OpaquePointer(wsi)) }
        }
        self.shared = shared
        self.delegate = delegate
        self.limits = limits
        self.path = path
        self.logger = logger

        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        retryPolicy = .allocate(capacity: 1)
        retryPolicy.initialize(to: lws_retry_bo_t())
        // lws asserts hangup > ping; a ping at or after the hangup would never be answered in time.
        let hangup = min(max(limits.idleTimeoutSeconds, 2), Int(UInt16.max))
        let ping = min(max(limits.pingIntervalSeconds, 1), hangup - 1)
        retryPolicy.pointee.secs_since_valid_ping = UInt16(ping)
        retryPolicy.pointee.secs_since_valid_hangup = UInt16(hangup)
    }

    deinit {
        protocols.deinitialize(count: 2)
        protocols.deallocate()
        retryPolicy.deinitialize(count: 1)
        retryPolicy.deallocate()
        for string in cStrings { free(string) }
    }

    private func cString(_ string: String) -> UnsafeMutablePointer<CChar>? {
        guard let copy = strdup(string) else { return nil }
        cStrings.append(copy)
        return copy
    }

    /// Creates the context and its listener. Runs on the thread calling `start`, before the
    /// service thread exists.
    func createContext(host: String, port: Int, user: UnsafeMutableRawPointer) -> LWSContextHandle? {
        protocols[0].name = UnsafePointer(cString("purr"))
        protocols[0].callback = serverCallback
        protocols[0].per_session_data_size = MemoryLayout<UInt64>.size
        protocols[0].rx_buffer_size = 16 * 1024

        var info = lws_context_creation_info()
        info.port = Int32(port)
        let listensEverywhere = host.isEmpty || host == "0.0.0.0" || host == "::" || host == "*"
        info.iface = listensEverywhere ? nil : UnsafePointer(cString(host))
        if host.contains(".") || host == "*" || host.isEmpty {
            // An IPv4 literal cannot be bound on the dual-stack socket lws would otherwise make.
            info.options |= clws_option_disable_ipv6()
        }
        info.protocols = UnsafePointer(protocols)
        info.gid = -1
        info.uid = -1
        info.user = user
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        // Handshakes in flight share this pool; the default (a handful) would serialize
        // a burst of simultaneous connects.
        info.max_http_header_pool = 1024
        info.timeout_secs = 10
        info.server_string = UnsafePointer(cString("purrquest"))
        guard let context = lws_create_context(&info) else { return nil }
        return LWSContextHandle(context)
    }

    // MARK: - Callback dispatch (service thread)

    func handle(_ wsi: OpaquePointer, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
                _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        switch reason {
        case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
            // Non-zero drops the socket before any byte is read: no new peers while draining.
            if shared.shuttingDown.load(ordering: .relaxed) { return 1 }
            // `in` is the accepted socket: follow its bytes for unmasked client frames.
            ws_guard_track(Int32(truncatingIfNeeded: Int(bitPattern: input)))
            return 0

        case LWS_CALLBACK_WSI_DESTROY:
            let fd = lws_get_socket_fd(wsi)
            if fd >= 0 { ws_guard_forget(fd) }
            return lws_callback_http_dummy(wsi, reason, user, input, length)

        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
            return confirmUpgrade(wsi)

        case LWS_CALLBACK_ESTABLISHED:
            return established(wsi, user)

        case LWS_CALLBACK_RECEIVE:
            return receive(wsi, user, input, length)

        case LWS_CALLBACK_SERVER_WRITEABLE:
            if ws_guard_violated(lws_get_socket_fd(wsi)) != 0 { return unmasked(wsi) }
            return writeable(wsi, user)

        case LWS_CALLBACK_CLOSED:
            ws_guard_forget(lws_get_socket_fd(wsi))
            closed(user)
            return 0

        case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
            armReadyConnections()
            return 0

        case LWS_CALLBACK_HTTP:
            return http(wsi, input)

        case LWS_CALLBACK_HTTP_WRITEABLE:
            return httpWriteable(wsi)

        case LWS_CALLBACK_CLOSED_HTTP:
            healthBodies[LWSConnectionHandle(wsi)] = nil
            return lws_callback_http_dummy(wsi, reason, user, input, length)

        default:
            return lws_callback_http_dummy(wsi, reason, user, input, length)
        }
    }

    private func connectionID(_ user: UnsafeMutableRawPointer?) -> ConnectionID? {
        guard let raw = user?.load(as: UInt64.self), raw != 0 else { return nil }
        return ConnectionID(rawValue: raw)
    }

    /// Returns -1 after setting the close frame lws sends on the way out.
    private func closeNow(_ wsi: OpaquePointer, code: UInt16, reason: String) -> Int32 {
        var bytes = Array(reason.utf8.prefix(123))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(rawValue: UInt32(code)), buffer.baseAddress, buffer.count)
        }
        return -1
    }

    // MARK: WebSocket

    private func confirmUpgrade(_ wsi: OpaquePointer) -> Int32 {
        var uri = [CChar](repeating: 0, count: 512)
        let copied = lws_hdr_copy(wsi, &uri, Int32(uri.count), WSI_TOKEN_GET_URI)
        let requested = copied > 0 ? String(decoding: uri.prefix(Int(copied)).map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        if requested != path {
            _ = lws_return_http_status(wsi, 404, nil)
            return 1
        }
        if shared.shuttingDown.load(ordering: .relaxed) || connections.count >= limits.maxConnections {
            _ = lws_return_http_status(wsi, 503, nil)
            return 1
        }
        return 0
    }

    private func established(_ wsi: OpaquePointer, _ user: UnsafeMutableRawPointer?) -> Int32 {
        guard let user else { return -1 }
        if ws_guard_upgraded(lws_get_socket_fd(wsi), UnsafeMutableRawPointer(wsi)) != 0 {
            return unmasked(wsi)
        }
        if shared.shuttingDown.load(ordering: .relaxed) {
            return closeNow(wsi, code: 1001, reason: "server shutting down")
        }
        if connections.count >= limits.maxConnections {
            return closeNow(wsi, code: 1013, reason: "server full")
        }
        let id = ConnectionID(rawValue: nextID)
        nextID += 1
        user.storeBytes(of: id.rawValue, as: UInt64.self)
        connections[id] = Connection(wsi: LWSConnectionHandle(wsi), state: ConnectionState(limits: limits, now: monotonicSeconds()))
        shared.locked.withLock { $0.outboxes[id] = OutboundQueue(limit: limits.maxOutboundQueue) }
        shared.connectionCount.add(1, ordering: .relaxed)
        delegate.connectionOpened(id, remoteAddress: peerAddress(wsi))
        return 0
    }

    private func peerAddress(_ wsi: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        guard lws_get_peer_simple(wsi, &buffer, buffer.count) != nil else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func receive(_ wsi: OpaquePointer, _ user: UnsafeMutableRawPointer?,
                         _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        guard let id = connectionID(user) else { return -1 }
        let chunk = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        let isBinary = lws_frame_is_binary(wsi) != 0
        let isFinal = lws_is_final_fragment(wsi) != 0 && lws_remaining_packet_payload(wsi) == 0
        guard let action = connections[id]?.state.receive(chunk, isBinary: isBinary, isFinal: isFinal, now: monotonicSeconds()) else {
            return -1
        }
        switch action {
        case .none:
            return 0
        case .deliver(let text, let rateLimited):
            delegate.received(id, text: text, rateLimited: rateLimited)
            return 0
        case .deliverBinary(let bytes, let rateLimited):
            delegate.received(id, binary: bytes, rateLimited: rateLimited)
            return 0
        case .close(let code, let reason):
            logger.debug("closing connection", metadata: ["connection": "\(id)", "code": "\(code)", "reason": "\(reason)"])
            connections[id]?.closeFromReceive = (code, reason)
            // Whatever the delegate sends from now on is dropped.
            shared.locked.withLock { _ = $0.outboxes[id]?.requestClose(code: code, reason: reason) }
            lws_callback_on_writable(wsi)
            return 0
        }
    }

    private func writeable(_ wsi: OpaquePointer, _ user: UnsafeMutableRawPointer?) -> Int32 {
        guard let id = connectionID(user) else { return 0 }
        if let close = connections[id]?.closeFromReceive {
            connections[id]?.closeFromReceive = nil
            connections[id]?.closeFromReceiveIssued = true
            return closeNow(wsi, code: close.code, reason: close.reason)
        }
        if connections[id]?.closeFromReceiveIssued == true { return 0 }
        let (next, more) = shared.locked.withLock { state in
            (state.outboxes[id]?.next(), state.outboxes[id]?.hasWork ?? false)
        }
        switch next {
        case nil:
            return 0
        case .close(let code, let reason)?:
            return closeNow(wsi, code: code, reason: reason)
        case .write(var frame)?:
            let payload = frame.bytes.count - pre
            let mode = frame.isBinary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT
            let written = frame.bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return lws_write(wsi, base + pre, payload, mode)
            }
            // A short write means lws could not even buffer the rest: the connection is broken.
            if written < Int32(payload) { return -1 }
        }
        if more { lws_callback_on_writable(wsi) }
        return 0
    }

    /// RFC 6455 §5.1: a client frame without a mask closes the connection with 1002; the frame
    /// itself never reaches the game (the guard withholds its bytes from lws).
    private func unmasked(_ wsi: OpaquePointer) -> Int32 {
        logger.debug("closing connection: unmasked client frame")
        return closeNow(wsi, code: 1002, reason: "client frames must be masked (RFC 6455 5.1)")
    }

    private func closed(_ user: UnsafeMutableRawPointer?) {
        guard let id = connectionID(user) else { return }
        user?.storeBytes(of: 0, as: UInt64.self)
        guard connections.removeValue(forKey: id) != nil else { return }
        shared.locked.withLock { state in
            state.outboxes[id] = nil
            state.ready.remove(id)
        }
        shared.connectionCount.subtract(1, ordering: .relaxed)
        delegate.connectionClosed(id)
    }

    private func armReadyConnections() {
        let sweep = shared.shuttingDown.load(ordering: .relaxed) && !shutdownSwept
        if sweep { shutdownSwept = true }
        let ready: Set<ConnectionID> = shared.locked.withLock { state in
            state.wakePending = false
            if sweep {
                for id in state.outboxes.keys {
                    state.outboxes[id]?.requestClose(code: 1001, reason: "server shutting down")
                    state.ready.insert(id)
                }
            }
            let ready = state.ready
            state.ready.removeAll(keepingCapacity: true)
            return ready
        }
        for id in ready {
            if let wsi = connections[id]?.wsi { lws_callback_on_writable(wsi.raw) }
        }
    }

    // MARK: HTTP

    private func http(_ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?) -> Int32 {
        let uri = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? ""
        let response: HTTPResponse
        if uri == "/healthz" {
            response = delegate.healthResponse()
        } else if let r = delegate.httpResponse(path: uri) {
            response = r
        } else {
            _ = lws_return_http_status(wsi, 404, nil)
            return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
        }
        let body = response.body
        var headers = [UInt8](repeating: 0, count: pre + 1024)
        let failed = headers.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            let start = base + pre
            let end = base + buffer.count - 1
            var cursor: UnsafeMutablePointer<UInt8>? = start
            if lws_add_http_common_headers(wsi, UInt32(response.status), response.contentType, lws_filepos_t(body.count), &cursor, end) != 0 {
                return true
            }
            return lws_finalize_write_http_header(wsi, start, &cursor, end) != 0
        }
        if failed { return 1 }
        healthBodies[LWSConnectionHandle(wsi)] = body
        lws_callback_on_writable(wsi)
        return 0
    }

    private func httpWriteable(_ wsi: OpaquePointer) -> Int32 {
        guard let body = healthBodies.removeValue(forKey: LWSConnectionHandle(wsi)) else { return 0 }
        var frame = [UInt8](repeating: 0, count: pre) + body
        let written = frame.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return lws_write(wsi, base + pre, body.count, LWS_WRITE_HTTP_FINAL)
        }
        if written < Int32(body.count) { return -1 }
        return lws_http_transaction_completed(wsi) != 0 ? -1 : 0
    }
}

/// The lws protocol callback: a plain C function that finds its ``ServerCore`` through the
/// context's user pointer (lws calls it on the service thread, or inside create/destroy).
private func serverCallback(_ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
                            _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let coreRaw = lws_context_user(context) else {
        return 0
    }
    return Unmanaged<ServerCore>.fromOpaque(coreRaw).takeUnretainedValue().handle(wsi, reason, user, input, length)
}
