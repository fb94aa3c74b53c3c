import Foundation
import RPC
import Synchronization

/// A JSON-RPC 2.0 client connection over WebSocket.
///
/// Calls from many tasks may be in flight at once; responses are matched by id.
///
/// ```swift
/// let conn = try await PurrConnection.connect(to: "ws://127.0.0.1:7350/v1")
/// let balance = try await conn.call("wallet.balance")
/// for await note in conn.notifications { print(note.method) }
/// ```
public final class PurrConnection: Sendable {
    /// Notifications kept for a consumer that is not reading; older ones are dropped beyond this.
    public static let notificationBufferLimit = 10_000
    /// Unmatched messages kept for `nextUnmatched`; older ones are dropped beyond this.
    static let unmatchedBufferLimit = 1_000

    public typealias Notification = (method: String, params: JSONValue)

    let runtime: ClientRuntime
    let id: UInt64
    private let state = Mutex(State())
    /// Server notifications (messages with a method and no id), in arrival order.
    /// Single consumer; it finishes when the connection closes.
    public let notifications: AsyncStream<Notification>
    private let notificationSink: AsyncStream<Notification>.Continuation
    /// Binary messages from the server, in arrival order. Single consumer.
    public let binaryMessages: AsyncStream<[UInt8]>
    private let binarySink: AsyncStream<[UInt8]>.Continuation

    private typealias Continuation<T> = CheckedContinuation<T, any Error>

    private enum Phase {
        case idle
        case connecting(Continuation<Void>?)
        case open
        case closed(code: UInt16, reason: String)
    }

    /// A response slot: registered before the request is sent, so an answer that arrives
    /// before anyone awaits it is kept rather than lost.
    private struct Slot {
        var continuation: Continuation<JSONValue>?
        var result: Result<JSONValue, any Error>?
        var timer: Task<Void, Never>?
    }

    private struct State {
        var phase = Phase.idle
        var nextRequestID: Int64 = 1
        var slots: [Int64: Slot] = [:]
        var unmatched: [String] = []
        var unmatchedWaiters: [(token: UInt64, continuation: Continuation<String>)] = []
        var closeWaiters: [(token: UInt64, continuation: Continuation<(code: UInt16, reason: String)>)] = []
        var nextToken: UInt64 = 1

        var closeInfo: (code: UInt16, reason: String)? {
            if case .closed(let code, let reason) = phase { return (code, reason) }
            return nil
        }
    }

    private init(runtime: ClientRuntime) {
        self.runtime = runtime
        id = runtime.makeConnectionID()
        (notifications, notificationSink) = AsyncStream.makeStream(of: Notification.self, bufferingPolicy: .bufferingNewest(Self.notificationBufferLimit))
        (binaryMessages, binarySink) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(1_024))
    }

    deinit {
        runtime.requestClose(id: id, code: 1000, reason: "")
    }

    /// Opens a WebSocket to `url` (`ws://127.0.0.1:PORT/v1`).
    /// - Throws: ``PurrClientError/invalidURL(_:)``, `.connectFailed`, `.timeout` or `.runtimeStopped`.
    public static func connect(to url: String, runtime: ClientRuntime = .shared, timeout: Double = 10) async throws -> PurrConnection {
        let endpoint = try WebSocketURL(url)
        let connection = PurrConnection(runtime: runtime)
        try await connection.open(endpoint, timeout: timeout)
        return connection
    }

    private func open(_ url: WebSocketURL, timeout: Double) async throws {
        try await withCheckedThrowingContinuation { (continuation: Continuation<Void>) in
            state.withLock { $0.phase = .connecting(continuation) }
            guard runtime.requestConnect(id: id, url: url, connection: self) else {
                didFailToConnect(.runtimeStopped)
                return
            }
            Task { [weak self] in
                try? await Task.sleep(for: .seconds(timeout))
                self?.connectTimedOut()
            }
        }
    }

    private func connectTimedOut() {
        let continuation: Continuation<Void>? = state.withLock { state in
            guard case .connecting(let continuation) = state.phase else { return nil }
            state.phase = .closed(code: 1006, reason: "connect timeout")
            return continuation
        }
        guard let continuation else { return }
        runtime.requestClose(id: id, code: 1000, reason: "")
        continuation.resume(throwing: PurrClientError.timeout)
    }

    /// True between a completed handshake and the close.
    public var isOpen: Bool {
        state.withLock { if case .open = $0.phase { return true } else { return false } }
    }

    // MARK: - Calls

    /// Sends `{"jsonrpc":"2.0","id":<n>,"method":...,"params":...}` and awaits the matching response.
    /// - Throws: ``PurrClientError/rpc(_:)`` for an error response, `.closed` if the
    ///   connection closes first, `.timeout` after `timeout` seconds.
    public func call(_ method: String, _ params: JSONValue = .object([:]), timeout: Double = 30) async throws -> JSONValue {
        let requestID = try register(count: 1)[0]
        send(text: Self.request(id: requestID, method: method, params: params).serialized())
        return try await awaitSlot(requestID, deadline: .now + .seconds(timeout))
    }

    /// Sends the calls as one JSON-RPC batch and returns each outcome in the order given.
    /// - Throws: `.closed` or `.timeout` when not every answer came.
    public func callBatch(_ calls: [(method: String, params: JSONValue)], timeout: Double = 30) async throws -> [Result<JSONValue, RPCErrorObject>] {
        guard !calls.isEmpty else { return [] }
        let ids = try register(count: calls.count)
        let batch = JSONValue.array(zip(ids, calls).map { Self.request(id: $0, method: $1.method, params: $1.params) })
        send(text: batch.serialized())
        let deadline = ContinuousClock.now + .seconds(timeout)
        var results: [Result<JSONValue, RPCErrorObject>] = []
        for requestID in ids {
            do {
                results.append(.success(try await awaitSlot(requestID, deadline: deadline)))
            } catch PurrClientError.rpc(let error) {
                results.append(.failure(error))
            } catch {
                for later in ids where later > requestID { resolve(later, .failure(error)) }
                throw error
            }
        }
        return results
    }

    /// Sends one binary frame that carries its own request id (an AI runner's tensor frame,
    /// docs/wire-format.md) and awaits the JSON-RPC response with that id.
    /// - Parameter build: makes the frame's bytes for the id reserved for it.
    public func callBinary(timeout: Double = 60, _ build: (Int64) throws -> [UInt8]) async throws -> JSONValue {
        let requestID = try register(count: 1)[0]
        let bytes: [UInt8]
        do { bytes = try build(requestID) } catch {
            resolve(requestID, .failure(error))
            _ = try? await awaitSlot(requestID, deadline: .now)
            throw error
        }
        sendBinary(bytes)
        return try await awaitSlot(requestID, deadline: .now + .seconds(timeout))
    }

    /// Like ``call(_:_:timeout:)``, also returning the id the request went out with (binary
    /// frames sent in reply carry it).
    public func callWithID(_ method: String, _ params: JSONValue = .object([:]), timeout: Double = 30) async throws -> (id: Int64, result: JSONValue) {
        let requestID = try register(count: 1)[0]
        send(text: Self.request(id: requestID, method: method, params: params).serialized())
        return (requestID, try await awaitSlot(requestID, deadline: .now + .seconds(timeout)))
    }

    /// Sends a notification (no id, so no response).
    public func notify(_ method: String, _ params: JSONValue) {
        send(text: JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": params]).serialized())
    }

    /// Sends `text` as one text frame, unchanged (for bad-input tests).
    public func sendRaw(_ text: String) {
        send(text: text)
    }

    /// Sends one binary frame.
    public func sendBinary(_ bytes: [UInt8]) {
        _ = runtime.enqueue(id: id, frame: ClientFrame(payload: bytes, isBinary: true))
    }

    /// The next text message that is neither a notification nor a response to a pending
    /// call — e.g. an error with id null after `sendRaw`.
    public func nextUnmatched(timeout: Double) async throws -> String {
        let token = state.withLock { state -> UInt64 in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Continuation<String>) in
                let immediate: Result<String, any Error>? = state.withLock { state in
                    if !state.unmatched.isEmpty { return .success(state.unmatched.removeFirst()) }
                    if let close = state.closeInfo { return .failure(PurrClientError.closed(code: close.code, reason: close.reason)) }
                    state.unmatchedWaiters.append((token, continuation))
                    return nil
                }
                if let immediate {
                    continuation.resume(with: immediate)
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(for: .seconds(timeout))
                    self?.failUnmatchedWaiter(token, PurrClientError.timeout)
                }
            }
        } onCancel: {
            failUnmatchedWaiter(token, CancellationError())
        }
    }

    /// Resolves when the connection closes, with the server's close code and reason.
    public func waitForClose(timeout: Double) async throws -> (code: UInt16, reason: String) {
        let token = state.withLock { state -> UInt64 in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Continuation<(code: UInt16, reason: String)>) in
                let closed = state.withLock { state -> (code: UInt16, reason: String)? in
                    if let close = state.closeInfo { return close }
                    state.closeWaiters.append((token, continuation))
                    return nil
                }
                if let closed {
                    continuation.resume(returning: closed)
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(for: .seconds(timeout))
                    self?.failCloseWaiter(token, PurrClientError.timeout)
                }
            }
        } onCancel: {
            failCloseWaiter(token, CancellationError())
        }
    }

    /// Starts a normal close (1000) after the frames already queued; `waitForClose` reports its end.
    public func close() {
        runtime.requestClose(id: id, code: 1000, reason: "")
    }

    // MARK: - Internals (any thread)

    private static func request(id: Int64, method: String, params: JSONValue) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": params])
    }

    private func send(text: String) {
        _ = runtime.enqueue(id: id, frame: ClientFrame(payload: text.utf8, isBinary: false))
    }

    /// Reserves response slots; throws at once if the connection is already closed.
    private func register(count: Int) throws -> [Int64] {
        try state.withLock { state throws(PurrClientError) -> [Int64] in
            if let close = state.closeInfo { throw .closed(code: close.code, reason: close.reason) }
            let first = state.nextRequestID
            state.nextRequestID += Int64(count)
            let ids = Array(first..<first + Int64(count))
            for requestID in ids { state.slots[requestID] = Slot() }
            return ids
        }
    }

    private func awaitSlot(_ requestID: Int64, deadline: ContinuousClock.Instant) async throws -> JSONValue {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Continuation<JSONValue>) in
                let ready: Result<JSONValue, any Error>? = state.withLock { state in
                    guard var slot = state.slots[requestID] else { return .failure(PurrClientError.timeout) }
                    if let result = slot.result {
                        state.slots[requestID] = nil
                        return result
                    }
                    slot.continuation = continuation
                    state.slots[requestID] = slot
                    return nil
                }
                if let ready {
                    continuation.resume(with: ready)
                    return
                }
                let timer = Task { [weak self] in
                    do {
                        try await Task.sleep(until: deadline, clock: .continuous)
                    } catch {
                        return
                    }
                    self?.resolve(requestID, .failure(PurrClientError.timeout))
                }
                let stillPending = state.withLock { state -> Bool in
                    guard state.slots[requestID] != nil else { return false }
                    state.slots[requestID]?.timer = timer
                    return true
                }
                if !stillPending { timer.cancel() }
            }
        } onCancel: {
            resolve(requestID, .failure(CancellationError()))
        }
    }

    /// Completes a slot: resumes its waiter, or keeps the result until someone awaits it.
    private func resolve(_ requestID: Int64, _ result: Result<JSONValue, any Error>) {
        let (continuation, timer) = state.withLock { state -> (Continuation<JSONValue>?, Task<Void, Never>?) in
            guard var slot = state.slots[requestID] else { return (nil, nil) }
            guard let continuation = slot.continuation else {
                if slot.result == nil {
                    slot.result = result
                    state.slots[requestID] = slot
                }
                return (nil, nil)
            }
            state.slots[requestID] = nil
            return (continuation, slot.timer)
        }
        timer?.cancel()
        continuation?.resume(with: result)
    }

    private func failUnmatchedWaiter(_ token: UInt64, _ error: any Error) {
        let continuation = state.withLock { state -> Continuation<String>? in
            guard let index = state.unmatchedWaiters.firstIndex(where: { $0.token == token }) else { return nil }
            return state.unmatchedWaiters.remove(at: index).continuation
        }
        continuation?.resume(throwing: error)
    }

    private func failCloseWaiter(_ token: UInt64, _ error: any Error) {
        let continuation = state.withLock { state -> Continuation<(code: UInt16, reason: String)>? in
            guard let index = state.closeWaiters.firstIndex(where: { $0.token == token }) else { return nil }
            return state.closeWaiters.remove(at: index).continuation
        }
        continuation?.resume(throwing: error)
    }

    // MARK: - Events from the service thread

    func didOpen() {
        let continuation: Continuation<Void>? = state.withLock { state in
            guard case .connecting(let continuation) = state.phase else { return nil }
            state.phase = .open
            return continuation
        }
        continuation?.resume()
    }

    func didFailToConnect(_ error: PurrClientError) {
        let continuation: Continuation<Void>? = state.withLock { state in
            guard case .connecting(let continuation) = state.phase else { return nil }
            state.phase = .closed(code: 1006, reason: "\(error)")
            return continuation
        }
        continuation?.resume(throwing: error)
        notificationSink.finish()
        binarySink.finish()
    }

    func didReceive(text: String) {
        guard let message = try? JSONValue.parse(text) else {
            deliverUnmatched(text)
            return
        }
        switch message {
        case .object:
            if !dispatch(message) { deliverUnmatched(text) }
        case .array(let items):
            // A batch response: each answer goes to its own slot.
            var matchedAny = false
            for item in items where dispatch(item, notificationsAllowed: false) { matchedAny = true }
            if !matchedAny { deliverUnmatched(text) }
        default:
            deliverUnmatched(text)
        }
    }

    /// Routes one response or notification; false when it matches nothing pending.
    private func dispatch(_ message: JSONValue, notificationsAllowed: Bool = true) -> Bool {
        if notificationsAllowed, message["id"] == nil, let method = message["method"]?.stringValue {
            notificationSink.yield((method: method, params: message["params"] ?? .null))
            return true
        }
        guard message["method"] == nil, let requestID = message["id"]?.intValue,
              state.withLock({ $0.slots[requestID] != nil }) else { return false }
        if let errorJSON = message["error"] {
            let error = RPCErrorObject(json: errorJSON) ?? RPCErrorObject(code: -32603, message: "malformed error object: \(errorJSON.serialized())")
            resolve(requestID, .failure(PurrClientError.rpc(error)))
        } else {
            resolve(requestID, .success(message["result"] ?? .null))
        }
        return true
    }

    private func deliverUnmatched(_ text: String) {
        let waiter = state.withLock { state -> Continuation<String>? in
            if !state.unmatchedWaiters.isEmpty { return state.unmatchedWaiters.removeFirst().continuation }
            state.unmatched.append(text)
            if state.unmatched.count > Self.unmatchedBufferLimit { state.unmatched.removeFirst() }
            return nil
        }
        waiter?.resume(returning: text)
    }

    func didReceive(binary: [UInt8]) {
        binarySink.yield(binary)
    }

    func didClose(code: UInt16, reason: String) {
        let (slots, unmatchedWaiters, closeWaiters) = state.withLock { state in
            state.phase = .closed(code: code, reason: reason)
            let taken = (state.slots, state.unmatchedWaiters, state.closeWaiters)
            state.unmatchedWaiters = []
            state.closeWaiters = []
            // Slots nobody awaits yet keep the failure for their awaiter.
            for (requestID, slot) in state.slots where slot.continuation == nil && slot.result == nil {
                state.slots[requestID]?.result = .failure(PurrClientError.closed(code: code, reason: reason))
            }
            state.slots = state.slots.filter { $0.value.continuation == nil }
            return taken
        }
        let error = PurrClientError.closed(code: code, reason: reason)
        for (_, slot) in slots {
            guard let continuation = slot.continuation else { continue }
            slot.timer?.cancel()
            continuation.resume(throwing: error)
        }
        for waiter in unmatchedWaiters { waiter.continuation.resume(throwing: error) }
        for waiter in closeWaiters { waiter.continuation.resume(returning: (code, reason)) }
        notificationSink.finish()
        binarySink.finish()
    }
}
