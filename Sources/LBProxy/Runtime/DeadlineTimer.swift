import NIOCore

/// The event-loop side of a session's deadline, built so that the per-request path never cancels or
/// reschedules a task.
///
/// A task is scheduled at most `cap` ahead, where `cap` is the smallest timeout in the configuration:
/// every later deadline (now + some timeout ≥ cap) therefore falls at or after the pending task, which on
/// firing either handles the expiry or re-arms itself for what is left. A busy connection costs one
/// wake-up per `cap` at most. The deadline itself (which timeout, until when) is pure bookkeeping kept
/// elsewhere (`ExchangeDeadline`).
struct DeadlineTimer {
    private var scheduled: Scheduled<Void>?
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

    mutating func installed(_ task: Scheduled<Void>, at instant: UInt64) {
        scheduled?.cancel()
        scheduled = task
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
protocol TimedSession: AnyObject {
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
        let task = timerLoop.assumeIsolated().scheduleTask(deadline: NIODeadline.uptimeNanoseconds(instant)) { [weak self] in
            guard let self else { return }
            self.timer.ran()
            self.timerFired(now: monotonicNow())
            self.followDeadline()
        }
        timer.installed(task, at: instant)
    }
}
