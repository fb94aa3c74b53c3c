import CLibWebSockets

/// An `lws_context`. Created by the thread that starts a server or client runtime, then owned
/// by its service thread; any other thread may only pass it to `lws_cancel_service`, and only
/// while the owner says the context is still alive.
package struct LWSContextHandle: @unchecked Sendable {
    package let raw: OpaquePointer
    package init(_ raw: OpaquePointer) { self.raw = raw }
}

/// An lws connection (`struct lws *`). Owned by the service thread of its context: no other
/// thread may use it, not even to compare it with a live connection.
package struct LWSConnectionHandle: Hashable, @unchecked Sendable {
    package let raw: OpaquePointer
    package init(_ raw: OpaquePointer) { self.raw = raw }
}
