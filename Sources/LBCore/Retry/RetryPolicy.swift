import LBConfig

/// What happens after a connection to a server failed (or, with `retry-on`, after its answer did): give
/// up, try the same server again, or go to another one (`option redispatch`). One policy for HTTP and TCP,
/// following HAProxy's rules:
/// - `retries N` bounds the attempts after the first; each retry, a redispatch included, uses one.
/// - A redispatch needs `option redispatch`. It happens on the retries its interval names (-1, the
///   default, is the last one; N > 0 every Nth), and at once, whatever the interval, when the server is
///   no longer running (DOWN or in maintenance): retrying a server the checks took out only adds latency.
///   After a failed connect, a request that no persistence binds to a server also leaves at once when
///   the backend rotates (roundrobin, static-rr, random) over more than one running server, since any of
///   them will do. A failed answer (`retry-on`) keeps its server unless one of the other rules applies.
/// - Retrying the same server waits min(`timeout connect`, 1 s) after a refusal, which comes back fast
///   and would come back again; after a connect timeout the time is already spent, so it goes at once.
public struct RetryPolicy: Sendable, Hashable {
    /// `retries`.
    public var retries: Int
    /// `option redispatch [N]`: nil or 0 never; -1 (and other negatives) counted back from the last retry;
    /// N > 0 every Nth retry.
    public var redispatchInterval: Int?
    /// The pause before retrying the same server after a refusal, in milliseconds.
    public var pauseMilliseconds: Int
    /// The balancer hands requests round in turn (any running server is as good as another).
    public var rotates: Bool

    public init(retries: Int, redispatchInterval: Int?, pauseMilliseconds: Int, rotates: Bool) {
        self.retries = retries
        self.redispatchInterval = redispatchInterval
        self.pauseMilliseconds = pauseMilliseconds
        self.rotates = rotates
    }

    /// The policy a backend's configuration describes.
    public init(_ backend: BackendPlan) {
        let rotates: Bool
        switch backend.balance {
        case .roundRobin, .staticRoundRobin, .random: rotates = true
        default: rotates = false
        }
        self.init(retries: backend.retries, redispatchInterval: backend.redispatchInterval,
                  pauseMilliseconds: min(backend.timeouts.connect ?? 1000, 1000), rotates: rotates)
    }

    /// What one failed attempt was.
    public struct Failure: Sendable, Hashable {
        /// Retries already used before this failure.
        public var retriesDone: Int
        /// The failed server is still up and not in maintenance.
        public var serverRunning: Bool
        /// Persistence (a cookie, a stick table) chose the server rather than the balancer.
        public var persistent: Bool
        /// Running servers in the backend, the failed one included.
        public var runningServers: Int
        /// The connect timed out (rather than being refused or reset).
        public var timedOut: Bool
        /// The connection was made and its answer failed (`retry-on`), rather than the connect.
        public var afterConnect: Bool

        public init(retriesDone: Int, serverRunning: Bool, persistent: Bool, runningServers: Int, timedOut: Bool,
                    afterConnect: Bool = false) {
            self.afterConnect = afterConnect
            self.retriesDone = retriesDone
            self.serverRunning = serverRunning
            self.persistent = persistent
            self.runningServers = runningServers
            self.timedOut = timedOut
        }
    }

    /// What the checks say of the failed server and its backend when a failure is judged.
    public struct ServerState: Sendable, Hashable {
        /// The failed server is still up and not in maintenance.
        public var running: Bool
        /// Running servers in the backend, the failed one included.
        public var runningServers: Int

        public init(running: Bool, runningServers: Int) {
            self.running = running
            self.runningServers = runningServers
        }
    }

    public enum Decision: Sendable, Hashable {
        /// No retry left: the failure is final.
        case giveUp
        /// Try the same server again after this many milliseconds.
        case retrySameServer(afterMilliseconds: Int)
        /// Pick another server now.
        case redispatch
    }

    public var redispatches: Bool { (redispatchInterval ?? 0) != 0 }

    public func decide(_ failure: Failure) -> Decision {
        guard failure.retriesDone < retries else { return .giveUp }
        let retry = failure.retriesDone + 1
        if redispatches {
            if !failure.serverRunning || isRedispatchTurn(retry) { return .redispatch }
            if rotates && !failure.afterConnect && !failure.persistent && failure.runningServers > 1 { return .redispatch }
        }
        return .retrySameServer(afterMilliseconds: failure.timedOut || failure.afterConnect ? 0 : pauseMilliseconds)
    }

    /// A retry of the same server is due: leave it instead when it stopped running in the meantime.
    public func leavesAtRetry(serverRunning: Bool) -> Bool {
        redispatches && !serverRunning
    }

    /// Whether retry number `retry` (1-based) is one the interval sends elsewhere.
    private func isRedispatchTurn(_ retry: Int) -> Bool {
        guard let interval = redispatchInterval, interval != 0 else { return false }
        if interval > 0 { return retry % interval == 0 }
        // Counted back from the last retry: -1 is the last, -2 the one before it, and so on.
        let period = retries + 1 + interval
        return period > 0 && retry % period == 0
    }
}
