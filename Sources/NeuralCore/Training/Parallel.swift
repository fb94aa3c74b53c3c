import Dispatch

/// Fork-join helpers for the trainer's coarse parallel regions (a few per step).
///
/// Every region runs `body(k)` for `k` in `0..<count` on separate threads and returns when all
/// are done; each `k` writes only memory that no other `k` touches, so results do not depend on
/// scheduling and training stays reproducible for a given thread count.
enum Parallel {
    static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            // The closure captures raw pointers (not Sendable); the disjoint-writes rule above is
            // what makes sharing them safe.
            nonisolated(unsafe) let run = body
            DispatchQueue.concurrentPerform(iterations: count) { run($0) }
        }
    }

    /// Splits `0..<total` into `parts` contiguous ranges (multiples of 16 elements, for alignment)
    /// and runs `body` on each concurrently.
    static func forRanges(_ total: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        let parts = Swift.max(1, Swift.min(parts, total / 4096))
        let chunk = (total / parts + 15) / 16 * 16
        forEach(parts) { k in
            let start = Swift.min(total, k * chunk)
            let end = k == parts - 1 ? total : Swift.min(total, start + chunk)
            body(start..<end)
        }
    }
}
