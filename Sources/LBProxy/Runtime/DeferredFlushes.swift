import NIOCore

/// Flushes gathered while a loop handles one batch of readiness events, done once the batch is over.
///
/// A flush is a system call that wakes whoever reads the other end (a server, a client). Flushing each
/// connection as soon as its request or response is ready interleaves those wake-ups with lb's own
/// work, so the reader sleeps and wakes again between them; haproxy sends what a batch of events
/// produced at the end of its loop iteration. NIO runs tasks a loop executes on itself after the
/// events of the current batch, so one such task per batch flushes everything gathered.
final class DeferredFlushes {
    private let eventLoop: EventLoop
    private var pending: [ChannelHandlerContext] = []
    private var scheduled = false

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Flushes `context` at the end of the current batch of events.
    func flush(_ context: ChannelHandlerContext) {
        pending.append(context)
        guard !scheduled else { return }
        scheduled = true
        eventLoop.assumeIsolatedUnsafeUnchecked().execute { self.flushAll() }
    }

    private func flushAll() {
        scheduled = false
        let contexts = pending
        pending.removeAll(keepingCapacity: true)
        // A connection closed during the batch has nothing left to send, and its handlers may be gone.
        for context in contexts where context.channel.isActive { context.flush() }
    }
}
