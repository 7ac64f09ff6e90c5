import NIOCore

/// The one timer of a session. Activity only moves the deadline forward; the scheduled task, when it
/// fires early, re-arms itself for the remaining time. So a busy connection schedules rarely.
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
    }

    private(set) var kind: Kind?
    private(set) var deadline: NIODeadline?
    private var interval: TimeAmount = .zero
    private var scheduled: Scheduled<Void>?
    private var scheduledFor: NIODeadline?

    /// Sets the deadline; the caller schedules when `needsSchedule` says so.
    mutating func set(_ kind: Kind, milliseconds: Int) -> NIODeadline? {
        self.kind = kind
        interval = .milliseconds(Int64(milliseconds))
        let deadline = NIODeadline.now() + interval
        self.deadline = deadline
        if let scheduledFor, scheduledFor <= deadline { return nil }
        scheduled?.cancel()
        scheduled = nil
        return deadline
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

    mutating func cancel() {
        kind = nil
        deadline = nil
        scheduled?.cancel()
        scheduled = nil
        scheduledFor = nil
    }

    /// Called when the scheduled task runs: the expired kind, or the deadline to re-arm for.
    mutating func fired() -> (expired: Kind?, rearmAt: NIODeadline?) {
        scheduled = nil
        scheduledFor = nil
        guard let kind, let deadline else { return (nil, nil) }
        if NIODeadline.now() < deadline { return (nil, deadline) }
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
            timer.cancel()
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
    var timerLoop: EventLoop { context.eventLoop }

    func timerExpired(_ kind: SessionTimer.Kind) {
        switch kind {
        case .requestHead:
            respondError(408)
        case .keepAlive:
            context.close(promise: nil)
        case .client, .tunnel:
            abortBoth()
        case .server:
            if exchange?.response == nil {
                respondError(504)
            } else {
                abortBoth()
            }
        }
    }
}
