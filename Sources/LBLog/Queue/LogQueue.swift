/// The bounded queue between the event loops and the log writer, bounded in bytes. `enqueue` never
/// blocks beyond a short critical section (an append to an array); when the bound would be exceeded the
/// message is dropped and counted, which is what `show info` reports as DroppedLogs. The writer takes
/// everything queued at once (`takeAll`), so one lock round trip drains a whole batch.
final class LogQueue: @unchecked Sendable {
    let capacityBytes: Int
    private let lock = LogLock()
    private var pending: [QueuedLogMessage] = []
    private var pendingBytes = 0
    private var droppedCount: UInt64 = 0
    private var enqueuedCount: UInt64 = 0
    private var closed = false
    private var writerWaiting = false
    /// Requests to the writer (flush, reopen, stop), checked after each wait.
    private var requests = WriterRequests()

    struct WriterRequests {
        var flushGeneration: UInt64 = 0
        var reopenGeneration: UInt64 = 0
        var rotateGeneration: UInt64 = 0
        var stop = false
    }

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
        pending.reserveCapacity(1024)
    }

    /// Queues `message`, or drops and counts it when the queue is full or closed. Returns whether it
    /// was queued.
    @discardableResult
    func enqueue(_ message: QueuedLogMessage) -> Bool {
        let cost = message.cost
        return lock.withLock {
            guard !closed, pendingBytes + cost <= capacityBytes else {
                droppedCount &+= 1
                return false
            }
            pending.append(message)
            pendingBytes += cost
            enqueuedCount &+= 1
            // Wake the writer early only once a batch is worth it; otherwise it collects on its next tick.
            // Waking it for every record under load costs two context switches per request.
            if writerWaiting && pendingBytes >= Self.batchBytes && pendingBytes - cost < Self.batchBytes { lock.broadcast() }
            return true
        }
    }

    /// Queued bytes that wake the writer before its tick.
    static let batchBytes = 64 << 10

    /// The writer's side: unless a full batch is already waiting, waits up to `nanoseconds` (its tick)
    /// or until a batch fills or a request comes, then takes everything.
    func takeAll(waitingUpTo nanoseconds: UInt64, into batch: inout [QueuedLogMessage]) -> WriterRequests {
        lock.withLock {
            if pendingBytes < Self.batchBytes && !requests.stop {
                writerWaiting = true
                lock.wait(nanoseconds: nanoseconds)
                writerWaiting = false
            }
            batch.removeAll(keepingCapacity: true)
            swap(&batch, &pending)
            pendingBytes = 0
            return requests
        }
    }

    func request(_ change: (inout WriterRequests) -> Void) {
        lock.withLock {
            change(&requests)
            lock.broadcast()
        }
    }

    /// Refuses (and counts) every later message.
    func close() { lock.withLock { closed = true } }

    /// Counts messages the writer could not deliver anywhere.
    func countDropped(_ count: Int) { lock.withLock { droppedCount &+= UInt64(count) } }

    struct Depth: Sendable {
        var messages: Int
        var bytes: Int
        var dropped: UInt64
        var enqueued: UInt64
    }

    var depth: Depth {
        lock.withLock { Depth(messages: pending.count, bytes: pendingBytes, dropped: droppedCount, enqueued: enqueuedCount) }
    }
}
