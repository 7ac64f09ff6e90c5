/// Retries, with the backend's one `RetryPolicy` (the one TCP sessions use too).
extension ExchangeMachine {
    /// Asks the policy what follows a failed attempt and records it: the same server after a pause, or
    /// another one now. Nil when no retry is left.
    mutating func retry(timedOut: Bool, afterConnect: Bool, server: RetryPolicy.ServerState) -> ExchangeAction? {
        guard var progress else { return nil }
        let failure = RetryPolicy.Failure(
            retriesDone: progress.retriesDone, serverRunning: server.running, persistent: progress.persistent,
            runningServers: server.runningServers, timedOut: timedOut, afterConnect: afterConnect)
        let step: ExchangeAction
        switch progress.route.retryPolicy.decide(failure) {
        case .giveUp:
            return nil
        case .retrySameServer(let pause):
            step = .retrySameServer(afterMilliseconds: pause)
        case .redispatch:
            progress.redispatched = true
            step = .redispatch(countsRetry: true)
        }
        progress.retriesDone += 1
        self.progress = progress
        state = .connecting
        deadline.pause()
        return step
    }

    /// `retry-on` for a failure after the connection was made: when the condition is `enabled`, retries
    /// remain and the request can be sent again (its body, if any, is not partly consumed), forgets the
    /// failed answer and retries. Nil otherwise: the failure is reported as usual.
    mutating func retryAfterConnect(_ enabled: Bool, server: RetryPolicy.ServerState) -> ExchangeAction? {
        guard enabled, var progress, progress.retriesDone < progress.route.retryPolicy.retries,
              !progress.requestBodyStarted, progress.requestBodyComplete else { return nil }
        progress.forgetResponse()
        self.progress = progress
        return retry(timedOut: false, afterConnect: true, server: server)
    }
}
