import LBCore
import NIOCore

/// What the HTTP and TCP sessions share in carrying out the retries their `ExchangeMachine` decides:
/// counting them on the failed server, and starting the next attempt on the session's loop, guarded by
/// the attempt number so that a retry whose exchange moved on does nothing.
protocol RetryScheduling: AnyObject {
    var machine: ExchangeMachine { get set }
    var retryLoop: EventLoop { get }
    /// The backend and server of the attempt in progress (or that just failed).
    var attemptServer: (backend: BackendRuntime, index: Int)? { get }
    /// Opens a new connection to the same server.
    func reconnect()
    /// Gives up `server`'s slot and lets the balancer pick another server.
    func redispatch(from server: Int)
}

extension RetryScheduling {
    /// What the checks say of the server in use, for the retry policy.
    func serverState() -> RetryPolicy.ServerState {
        guard let (backend, index) = attemptServer else { return RetryPolicy.ServerState(running: false, runningServers: 0) }
        let servers = backend.servers
        return RetryPolicy.ServerState(running: servers[index].isRunning,
                                       runningServers: servers.reduce(0) { $0 + ($1.isRunning ? 1 : 0) })
    }

    /// Counts a retry (and a redispatch) on the server that failed.
    func countRetry(countsRetry: Bool = true, redispatch: Bool) {
        guard let (backend, index) = attemptServer else { return }
        if countsRetry { backend.servers[index].retries.wrappingIncrement(ordering: .relaxed) }
        if redispatch { backend.servers[index].redispatches.wrappingIncrement(ordering: .relaxed) }
    }

    /// Retries the same server after `pause` milliseconds (on the next turn of the loop for 0), unless the
    /// checks take it out meanwhile.
    func retrySameServer(after pause: Int) {
        let attempt = machine.attempt
        let retry = { [weak self] in
            guard let self, self.machine.state == .connecting, self.machine.attempt == attempt,
                  let (backend, index) = self.attemptServer else { return }
            switch self.machine.retryDue(serverRunning: backend.servers[index].isRunning) {
            case .redispatch:
                backend.servers[index].redispatches.wrappingIncrement(ordering: .relaxed)
                self.redispatch(from: index)
            default:
                self.reconnect()
            }
        }
        if pause == 0 {
            retryLoop.assumeIsolated().execute(retry)
        } else {
            retryLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(pause)), retry)
        }
    }

    /// Picks another server on the next turn of the loop (the failed attempt's events drain first).
    func redispatchSoon() {
        let attempt = machine.attempt
        retryLoop.assumeIsolated().execute { [weak self] in
            guard let self, self.machine.state == .connecting, self.machine.attempt == attempt,
                  let (_, index) = self.attemptServer else { return }
            self.redispatch(from: index)
        }
    }
}
