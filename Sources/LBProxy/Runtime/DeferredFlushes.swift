import NIOCore

/// Flushes gathered while a loop handles one batch of readiness events, done once the batch is over.
///
/// A flush is a system call that wakes whoever reads the other end (a server, a client). Flushing each
/// connection as soon as its request or response is ready interleaves those wake-ups with lb's own
/// work, so the reader sleeps and wakes again between them; haproxy sends what a batch of events
/// produced at the end of its loop iteration. NIO runs tasks a loop executes on itself after the
/// events of the current batch, so one such task per batch flushes everything gathered.
///
/// A target asks once per batch (it keeps its own "already asked" mark), so a response that both ends
/// an exchange and ends a read costs one flush.
///
/// A batch can hold hundreds of connections' events (SwiftNIO does not bound it; haproxy takes at most
/// 200). Holding every request until all of them are read leaves the servers idle meanwhile, so once
/// `batchLimit` connections wait they are sent at once, while the rest of the batch is read.
final class DeferredFlushes {
    /// Measured with 1000 keep-alive clients (bench/proxy.sh's setup, lb CPU per request and requests/s
    /// alternated against other limits): 64 did better than no limit (+6% requests/s, -7% CPU per
    /// request), than 128 and than 32, and as well as 16.
    static let batchLimit = 64
    private let eventLoop: EventLoop
    private var pending: [any DeferredFlushTarget] = []
    /// The batch being flushed; the two arrays trade places so that neither is reallocated.
    private var flushing: [any DeferredFlushTarget] = []
    private var scheduled = false
    private var sending = false

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Flushes `target` at the end of the current batch of events.
    func add(_ target: any DeferredFlushTarget) {
        pending.append(target)
        if pending.count >= Self.batchLimit, !sending {
            sendPending()
            return
        }
        guard !scheduled else { return }
        scheduled = true
        eventLoop.assumeIsolatedUnsafeUnchecked().execute {
            self.scheduled = false
            self.sendPending()
        }
    }

    private func sendPending() {
        sending = true
        swap(&pending, &flushing)
        for target in flushing { target.flushDeferred() }
        flushing.removeAll(keepingCapacity: true)
        sending = false
    }
}
