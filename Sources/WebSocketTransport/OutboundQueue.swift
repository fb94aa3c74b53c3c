/// Messages waiting for one connection to become writable, and the close that follows them.
///
/// Bounded so a client that stops reading cannot make the server buffer without limit: an
/// overflow drops the backlog and schedules a close instead. Pure; owned under a lock by the
/// thread-safe side of a server or client.
package struct OutboundQueue<Message: Sendable>: Sendable {
    package enum EnqueueResult: Equatable, Sendable {
        case queued
        /// The queue was full: it was dropped and a close was scheduled.
        case overflowed
        /// A close is already scheduled; the message was dropped.
        case dropped
    }

    package enum Next: Sendable {
        case write(Message)
        case close(code: UInt16, reason: String)
    }

    package let limit: Int
    private var messages: [Message] = []
    private var head = 0
    private var pendingClose: (code: UInt16, reason: String)?
    private var closeIssued = false

    package init(limit: Int) { self.limit = max(1, limit) }

    package var count: Int { messages.count - head }
    /// True while `next()` would return something.
    package var hasWork: Bool { count > 0 || (pendingClose != nil && !closeIssued) }
    package var isClosing: Bool { pendingClose != nil }

    package mutating func enqueue(_ message: Message) -> EnqueueResult {
        guard pendingClose == nil else { return .dropped }
        guard count < limit else {
            dropBacklog()
            pendingClose = (1008, "outbound queue overflow")
            return .overflowed
        }
        messages.append(message)
        return .queued
    }

    /// Schedules a close after the messages already queued; the first close requested wins.
    /// Returns false when a close was already scheduled.
    @discardableResult
    package mutating func requestClose(code: UInt16, reason: String) -> Bool {
        guard pendingClose == nil else { return false }
        pendingClose = (code, reason)
        return true
    }

    package mutating func next() -> Next? {
        if head < messages.count {
            let message = messages[head]
            head += 1
            if head == messages.count {
                messages.removeAll(keepingCapacity: messages.capacity <= 64)
                head = 0
            } else if head >= 64 && head * 2 >= messages.count {
                messages.removeFirst(head)
                head = 0
            }
            return .write(message)
        }
        if let close = pendingClose, !closeIssued {
            closeIssued = true
            return .close(code: close.code, reason: close.reason)
        }
        return nil
    }

    private mutating func dropBacklog() {
        messages = []
        head = 0
    }
}
