import Testing
@testable import WebSocketTransport

private func admit(_ limiter: inout RateLimiter, _ now: Double) -> RateLimiter.Decision {
    limiter.admit(now: now)
}

private func limits(rate: Double, burst: Double, abuse: Int = 200, window: Double = 10) -> TransportLimits {
    var limits = TransportLimits()
    limits.requestsPerSecond = rate
    limits.burst = burst
    limits.abuseThreshold = abuse
    limits.abuseWindowSeconds = window
    return limits
}

@Test func aFullBucketAllowsExactlyTheBurst() {
    var limiter = RateLimiter(limits: limits(rate: 1, burst: 5), now: 100)
    let decisions = (0..<6).map { _ in limiter.admit(now: 100) }
    #expect(decisions == Array(repeating: .allow, count: 5) + [.limited])
}

@Test func theBucketRefillsAtTheConfiguredRate() {
    var limiter = RateLimiter(limits: limits(rate: 10, burst: 2), now: 0)
    #expect(admit(&limiter, 0) == .allow)
    #expect(admit(&limiter, 0) == .allow)
    #expect(admit(&limiter, 0.05) == .limited)
    // 0.1 s at 10/s is one more token.
    #expect(admit(&limiter, 0.15) == .allow)
    #expect(admit(&limiter, 0.15) == .limited)
}

@Test func refillNeverExceedsTheBucketSize() {
    var limiter = RateLimiter(limits: limits(rate: 100, burst: 3), now: 0)
    let decisions = (0..<4).map { _ in limiter.admit(now: 1_000) }
    #expect(decisions == [.allow, .allow, .allow, .limited])
}

@Test func persistentFloodingWithinTheWindowIsAbuse() {
    var limiter = RateLimiter(limits: limits(rate: 0, burst: 1, abuse: 3, window: 10), now: 0)
    #expect(admit(&limiter, 0) == .allow)
    #expect(admit(&limiter, 1) == .limited)
    #expect(admit(&limiter, 2) == .limited)
    #expect(admit(&limiter, 3) == .abuse)
}

@Test func limitedMessagesOutsideTheWindowAreForgotten() {
    var limiter = RateLimiter(limits: limits(rate: 0, burst: 1, abuse: 3, window: 10), now: 0)
    _ = limiter.admit(now: 0)
    #expect(admit(&limiter, 1) == .limited)
    #expect(admit(&limiter, 2) == .limited)
    // The first two fall out of the 10 s window, so this is only the first of a new run.
    #expect(admit(&limiter, 20) == .limited)
    #expect(admit(&limiter, 21) == .limited)
    #expect(admit(&limiter, 22) == .abuse)
}
