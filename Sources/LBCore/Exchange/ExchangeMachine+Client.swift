/// Events from the client side: the request's head and body, and the client going away.
extension ExchangeMachine {
    /// A TCP-mode session waits up to `milliseconds` (`tcp-request inspect-delay`) for its first bytes.
    public mutating func inspecting(milliseconds: Int, now: UInt64) {
        deadline.set(.inspect, milliseconds: milliseconds, now: now)
    }

    /// The first bytes were inspected before the delay ran out.
    public mutating func inspectionDone() {
        if deadline.kind == .inspect { deadline.pause() }
    }

    /// A TCP-mode session begins at its accept: its "request" starts and is complete there.
    public mutating func streamAccepted(now: UInt64) {
        state = .routing
        deadline.pause()
        timings.requestStart = now
        timings.headDone = now
    }

    /// The first bytes of a request arrived while the connection waited for one. Requests after the
    /// first get `timeout http-request` from their first byte.
    public mutating func requestStarted(now: UInt64) {
        guard state == .idle else { return }
        state = .readingHead
        timings.requestStart = now
        if requestsServed > 0 { deadline.set(.requestHead, milliseconds: timeouts.requestHead, now: now) }
    }

    /// Client bytes arrived: they keep an upload or a tunnel alive.
    public mutating func clientActivity(now: UInt64) {
        switch state {
        case .tunnel:
            deadline.touch(now: now)
        case .exchanging where progress?.requestBodyComplete == false:
            deadline.touch(now: now)
        default:
            break
        }
    }

    /// The request head is complete: routing starts, and no timeout runs while it does.
    public mutating func headComplete(now: UInt64) {
        state = .routing
        deadline.pause()
        timings.headDone = now
    }

    /// The request head is malformed (400 PR).
    public mutating func headInvalid() -> ExchangeAction {
        close()
        return .answerError(status: 400, .by(.proxy, .request))
    }

    /// A rule refused the request (`deny`, `tarpit`...), or no backend takes it (503): answered by lb.
    public mutating func refused(status: Int) -> ExchangeAction {
        close()
        return .answerError(status: status, .by(.proxy, .request))
    }

    /// `http-request tarpit`: the request is held, nothing more is read or parsed, for `timeout tarpit`
    /// (else `timeout connect`, as HAProxy falls back); then lb answers `status`, and the log says the
    /// tarpit ended it (PT). The delay is the point: an abusive client waits instead of retrying at once.
    public mutating func holdInTarpit(status: Int, now: UInt64) {
        close()
        tarpitStatus = status
        deadline.set(.tarpit, milliseconds: timeouts.tarpit ?? timeouts.connect ?? 0, now: now)
    }

    /// `http-request reject`: the connection closes without an answer; the termination the log shows.
    public mutating func rejected() -> Termination {
        close()
        return .by(.proxy, .request)
    }

    /// A backend takes the request: a server is to be found.
    public mutating func routed(_ route: ExchangeRoute) {
        progress = ExchangeProgress(route: route)
        state = .connecting
    }

    /// Request body bytes went to the server (`started`), up to its end (`complete`).
    public mutating func requestBodyProgress(started: Bool, complete: Bool, now: @autoclosure () -> UInt64) -> ExchangeAction {
        // In place: this runs for every read of a request body.
        guard progress != nil else { return .none }
        if started { progress!.requestBodyStarted = true }
        guard complete, !progress!.requestBodyComplete else { return .none }
        progress!.requestBodyComplete = true
        // The whole request is with the server: from now on it is the server that must answer in time.
        deadline.set(.server, milliseconds: progress!.route.timeouts.server, now: now())
        return progress!.responseStatus != nil && progress!.responseComplete ? .finish : .none
    }

    /// The request body's framing is invalid: 400 if the response has not begun, else a cut (PD).
    public mutating func requestBodyInvalid() -> ExchangeAction {
        let answered = progress?.responseStatus != nil
        close()
        return answered ? .abort(.by(.proxy, .data)) : .answerError(status: 400, .by(.proxy, .data))
    }

    /// The client closed its sending side. Before a request (or in the middle of its head) there is nothing
    /// to answer; in the middle of its body the request cannot be completed; otherwise the response is
    /// still delivered, and the connection closes after it.
    public mutating func clientInputEnded() -> ExchangeAction {
        clientInputClosed = true
        switch state {
        case .idle, .readingHead, .closing:
            close()
            return .close
        case .routing, .queued, .connecting, .exchanging:
            // A stream passes the end on once connected: what the client sent before it still goes.
            if progress?.route.isStream == true { return .forwardClientEnd }
            guard progress?.requestBodyComplete == false else { return .none }
            close()
            return .abort(.by(.clientAbort, .data))
        case .tunnel:
            return .forwardClientEnd
        }
    }

    /// The client connection closed (or was reset): the exchange in flight ends, as HAProxy logs it.
    public mutating func clientClosed() -> ExchangeAction {
        let previous = state
        close()
        switch previous {
        case .readingHead:
            // The client left in the middle of its request head (HAProxy logs these as 400 CR).
            return .clientGone(status: 400, .by(.clientAbort, .request))
        case .queued:
            return .clientGone(status: -1, .by(.clientAbort, .queue))
        case .routing, .connecting, .exchanging:
            if progress?.route.isStream == true { return .clientGone(status: -1, .by(.clientAbort, .connect)) }
            let status = progress?.responseStatus
            return .clientGone(status: status ?? -1, .by(.clientAbort, status == nil ? .headers : .data))
        case .tunnel:
            return .clientGone(status: 101, .normal)
        case .idle, .closing:
            return .close
        }
    }

    /// A read or write on the client connection failed.
    public mutating func clientFailed() -> ExchangeAction {
        let phase = endingPhase
        close()
        return .abort(.by(.clientAbort, phase))
    }

    /// The phase an exchange ended by the client or an operator is in: waiting for the response head, or
    /// past it; for a stream (TCP mode), connecting or past it.
    var endingPhase: Termination.Phase {
        if progress?.route.isStream == true { return timings.connected == 0 ? .connect : .data }
        return progress?.responseStatus == nil ? .headers : .data
    }

    /// The sessions of the server this exchange uses were cut: by an operator (`killed`), or because the
    /// server went down (`serverDown`) or an active one came back while this one is a backup (`serverUp`).
    public mutating func killed(cause: Termination.Cause = .killed) -> ExchangeAction {
        switch state {
        case .queued, .connecting, .exchanging, .tunnel:
            guard progress != nil else { return .none }
            let phase = endingPhase
            close()
            return .abort(.by(cause, phase))
        default:
            return .none
        }
    }
}
