import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fork-join pool for the inference hot loop: `threadCount - 1` worker threads plus the
/// caller, sharing each parallel region's chunks through one atomic counter.
///
/// Why not OpenBLAS's threads or a static split: a decode step makes ~30 small regions (each
/// projection, the attention heads, SwiGLU), and on a shared 2-core machine a thread is often
/// descheduled. With a static split, every region would then wait a whole time slice for the
/// missing thread's half (OpenMP builds of llama2.c drop to a few tokens/s that way). Here the
/// caller takes every chunk nobody else has claimed, so a late worker costs at most the one
/// chunk it holds, and 2 threads are never much slower than 1.
///
/// When the machine is oversubscribed even that is not enough: a worker preempted inside a
/// chunk stalls the region for a whole time slice (milliseconds, against regions of tens of
/// microseconds), and measured 2-thread decoding then fell below 1-thread decoding. So a region
/// whose wait for the other threads exceeds ``stallThreshold`` makes the pool run the next
/// ``soloPeriod`` alone on the calling thread; then it tries the workers again.
///
/// Thread rule: ``run(chunks:_:)`` is called by one owning thread at a time (the session's
/// owner). A worker touches a region's closure only after claiming one of its chunks, and the
/// region ends when every claimed chunk is done, so no worker can see a closure after `run`
/// returns. Idle workers spin briefly (a step's regions are microseconds apart), then yield,
/// then sleep on a condition variable so an idle session costs no CPU.
final class InferenceThreadPool {
    let threadCount: Int
    private let shared: Shared
    private var threads: [pthread_t] = []
    private var generation: UInt64 = 0
    /// Monotonic nanoseconds until which regions run on the calling thread alone.
    private var soloUntil: UInt64 = 0
    /// A wait this long for another thread's chunk means that thread lost its core.
    static let stallThreshold: UInt64 = 200_000
    static let soloPeriod: UInt64 = 100_000_000

    /// State the workers see. `job` is written by the owning thread only before it publishes a
    /// region through `state` (release), and read by a worker only after it claims a chunk of
    /// that region (acquire).
    final class Shared {
        /// `generation << 32 | nextChunk << 16 | chunkCount`: claiming a chunk is one
        /// compare-and-swap, and a worker still holding an old generation can never claim a
        /// chunk of a newer region.
        let state = Atomic<UInt64>(0)
        let done = Atomic<Int>(0)
        let sleepers = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let job: UnsafeMutablePointer<((Int, Int) -> Void)?>
        let mutex: UnsafeMutablePointer<pthread_mutex_t>
        let condition: UnsafeMutablePointer<pthread_cond_t>

        init() {
            job = .allocate(capacity: 1)
            job.initialize(to: nil)
            mutex = .allocate(capacity: 1)
            mutex.initialize(to: pthread_mutex_t())
            pthread_mutex_init(mutex, nil)
            condition = .allocate(capacity: 1)
            condition.initialize(to: pthread_cond_t())
            pthread_cond_init(condition, nil)
        }

        deinit {
            pthread_cond_destroy(condition)
            pthread_mutex_destroy(mutex)
            condition.deallocate()
            mutex.deallocate()
            job.deinitialize(count: 1)
            job.deallocate()
        }

        /// Claims and runs chunks of the region `generation` until none is left.
        @inline(__always)
        func work(generation: UInt64, thread: Int) {
            var word = state.load(ordering: .acquiring)
            while word >> 32 == generation {
                let next = (word >> 16) & 0xFFFF, count = word & 0xFFFF
                if next >= count { return }
                let (exchanged, original) = state.compareExchange(
                    expected: word, desired: word + (1 << 16), ordering: .acquiringAndReleasing)
                if exchanged {
                    runChunk(Int(next), thread: thread)
                    done.add(1, ordering: .releasing)
                    word = state.load(ordering: .acquiring)
                } else {
                    word = original
                }
            }
        }

        /// Separate so a worker's copy of the closure is released before the chunk counts as done.
        @inline(never)
        func runChunk(_ chunk: Int, thread: Int) {
            job.pointee?(chunk, thread)
        }
    }

    /// Starts `threadCount - 1` workers (1 means the caller alone, no threads).
    init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        shared = Shared()
        for index in 1..<self.threadCount {
            let context = Unmanaged.passRetained(WorkerContext(shared: shared, index: index)).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(&thread, nil, { raw in
                guard let raw else { return nil }
                let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
                InferenceThreadPool.workerLoop(context.shared, thread: context.index)
                return nil
            }, context)
            if rc == 0 {
                threads.append(thread)
            } else {
                Unmanaged<WorkerContext>.fromOpaque(context).release()
                break
            }
        }
    }

    deinit {
        shared.stopping.store(true, ordering: .sequentiallyConsistent)
        shared.state.store((generation + 1) << 32, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(shared.mutex)
        pthread_cond_broadcast(shared.condition)
        pthread_mutex_unlock(shared.mutex)
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Threads that actually started (the caller included).
    var activeThreads: Int { threads.count + 1 }

    /// Calls `body(chunk, thread)` once for every chunk in `0..<chunks`, spread over the
    /// threads (`thread` in `0..<activeThreads` names the one running it, for per-thread
    /// scratch), and returns when all have returned. The calling thread is thread 0.
    func run(chunks: Int, _ body: (_ chunk: Int, _ thread: Int) -> Void) {
        if threads.isEmpty || chunks <= 1 || (soloUntil != 0 && Self.now() < soloUntil) {
            for c in 0..<chunks { body(c, 0) }
            return
        }
        soloUntil = 0
        // The chunk counter has 16 bits; a larger region runs as several.
        var first = 0
        while chunks - first > Self.maxChunks {
            let offset = first
            runRegion(chunks: Self.maxChunks) { c, t in body(offset + c, t) }
            first += Self.maxChunks
        }
        let offset = first
        if offset == 0 {
            runRegion(chunks: chunks, body)
        } else {
            runRegion(chunks: chunks - offset) { c, t in body(offset + c, t) }
        }
    }

    private static let maxChunks = 0xFFFF

    private func runRegion(chunks: Int, _ body: (_ chunk: Int, _ thread: Int) -> Void) {
        withoutActuallyEscaping(body) { escapable in
            generation = (generation + 1) & 0xFFFF_FFFF
            let g = generation
            shared.job.pointee = escapable
            shared.done.store(0, ordering: .relaxed)
            shared.state.store(g << 32 | UInt64(chunks), ordering: .sequentiallyConsistent)
            if shared.sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(shared.mutex)
                pthread_cond_broadcast(shared.condition)
                pthread_mutex_unlock(shared.mutex)
            }
            shared.work(generation: g, thread: 0)
            var spins = 0
            var waitStart: UInt64 = 0
            while shared.done.load(ordering: .acquiring) < chunks {
                spins &+= 1
                if spins == 1_000 { waitStart = Self.now() }
                // A worker holding a chunk lost its core; spinning would only delay it.
                if spins > 1_000 { sched_yield() }
            }
            shared.job.pointee = nil
            if waitStart != 0 {
                let end = Self.now()
                if end &- waitStart > Self.stallThreshold { soloUntil = end &+ Self.soloPeriod }
            }
        }
    }

    private final class WorkerContext {
        let shared: Shared
        let index: Int
        init(shared: Shared, index: Int) {
            self.shared = shared
            self.index = index
        }
    }

    private static func workerLoop(_ shared: Shared, thread: Int) {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var current = shared.state.load(ordering: .acquiring) >> 32
            while current == seen {
                spins &+= 1
                if spins > 50_000 {
                    pthread_mutex_lock(shared.mutex)
                    shared.sleepers.add(1, ordering: .sequentiallyConsistent)
                    while shared.state.load(ordering: .sequentiallyConsistent) >> 32 == seen {
                        pthread_cond_wait(shared.condition, shared.mutex)
                    }
                    shared.sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(shared.mutex)
                    spins = 0
                } else if spins > 5_000 {
                    sched_yield()
                }
                current = shared.state.load(ordering: .acquiring) >> 32
            }
            seen = current
            if shared.stopping.load(ordering: .acquiring) { return }
            shared.work(generation: current, thread: thread)
        }
    }

    @inline(__always)
    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    /// The rows of chunk `c` when `count` rows are cut into chunks of `size`.
    @inline(__always)
    static func rows(_ count: Int, chunk c: Int, size: Int) -> Range<Int> {
        c * size ..< min(count, (c + 1) * size)
    }

    /// Chunks needed to cover `count` rows `size` at a time.
    @inline(__always)
    static func chunks(_ count: Int, size: Int) -> Int { (count + size - 1) / size }
}
