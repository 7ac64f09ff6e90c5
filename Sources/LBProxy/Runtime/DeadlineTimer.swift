import NIOCore

/// The event-loop side of a session's deadline, built so that the per-request path never cancels or
/// re-arms a timer.
///
/// The timer is armed at most `cap` ahead, where `cap` is the smallest timeout in the configuration:
/// every later deadline (now + some timeout ≥ cap) therefore falls at or after the armed one, which on
/// firing either handles the expiry or arms itself again for what is left. A busy connection costs one
/// wake-up per `cap` at most. The deadline itself (which timeout, until when) is pure bookkeeping kept
/// elsewhere (`ExchangeDeadline`).
///
/// The timer is an entry of the loop's `LoopTimers`, which holds the session while it is armed: arming
/// and disarming allocate nothing and cost the same with ten connections or ten thousand.
struct DeadlineTimer {
    /// Where the loop's timer wheel holds the session, if it does.
    var position = TimerWheelPosition.unarmed
    /// When the armed timer fires.
    var firesAt: UInt64 = 0
    let cap: UInt64

    init(cap: TimeAmount) { self.cap = UInt64(max(1, cap.nanoseconds)) }

    /// When to arm the timer so that `pending` is looked at in time; nil when the armed timer already
    /// does (or nothing is pending).
    func wakeUp(for pending: UInt64?) -> UInt64? {
        guard let pending else { return nil }
        if position.isArmed, firesAt <= pending { return nil }
        return min(pending, monotonicNow() &+ cap)
    }
}

/// A connection handler whose deadline a `DeadlineTimer` watches.
protocol TimedSession: TimerWheelEntry {
    var timer: DeadlineTimer { get set }
    var timers: LoopTimers { get }
    /// When the running timeout expires, if one runs.
    var pendingDeadline: UInt64? { get }
    /// The timer woke at `now`: handle whatever expired by then.
    func timerFired(now: UInt64)
}

extension TimedSession {
    var wheelPosition: TimerWheelPosition {
        get { timer.position }
        set { timer.position = newValue }
    }

    /// Makes sure the timer wakes up in time for the current deadline. Cheap when it already will.
    func followDeadline() {
        guard let instant = timer.wakeUp(for: pendingDeadline) else { return }
        timers.disarm(self)
        timer.firesAt = timers.arm(self, at: instant)
    }

    func timerWheelFired(now: UInt64) {
        timerFired(now: now)
        followDeadline()
    }

    /// Stops the timer for good (the connection is closing).
    func cancelTimer() {
        timers.disarm(self)
    }
}
