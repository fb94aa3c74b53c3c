/// Per-connection token bucket, plus the abuse rule: a client that keeps sending while
/// limited is closed rather than answered forever.
///
/// Pure: time comes in as `now` (seconds on any monotonic clock), so tests use a fake clock.
struct RateLimiter: Sendable {
    enum Decision: Equatable, Sendable {
        case allow
        /// The bucket is empty: deliver the message flagged so the delegate answers "rate limited".
        case limited
        /// Too many limited messages inside the abuse window: close the connection.
        case abuse
    }

    let refillPerSecond: Double
    let capacity: Double
    let abuseThreshold: Int
    let abuseWindow: Double
    private(set) var tokens: Double
    private var lastRefill: Double
    /// Times of recent limited messages, oldest first, at most `abuseThreshold` kept.
    private var limitedTimes: [Double] = []

    init(limits: TransportLimits, now: Double) {
        refillPerSecond = max(0, limits.requestsPerSecond)
        capacity = max(1, limits.burst)
        abuseThreshold = max(1, limits.abuseThreshold)
        abuseWindow = max(0, limits.abuseWindowSeconds)
        tokens = capacity
        lastRefill = now
    }

    mutating func admit(now: Double) -> Decision {
        if now > lastRefill {
            tokens = min(capacity, tokens + (now - lastRefill) * refillPerSecond)
            lastRefill = now
        }
        if tokens >= 1 {
            tokens -= 1
            return .allow
        }
        let horizon = now - abuseWindow
        if let firstRecent = limitedTimes.firstIndex(where: { $0 > horizon }) {
            limitedTimes.removeFirst(firstRecent)
        } else {
            limitedTimes.removeAll(keepingCapacity: true)
        }
        limitedTimes.append(now)
        return limitedTimes.count >= abuseThreshold ? .abuse : .limited
    }
}
