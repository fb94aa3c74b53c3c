import Testing
@testable import WebSocketTransport

private func receive(_ state: inout ConnectionState, _ text: String, isBinary: Bool = false, isFinal: Bool = true, now: Double = 0) -> ConnectionState.Action {
    Array(text.utf8).withUnsafeBytes { state.receive($0, isBinary: isBinary, isFinal: isFinal, now: now) }
}

private func smallLimits() -> TransportLimits {
    var limits = TransportLimits()
    limits.maxMessageBytes = 10
    limits.burst = 1
    limits.requestsPerSecond = 0
    limits.abuseThreshold = 2
    return limits
}

@Test func fragmentsAreDeliveredAsOneMessage() {
    var state = ConnectionState(limits: TransportLimits(), now: 0)
    #expect(receive(&state, "hel", isFinal: false) == .none)
    #expect(receive(&state, "lo", isFinal: false) == .none)
    #expect(receive(&state, "!") == .deliver(text: "hello!", rateLimited: false))
}

@Test func aBinaryFrameCloses1003() {
    var state = ConnectionState(limits: TransportLimits(), now: 0)
    #expect(receive(&state, "x", isBinary: true) == .close(code: 1003, reason: "binary frames not supported"))
}

@Test func binaryFramesAreDeliveredWhenAllowedWithTheirOwnCap() {
    var limits = TransportLimits()
    limits.maxMessageBytes = 4
    limits.maxBinaryMessageBytes = 8
    var state = ConnectionState(limits: limits, now: 0)
    #expect(receive(&state, "abcd", isBinary: true, isFinal: false) == .none)
    #expect(receive(&state, "efg", isBinary: true) == .deliverBinary(bytes: Array("abcdefg".utf8), rateLimited: false))
    #expect(receive(&state, "12345", isBinary: false) == .close(code: 1009, reason: "message too big"))
    var other = ConnectionState(limits: limits, now: 0)
    #expect(receive(&other, "123456789", isBinary: true) == .close(code: 1009, reason: "message too big"))
}

@Test func fragmentsSummingPastTheLimitClose1009() {
    var state = ConnectionState(limits: smallLimits(), now: 0)
    #expect(receive(&state, "123456", isFinal: false) == .none)
    #expect(receive(&state, "78901", isFinal: true) == .close(code: 1009, reason: "message too big"))
}

@Test func invalidUTF8Closes1007() {
    var state = ConnectionState(limits: TransportLimits(), now: 0)
    let action = [UInt8]([0xff, 0xfe]).withUnsafeBytes { state.receive($0, isBinary: false, isFinal: true, now: 0) }
    #expect(action == .close(code: 1007, reason: "invalid UTF-8"))
}

@Test func anEmptyBucketFlagsTheMessageThenAbuseCloses1008() {
    var state = ConnectionState(limits: smallLimits(), now: 0)
    #expect(receive(&state, "a") == .deliver(text: "a", rateLimited: false))
    #expect(receive(&state, "b") == .deliver(text: "b", rateLimited: true))
    #expect(receive(&state, "c") == .close(code: 1008, reason: "rate limit abuse"))
}
