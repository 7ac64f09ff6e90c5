/// Events of the server side: finding a server, connecting to it, and its answer.
extension ExchangeMachine {
    /// No server can take the request and none is merely full: 503 (SC), as HAProxy answers.
    public mutating func noServer() -> ExchangeAction {
        close()
        return .answerError(status: 503, .by(.serverAbort, .connect))
    }

    /// Every usable server is full: the request waits in the backend's queue, at `position`, under
    /// `timeout queue` (else `timeout connect`).
    public mutating func queued(position: Int, now: UInt64) {
        guard var progress else { return }
        if state != .queued { progress.queuePosition = position }
        progress.inQueue = true
        self.progress = progress
        state = .queued
        deadline.set(.queue, milliseconds: progress.route.timeouts.queueOrConnect, now: now)
    }

    /// The request gave up its queue place: a slot may be free and it tries again, or it ended.
    public mutating func leftQueue() {
        progress?.inQueue = false
        guard state == .queued else { return }
        state = .connecting
        deadline.pause()
    }

    /// A server was chosen, by persistence (`persistent`) or by the balancer.
    public mutating func serverChosen(now: UInt64, persistent: Bool) {
        if timings.serverChosen == 0 { timings.serverChosen = now }
        guard var progress else { return }
        progress.persistent = persistent && !progress.redispatched
        self.progress = progress
    }

    /// The request leaves the server persistence chose (its `maxqueue` is reached): counted as a
    /// redispatch, as in HAProxy.
    public mutating func persistenceBroken() {
        progress?.redispatched = true
    }

    /// A connect to the chosen server begins, under `timeout connect`; returns the attempt's number.
    public mutating func connectStarted(now: UInt64) -> Int {
        attempt += 1
        state = .connecting
        if let progress { deadline.set(.connect, milliseconds: progress.route.timeouts.connectOrDefault, now: now) }
        return attempt
    }

    /// An idle pooled connection is handed over instead of a connect; returns the attempt's number.
    public mutating func reuseStarted() -> Int {
        attempt += 1
        return attempt
    }

    /// The connection to the server is ready (`reused`: it came from the idle pool). The request goes out;
    /// the client must then send its body in time, or, with the whole request sent, the server answer.
    public mutating func connected(now: UInt64, reused: Bool) {
        // In place, as every request passes here: a copy of the progress is a copy of its route.
        guard progress != nil else { return }
        progress!.reusedConnection = reused
        state = .exchanging
        timings.connected = now
        if progress!.requestBodyComplete {
            deadline.set(.server, milliseconds: progress!.route.timeouts.server, now: now)
        } else {
            deadline.set(.client, milliseconds: timeouts.client, now: now)
        }
    }

    /// A TCP-mode session's server connection is ready: bytes flow both ways under `timeout tunnel`
    /// (else the larger of client and server).
    public mutating func streamConnected(now: UInt64) {
        guard let progress else { return }
        state = .tunnel
        timings.connected = now
        deadline.set(.tunnel, milliseconds: timeouts.tunnelIdle ?? progress.route.timeouts.tunnelIdle, now: now)
    }

    /// The connect failed (refused, reset, unreachable, or it timed out): retry as the backend's policy
    /// says, or give up with 503.
    public mutating func connectFailed(timedOut: Bool, server: RetryPolicy.ServerState) -> ExchangeAction {
        deadline.pause()
        guard let progress, progress.route.retryOn.connectionFailure,
              let step = retry(timedOut: timedOut, afterConnect: false, server: server) else {
            close()
            return .answerError(status: 503, .by(timedOut ? .serverTimeout : .serverAbort, .connect))
        }
        return step
    }

    /// A retry of the same server is due after its pause: go elsewhere instead when the checks took the
    /// server out meanwhile and redispatch is allowed.
    public mutating func retryDue(serverRunning: Bool) -> ExchangeAction {
        guard let progress else { return .none }
        if progress.route.retryPolicy.leavesAtRetry(serverRunning: serverRunning) {
            self.progress?.redispatched = true
            return .redispatch(countsRetry: false)
        }
        return .reconnect
    }

    /// Bytes came from the server.
    public mutating func serverActivity(now: UInt64) {
        if state == .tunnel {
            deadline.touch(now: now)
            return
        }
        // In place: this runs for every read of a response.
        guard progress != nil else { return }
        progress!.receivedResponseBytes = true
        if progress!.requestBodyComplete { deadline.touch(now: now) }
    }

    /// The server's answer is not a valid response head: retried with `retry-on junk-response`, else 502.
    public mutating func responseHeadInvalid(server: RetryPolicy.ServerState) -> ExchangeAction {
        if let step = retryAfterConnect(progress?.route.retryOn.junkResponse == true, server: server) { return step }
        close()
        return .answerError(status: 502, .by(.proxy, .headers))
    }

    /// A response head arrived with `status`. For a final one, decides whether the client connection
    /// stays (`ExchangeProgress.keepClient`) and whether the server's goes back to the pool.
    public mutating func responseHead(status: Int, serverKeepsAlive: Bool, untilClose: Bool, now: UInt64,
                                      server: @autoclosure () -> RetryPolicy.ServerState) -> ResponseHeadStep {
        // In place, as every response passes here (see `connected`).
        guard progress != nil else { return .relay }
        let route = progress!.route
        if status == 101 && route.wantsUpgrade {
            progress!.responseStatus = 101
            timings.responseHead = now
            state = .tunnel
            deadline.set(.tunnel, milliseconds: timeouts.tunnelIdle ?? route.timeouts.tunnelIdle, now: now)
            return .switchProtocols
        }
        if status < 200 { return .interim }
        if route.retryOn.statuses.contains(status), let step = retryAfterConnect(true, server: server()) {
            return .retry(step)
        }
        let keepClient = !route.clientWantsClose && route.mode != .close && !untilClose && !draining
            && !clientInputClosed && !route.wantsUpgrade
        progress!.responseStatus = status
        progress!.responseUntilClose = untilClose
        progress!.keepClient = keepClient
        progress!.reuseServer = route.mode == .keepAlive && serverKeepsAlive && !untilClose && !route.wantsUpgrade
        timings.responseHead = now
        return .relay
    }

    /// An `http-response` rule refused the response: the client gets lb's error page instead (PH).
    public mutating func responseDenied(status: Int) -> ExchangeAction {
        close()
        return .answerError(status: status, .by(.proxy, .headers))
    }

    /// Response body bytes went to the client, up to its end (`complete`); `overran`: the server sent more
    /// than the response.
    public mutating func responseBodyProgress(complete: Bool, overran: Bool) -> ExchangeAction {
        // In place: this runs for every read of a response body.
        guard progress != nil else { return .none }
        if overran { progress!.serverOverran = true }
        guard complete else { return .none }
        progress!.responseComplete = true
        // A client that will be closed need not finish sending its body first.
        return progress!.requestBodyComplete || !progress!.keepClient ? .finish : .none
    }

    /// The response body's framing is invalid. While the head has not left (`headSent` false) the client
    /// can still be told (502); after that, cutting the connection is all that is left.
    public mutating func responseBodyInvalid(headSent: Bool) -> ExchangeAction {
        close()
        return headSent ? .abort(.by(.proxy, .data)) : .answerError(status: 502, .by(.proxy, .data))
    }

    /// The server closed its sending side.
    public mutating func serverInputEnded(server: RetryPolicy.ServerState) -> ExchangeAction {
        state == .tunnel ? .forwardServerEnd : serverEnded(server: server)
    }

    /// The server connection closed.
    public mutating func serverClosed(server: RetryPolicy.ServerState) -> ExchangeAction {
        guard state == .tunnel else { return serverEnded(server: server) }
        close()
        return .endTunnel
    }

    /// The server closed during an exchange: a pooled connection closed under the request is replaced,
    /// an empty answer may be retried (`retry-on empty-response`), a response without length ends here,
    /// and anything else is a failure.
    private mutating func serverEnded(server: RetryPolicy.ServerState) -> ExchangeAction {
        guard var progress else { return .none }
        if progress.responseStatus == nil {
            if progress.reusedConnection && !progress.receivedResponseBytes && !progress.requestBodyStarted {
                // A pooled connection the server had already closed: the same server, on a fresh connection.
                progress.reusedConnection = false
                self.progress = progress
                state = .connecting
                return .reconnect
            }
            if !progress.receivedResponseBytes,
               let step = retryAfterConnect(progress.route.retryOn.emptyResponse, server: server) { return step }
            close()
            return .answerError(status: 502, .by(.serverAbort, .headers))
        }
        if progress.responseUntilClose {
            progress.keepClient = false
            self.progress = progress
            return .finish
        }
        if progress.responseComplete {
            progress.reuseServer = false
            self.progress = progress
            if progress.requestBodyComplete { return .finish }
        }
        // A truncated response: the client already has the head, so only a close can tell it.
        close()
        return .abort(.by(.serverAbort, .data))
    }
}
