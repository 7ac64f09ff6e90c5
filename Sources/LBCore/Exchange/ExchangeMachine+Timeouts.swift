/// The timer: what each timeout means when it runs out.
extension ExchangeMachine {
    /// The timer woke at `now`: nil when nothing ran out yet, else the timeout that did and what to do.
    /// `server` describes the server in use, read only when a retry is to be judged.
    public mutating func timerFired(now: UInt64, server: @autoclosure () -> RetryPolicy.ServerState)
        -> (expired: TimeoutKind, action: ExchangeAction)? {
        guard let kind = deadline.expired(now: now) else { return nil }
        return (kind, expired(kind, server: server))
    }

    private mutating func expired(_ kind: TimeoutKind, server: () -> RetryPolicy.ServerState) -> ExchangeAction {
        switch kind {
        case .requestHead:
            close()
            return .answerError(status: 408, .by(.clientTimeout, .request))
        case .keepAlive:
            close()
            return .close
        case .queue:
            close()
            return .answerError(status: 503, .by(.serverTimeout, .queue))
        case .connect:
            return connectFailed(timedOut: true, server: server())
        case .client, .tunnel:
            close()
            return .abort(.by(.clientTimeout, .data))
        case .tarpit:
            return .answerError(status: tarpitStatus, .by(.proxy, .tarpit))
        case .inspect:
            return .inspectionOver
        case .server:
            guard let progress, progress.responseStatus == nil else {
                close()
                return .abort(.by(.serverTimeout, .data))
            }
            if !progress.receivedResponseBytes,
               let step = retryAfterConnect(progress.route.retryOn.responseTimeout, server: server()) { return step }
            close()
            return .answerError(status: 504, .by(.serverTimeout, .headers))
        }
    }
}
