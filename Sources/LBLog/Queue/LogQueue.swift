import Atomics

/// What stands between the threads that log and the log writer: one `LogRing` per producing thread
/// (each bounded by `capacityBytes`), the writer's requests (flush, reopen, rotate, stop) and its wake-up.
/// Producers never take the lock to queue a record; only a ring that holds a batch's worth (16 KiB) wakes
/// the writer before its tick.
final class LogQueue: @unchecked Sendable {
    /// The bound of each producing thread's ring: beyond it records are dropped and counted.
    let capacityBytes: Int
    private let lock = LogLock()
    private var rings: [LogRing] = []
    private var wakeRequested = false
    /// Requests to the writer (flush, reopen, stop), checked after each wait.
    private var requests = WriterRequests()
    private let closed = ManagedAtomic<Bool>(false)
    /// Records refused once the queue was closed.
    private let refusedAfterClose = ManagedAtomic<UInt64>(0)

    struct WriterRequests {
        var flushGeneration: UInt64 = 0
        var reopenGeneration: UInt64 = 0
        var rotateGeneration: UInt64 = 0
        var stop = false
    }

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    /// Queued bytes in one ring that wake the writer before its tick: about 60 httplog records. Small
    /// batches keep what the writer reads in cache and spread its work evenly; the wake-up costs the event
    /// loop one system call per batch. In two runs of alternated rounds lb with logging kept 0.95–0.98 of
    /// its requests/s with 16 KiB where 64 KiB kept 0.90–0.91, and waking only at the 10 ms tick kept
    /// 0.86; a third run and the bench itself showed no difference beyond the host's noise, which later
    /// measurements put at about 3% for two instances compared in one run (docs/benchmarks.md).
    static let batchBytes = 16 << 10

    /// A ring for a new producing thread, drained by the writer from now on.
    func makeRing() -> LogRing {
        let ring = LogRing(capacity: capacityBytes)
        lock.withLock { rings.append(ring) }
        return ring
    }

    /// Queues one entry in `ring` (the calling thread's own), or drops and counts it when the ring is full
    /// or the queue closed. Returns whether it was queued.
    @discardableResult
    func push(into ring: LogRing, kind: LogRing.Kind, level: SyslogLevel, logger: Int, microseconds: Int64,
              payload: UnsafeRawBufferPointer) -> Bool {
        // `busy` then `closed`, against `close()`'s `closed` then `busy`: either this producer sees the
        // queue closed, or `close()` waits for it to publish, so no record is queued after the last drain.
        ring.busy.store(true, ordering: .sequentiallyConsistent)
        defer { ring.busy.store(false, ordering: .releasing) }
        guard !closed.load(ordering: .sequentiallyConsistent) else {
            refusedAfterClose.wrappingIncrement(ordering: .relaxed)
            return false
        }
        let (queued, wake) = ring.push(kind: kind, level: UInt8(level.rawValue), logger: UInt16(truncatingIfNeeded: logger),
                                       microseconds: microseconds, payload: payload, wakeAfter: Self.batchBytes)
        if wake { wakeWriter() }
        return queued
    }

    private func wakeWriter() {
        lock.withLock {
            wakeRequested = true
            lock.broadcast()
        }
    }

    /// The writer's side: unless woken since it last looked, waits up to `nanoseconds` (its tick) or until
    /// a ring fills a batch or a request comes; returns the requests and the rings to drain.
    func waitForWork(upTo nanoseconds: UInt64) -> (requests: WriterRequests, rings: [LogRing]) {
        lock.withLock {
            if !wakeRequested && !requests.stop { lock.wait(nanoseconds: nanoseconds) }
            wakeRequested = false
            return (requests, rings)
        }
    }

    func request(_ change: (inout WriterRequests) -> Void) {
        lock.withLock {
            change(&requests)
            lock.broadcast()
        }
    }

    /// Refuses (and counts) every later record; returns once no producer is still publishing one, so a
    /// drain after it sees everything that was queued.
    func close() {
        closed.store(true, ordering: .sequentiallyConsistent)
        for ring in lock.withLock({ rings }) {
            while ring.busy.load(ordering: .sequentiallyConsistent) {}
        }
    }

    var isClosed: Bool { closed.load(ordering: .relaxed) }

    /// How many rings the writer drains (one per thread that logged records, one for events).
    var ringCount: Int { lock.withLock { rings.count } }

    struct Depth: Sendable {
        var messages: Int
        var bytes: Int
        var dropped: UInt64
        var enqueued: UInt64
    }

    var depth: Depth {
        var depth = Depth(messages: 0, bytes: 0, dropped: refusedAfterClose.load(ordering: .relaxed), enqueued: 0)
        for ring in lock.withLock({ rings }) {
            // Delivered first: it never passes accepted, so the difference stays positive.
            let delivered = ring.delivered.load(ordering: .acquiring)
            let accepted = ring.accepted.load(ordering: .acquiring)
            depth.enqueued &+= accepted
            depth.dropped &+= ring.dropped.load(ordering: .relaxed)
            depth.messages += Int(truncatingIfNeeded: accepted &- delivered)
            depth.bytes += ring.pendingBytes
        }
        return depth
    }
}
