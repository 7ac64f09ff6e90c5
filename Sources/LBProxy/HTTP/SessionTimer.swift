import LBCore
import NIOCore

/// The one timer of a session, built so that the per-request path never cancels or reschedules a task.
///
/// Setting a deadline only records it. The event-loop task is scheduled at most `cap` ahead, where `cap`
/// is the smallest timeout in the configuration: every later deadline (now + some timeout ≥ cap) therefore
/// falls at or after the pending task, which on firing either handles the expiry or re-arms itself for
/// what is left. A busy connection costs one wake-up per `cap` at most.
struct SessionTimer {
    enum Kind {
        /// `timeout http-request`: the whole head must arrive in time (408).
        case requestHead
        /// `timeout http-keep-alive`: idle time between requests (silent close).
        case keepAlive
        /// `timeout client`: the client stopped sending its body.
        case client
        /// `timeout server`: the server stopped answering (504 before the head).
        case server
        /// `timeout tunnel`: no traffic either way after a protocol switch.
        case tunnel
        /// `timeout queue`: waiting for a server slot (503 sQ).
        case queue
    }

    private(set) var kind: Kind?
    private(set) var deadline: NIODeadline?
    private var interval: TimeAmount = .zero
    private var scheduled: Scheduled<Void>?
    private var scheduledFor: NIODeadline?
    let cap: TimeAmount

    init(cap: TimeAmount) { self.cap = cap }

    /// Records the deadline; returns when to schedule the task if one must be (re)scheduled.
    mutating func set(_ kind: Kind, milliseconds: Int) -> NIODeadline? {
        self.kind = kind
        interval = .milliseconds(Int64(milliseconds))
        let now = NIODeadline.now()
        let deadline = now + interval
        self.deadline = deadline
        if let scheduledFor, scheduledFor <= deadline { return nil }
        scheduled?.cancel()
        scheduled = nil
        return min(deadline, now + cap)
    }

    mutating func installed(_ task: Scheduled<Void>, at deadline: NIODeadline) {
        scheduled = task
        scheduledFor = deadline
    }

    /// Activity: push the deadline of an inactivity timer forward.
    mutating func touch() {
        guard let kind, kind != .requestHead, deadline != nil else { return }
        deadline = NIODeadline.now() + interval
    }

    /// No deadline for now; the pending task (if any) will find nothing to do and lapse.
    mutating func pause() {
        kind = nil
        deadline = nil
    }

    /// Stops for good (the connection is closing).
    mutating func cancel() {
        pause()
        scheduled?.cancel()
        scheduled = nil
        scheduledFor = nil
    }

    /// Called when the task runs: the expired kind, or when to run again.
    mutating func fired() -> (expired: Kind?, rearmAt: NIODeadline?) {
        scheduled = nil
        scheduledFor = nil
        guard let kind, let deadline else { return (nil, nil) }
        let now = NIODeadline.now()
        if now < deadline { return (nil, min(deadline, now + cap)) }
        self.kind = nil
        self.deadline = nil
        return (kind, nil)
    }
}

/// A connection handler driven by one `SessionTimer`.
protocol TimedSession: AnyObject {
    var timer: SessionTimer { get set }
    var timerLoop: EventLoop { get }
    /// The timer ran out for `kind`.
    func timerExpired(_ kind: SessionTimer.Kind)
}

extension TimedSession {
    /// Starts (or replaces) the session timer; nil milliseconds means no limit.
    func arm(_ kind: SessionTimer.Kind, _ milliseconds: Int?) {
        guard let milliseconds else {
            timer.pause()
            return
        }
        if let deadline = timer.set(kind, milliseconds: milliseconds) { schedule(at: deadline) }
    }

    private func schedule(at deadline: NIODeadline) {
        let task = timerLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self else { return }
            self.timerFired()
        }
        timer.installed(task, at: deadline)
    }

    private func timerFired() {
        let (expired, rearm) = timer.fired()
        if let rearm {
            schedule(at: rearm)
        } else if let expired {
            timerExpired(expired)
        }
    }
}

extension HTTPSession: TimedSession {
    var timerLoop: EventLoop { loop.eventLoop }

    func timerExpired(_ kind: SessionTimer.Kind) {
        switch kind {
        case .requestHead:
            respondError(408, .by(.clientTimeout, .request))
        case .keepAlive:
            context.close(promise: nil)
        case .queue:
            leaveQueue()
            respondError(503, .by(.serverTimeout, .queue))
        case .client:
            abortBoth(.by(.clientTimeout, .data))
        case .tunnel:
            abortBoth(.by(.clientTimeout, .data))
        case .server:
            if let current = exchange, current.response == nil {
                if !current.receivedResponseBytes, retryFailedResponse({ $0.responseTimeout }) { return }
                respondError(504, .by(.serverTimeout, .headers))
            } else {
                abortBoth(.by(.serverTimeout, .data))
            }
        }
    }
}
