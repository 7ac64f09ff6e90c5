import NIOCore

/// The event-loop side of a session's deadline, built so that the per-request path never cancels or
/// reschedules a task.
///
/// A task is scheduled at most `cap` ahead, where `cap` is the smallest timeout in the configuration:
/// every later deadline (now + some timeout ≥ cap) therefore falls at or after the pending task, which on
/// firing either handles the expiry or re-arms itself for what is left. A busy connection costs one
/// wake-up per `cap` at most. The deadline itself (which timeout, until when) is pure bookkeeping kept
/// elsewhere (`ExchangeDeadline`).
///
/// The wake-up is a scheduled callback whose handler is the session itself, so arming it allocates
/// nothing beyond one small box (a scheduled closure costs several allocations and a weak reference, which
/// every idle connection would carry). The loop holds the session until the callback runs or is
/// cancelled; a session cancels it when its connection closes.
struct DeadlineTimer {
    private var scheduled: NIOScheduledCallback?
    private var scheduledFor: UInt64 = 0
    let cap: UInt64

    init(cap: TimeAmount) { self.cap = UInt64(max(1, cap.nanoseconds)) }

    /// When to schedule a task so that `pending` is looked at in time; nil when the task already pending
    /// does (or nothing is pending).
    func wakeUp(for pending: UInt64?) -> UInt64? {
        guard let pending else { return nil }
        if scheduled != nil, scheduledFor <= pending { return nil }
        return min(pending, monotonicNow() &+ cap)
    }

    mutating func installed(_ callback: NIOScheduledCallback, at instant: UInt64) {
        scheduled?.cancel()
        scheduled = callback
        scheduledFor = instant
    }

    /// The task ran.
    mutating func ran() {
        scheduled = nil
    }

    /// Stops for good (the connection is closing).
    mutating func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}

/// A connection handler whose deadline a `DeadlineTimer` watches.
protocol TimedSession: AnyObject, NIOScheduledCallbackHandler {
    var timer: DeadlineTimer { get set }
    var timerLoop: EventLoop { get }
    /// When the running timeout expires, if one runs.
    var pendingDeadline: UInt64? { get }
    /// The timer woke at `now`: handle whatever expired by then.
    func timerFired(now: UInt64)
}

extension TimedSession {
    /// Makes sure the timer wakes up in time for the current deadline. Cheap when it already will.
    func followDeadline() {
        guard let instant = timer.wakeUp(for: pendingDeadline) else { return }
        // Scheduling fails only on a loop that is shutting down, where nothing is left to time out.
        guard let callback = try? timerLoop.assumeIsolated().scheduleCallback(
            at: NIODeadline.uptimeNanoseconds(instant), handler: self) else { return }
        timer.installed(callback, at: instant)
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer.ran()
        timerFired(now: monotonicNow())
        followDeadline()
    }
}
