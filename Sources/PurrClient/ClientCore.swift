import CLibWebSockets
import Foundation
import WebSocketTransport

/// The service-thread side of a ``ClientRuntime``: lws client callbacks land here.
///
/// Owned by the service thread (rule in ClientRuntime.swift), reached from the C callback
/// through the context's user pointer. Owns the C memory the context points at.
final class ClientCore {
    private struct Entry {
        let connection: WeakConnection
        var wsi: LWSConnectionHandle?
        var established = false
        var assembler: MessageAssembler
        var peerClose: (code: UInt16, reason: String)?
        var localClose: (code: UInt16, reason: String)?
    }

    let shared: ClientShared
    let maxMessageBytes: Int
    private let pre = Int(clws_pre())
    private var entries: [UInt64: Entry] = [:]
    private var stopSwept = false
    private let protocols: UnsafeMutablePointer<lws_protocols>
    private let protocolName: UnsafeMutablePointer<CChar>?

    init(shared: ClientShared, maxMessageBytes: Int) {
        self.shared = shared
        self.maxMessageBytes = maxMessageBytes
        protocols = .allocate(capacity: 2)
        protocols.initialize(repeating: lws_protocols(), count: 2)
        protocolName = strdup("purr-client")
    }

    deinit {
        protocols.deinitialize(count: 2)
        protocols.deallocate()
        free(protocolName)
    }

    /// Runs on the thread creating the runtime, before the service thread exists.
    func createContext(user: UnsafeMutableRawPointer) -> LWSContextHandle? {
        protocols[0].name = UnsafePointer(protocolName)
        protocols[0].callback = clientCallback
        protocols[0].per_session_data_size = 0
        // lws allocates this per connection; large messages arrive in several chunks.
        protocols[0].rx_buffer_size = 16 * 1024

        var info = lws_context_creation_info()
        info.port = CONTEXT_PORT_NO_LISTEN
        info.protocols = UnsafePointer(protocols)
        info.gid = -1
        info.uid = -1
        info.user = user
        info.timeout_secs = 10
        info.connect_timeout_secs = 10
        guard let context = lws_create_context(&info) else { return nil }
        return LWSContextHandle(context)
    }

    /// After the context is destroyed: anyone still waiting hears that the runtime stopped.
    func failUnfinishedConnections() {
        let connects = shared.locked.withLock { locked in
            let connects = locked.connects
            locked.connects = []
            locked.outboxes = [:]
            locked.ready = []
            return connects
        }
        for request in connects { request.connection.connection?.didFailToConnect(PurrClientError.runtimeStopped) }
        for (_, entry) in entries { finish(entry, fallbackCode: 1006, fallbackReason: "client runtime stopped") }
        entries = [:]
    }

    // MARK: - Callback dispatch (service thread)

    func handle(_ wsi: OpaquePointer, _ reason: lws_callback_reasons,
                _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        if reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED {
            serviceRequests()
            return 0
        }
        let raw = UInt64(UInt(bitPattern: lws_get_opaque_user_data(wsi)))
        guard raw != 0, entries[raw] != nil else { return 0 }
        switch reason {
        case LWS_CALLBACK_CLIENT_ESTABLISHED:
            entries[raw]?.wsi = LWSConnectionHandle(wsi)
            entries[raw]?.established = true
            entries[raw]?.connection.connection?.didOpen()
            if shared.locked.withLock({ $0.outboxes[raw]?.hasWork ?? false }) {
                lws_callback_on_writable(wsi)
            }
            return 0

        case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
            let message = input.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? "connection error"
            if let entry = remove(raw) {
                entry.connection.connection?.didFailToConnect(.connectFailed(message))
            }
            return 0

        case LWS_CALLBACK_CLIENT_RECEIVE:
            return receive(raw, wsi, input, length)

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            entries[raw]?.peerClose = Self.parseClose(input, length)
            return 0

        case LWS_CALLBACK_CLIENT_CLOSED:
            if let entry = remove(raw) {
                finish(entry, fallbackCode: 1006, fallbackReason: "")
            }
            return 0

        case LWS_CALLBACK_CLIENT_WRITEABLE:
            return writeable(raw, wsi)

        default:
            return 0
        }
    }

    private func receive(_ id: UInt64, _ wsi: OpaquePointer, _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
        let chunk = UnsafeRawBufferPointer(start: input, count: input == nil ? 0 : length)
        let isBinary = lws_frame_is_binary(wsi) != 0
        let isFinal = lws_is_final_fragment(wsi) != 0 && lws_remaining_packet_payload(wsi) == 0
        guard let outcome = entries[id]?.assembler.append(chunk, isBinary: isBinary, isFinal: isFinal) else { return -1 }
        let connection = entries[id]?.connection.connection
        switch outcome {
        case .incomplete:
            return 0
        case .text(let text):
            connection?.didReceive(text: text)
            return 0
        case .binary(let bytes):
            connection?.didReceive(binary: bytes)
            return 0
        case .tooLarge:
            return closeNow(id, wsi, code: 1009, reason: "message too big")
        case .invalidUTF8:
            return closeNow(id, wsi, code: 1007, reason: "invalid UTF-8")
        }
    }

    private func writeable(_ id: UInt64, _ wsi: OpaquePointer) -> Int32 {
        let (next, more) = shared.locked.withLock { locked in
            (locked.outboxes[id]?.next(), locked.outboxes[id]?.hasWork ?? false)
        }
        switch next {
        case nil:
            return 0
        case .close(let code, let reason)?:
            return closeNow(id, wsi, code: code, reason: reason)
        case .write(var frame)?:
            let payload = frame.bytes.count - pre
            let mode = frame.isBinary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT
            let written = frame.bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return lws_write(wsi, base + pre, payload, mode)
            }
            if written < Int32(clamping: payload) { return -1 }
        }
        if more { lws_callback_on_writable(wsi) }
        return 0
    }

    private func closeNow(_ id: UInt64, _ wsi: OpaquePointer, code: UInt16, reason: String) -> Int32 {
        entries[id]?.localClose = (code, reason)
        var bytes = Array(reason.utf8.prefix(123))
        bytes.withUnsafeMutableBufferPointer { buffer in
            lws_close_reason(wsi, lws_close_status(rawValue: UInt32(code)), buffer.baseAddress, buffer.count)
        }
        return -1
    }

    private func remove(_ id: UInt64) -> Entry? {
        guard let entry = entries.removeValue(forKey: id) else { return nil }
        shared.locked.withLock { locked in
            locked.outboxes[id] = nil
            locked.ready.remove(id)
        }
        shared.openCount.subtract(1, ordering: .relaxed)
        return entry
    }

    private func finish(_ entry: Entry, fallbackCode: UInt16, fallbackReason: String) {
        guard let connection = entry.connection.connection else { return }
        if !entry.established {
            connection.didFailToConnect(.connectFailed(fallbackReason.isEmpty ? "closed during handshake" : fallbackReason))
            return
        }
        let close = entry.peerClose ?? entry.localClose ?? (fallbackCode, fallbackReason)
        connection.didClose(code: close.code, reason: close.reason)
    }

    /// The close frame payload: a big-endian status code, then a UTF-8 reason.
    private static func parseClose(_ input: UnsafeMutableRawPointer?, _ length: Int) -> (code: UInt16, reason: String)? {
        guard let input, length >= 2 else { return (1005, "") }
        let bytes = UnsafeRawBufferPointer(start: input, count: length)
        let code = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        return (code, String(decoding: bytes[2...], as: UTF8.self))
    }

    // MARK: Wake-up work

    private func serviceRequests() {
        let sweep = !stopSwept && shared.locked.withLock { $0.stopping }
        if sweep { stopSwept = true }
        let (connects, ready) = shared.locked.withLock { locked in
            locked.wakePending = false
            if sweep {
                for id in locked.outboxes.keys {
                    locked.outboxes[id]?.requestClose(code: 1001, reason: "client shutting down")
                    locked.ready.insert(id)
                }
            }
            let work = (locked.connects, locked.ready)
            locked.connects.removeAll()
            locked.ready.removeAll(keepingCapacity: true)
            return work
        }
        for request in connects { startConnect(request) }
        for id in ready {
            if let entry = entries[id], entry.established, let wsi = entry.wsi {
                lws_callback_on_writable(wsi.raw)
            }
        }
    }

    private func startConnect(_ request: ClientShared.ConnectRequest) {
        guard request.connection.connection != nil, let context = shared.locked.withLock({ $0.context }) else {
            shared.locked.withLock { $0.outboxes[request.id] = nil }
            return
        }
        entries[request.id] = Entry(connection: request.connection, assembler: MessageAssembler(maxBytes: maxMessageBytes))
        shared.openCount.add(1, ordering: .relaxed)

        // lws copies these strings into the new connection before returning.
        let url = request.url
        let hostHeader = url.host.contains(":") ? "[\(url.host)]:\(url.port)" : "\(url.host):\(url.port)"
        let wsi: OpaquePointer? = url.host.withCString { host in
            url.path.withCString { path in
                hostHeader.withCString { hostHeader in
                    var info = lws_client_connect_info()
                    info.context = context.raw
                    info.address = host
                    info.port = Int32(url.port)
                    info.path = path
                    info.host = hostHeader
                    info.origin = hostHeader
                    info.ietf_version_or_minus_one = -1
                    info.local_protocol_name = UnsafePointer(protocolName)
                    info.opaque_user_data = UnsafeMutableRawPointer(bitPattern: UInt(request.id))
                    return lws_client_connect_via_info(&info)
                }
            }
        }
        if let wsi {
            entries[request.id]?.wsi = LWSConnectionHandle(wsi)
        } else if let entry = remove(request.id) {
            entry.connection.connection?.didFailToConnect(.connectFailed("libwebsockets refused to start the connection to \(url.host):\(url.port)"))
        }
    }
}


/// The lws protocol callback: finds the ``ClientCore`` through the context's user pointer.
private func clientCallback(_ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
                            _ input: UnsafeMutableRawPointer?, _ length: Int) -> Int32 {
    guard let wsi, let context = lws_get_context(wsi), let coreRaw = lws_context_user(context) else { return 0 }
    return Unmanaged<ClientCore>.fromOpaque(coreRaw).takeUnretainedValue().handle(wsi, reason, input, length)
}
