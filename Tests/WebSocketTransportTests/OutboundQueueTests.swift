import Testing
@testable import WebSocketTransport

private func enqueue(_ queue: inout OutboundQueue<Int>, _ n: Int) -> OutboundQueue<Int>.EnqueueResult {
    queue.enqueue(n)
}

private func requestClose(_ queue: inout OutboundQueue<Int>, _ code: UInt16, _ reason: String) -> Bool {
    queue.requestClose(code: code, reason: reason)
}

private func drain(_ queue: inout OutboundQueue<Int>) -> [String] {
    var out: [String] = []
    while let next = queue.next() {
        switch next {
        case .write(let n): out.append("\(n)")
        case .close(let code, let reason): out.append("close \(code) \(reason)")
        }
    }
    return out
}

@Test func queuedMessagesFlushBeforeTheClose() {
    var queue = OutboundQueue<Int>(limit: 10)
    #expect(enqueue(&queue, 1) == .queued)
    #expect(enqueue(&queue, 2) == .queued)
    #expect(requestClose(&queue, 1001, "bye"))
    #expect(enqueue(&queue, 3) == .dropped)
    #expect(drain(&queue) == ["1", "2", "close 1001 bye"])
    #expect(!queue.hasWork)
}

@Test func overflowDropsTheBacklogAndCloses1008() {
    var queue = OutboundQueue<Int>(limit: 2)
    #expect(enqueue(&queue, 1) == .queued)
    #expect(enqueue(&queue, 2) == .queued)
    #expect(enqueue(&queue, 3) == .overflowed)
    #expect(drain(&queue) == ["close 1008 outbound queue overflow"])
}

@Test func theFirstCloseRequestWins() {
    var queue = OutboundQueue<Int>(limit: 2)
    #expect(requestClose(&queue, 4000, "first"))
    #expect(!requestClose(&queue, 1001, "second"))
    #expect(drain(&queue) == ["close 4000 first"])
}

@Test func aLongQueueKeepsItsOrder() {
    var queue = OutboundQueue<Int>(limit: 1_000)
    for n in 0..<500 { _ = queue.enqueue(n) }
    var seen: [Int] = []
    for round in 0..<300 {
        if case .write(let n)? = queue.next() { seen.append(n) }
        if round % 3 == 0 { _ = queue.enqueue(500 + round / 3) }
    }
    #expect(seen == Array(0..<300))
    #expect(queue.count == 200 + 100)
}
