import Atomics
import LBConfig
import LBCore

/// One backend's servers with their live state, and its balancer.
final class BackendRuntime: Sendable {
    let plan: BackendPlan
    let index: Int
    let servers: [ServerRuntime]
    /// One balancer for the whole backend, as in HAProxy: a rotation is global across event loops. It
    /// picks from an immutable snapshot of the servers' states, republished at each change (see
    /// `BackendRuntime+ServerState`), and takes no lock.
    let balancer: any Balancer
    /// Per-request status classes and latency histograms, for the stats.
    let metrics = RequestMetrics()
    /// Responses refused by `http-response deny`.
    let deniedResponses = ManagedAtomic<Int>(0)
    /// Requests waiting for a slot when every usable server is at its `maxconn`.
    let queue = BackendQueue()
    /// Cookie persistence, when the backend has `cookie NAME ...`.
    let cookies: CookiePersistence?
    /// The backend's own `stick-table`, when it declares one.
    let stickTable: StickTableLock?
    /// What a failed connection does next (shared by HTTP and TCP sessions).
    let retryPolicy: RetryPolicy
    /// The timeouts and retry rules every exchange with this backend reads, shared.
    let exchangePolicy: ExchangePolicy

    init(plan: BackendPlan, index: Int, servers: [ServerRuntime]) {
        self.plan = plan
        self.index = index
        self.servers = servers
        self.balancer = BalancerFactory.make(for: plan)
        self.cookies = plan.cookie.map { CookiePersistence(settings: $0, serverValues: plan.servers.map(\.cookie)) }
        self.stickTable = plan.stickTable.map { StickTableLock(StickTableStore($0)) }
        self.retryPolicy = RetryPolicy(plan)
        self.exchangePolicy = ExchangePolicy(timeouts: plan.timeouts, retryPolicy: retryPolicy, retryOn: plan.retryOn)
        // Servers declared `disabled` start in maintenance: the first snapshot already leaves them out.
        publishServerStates()
    }

    /// How a failed attempt on `server` goes on, and the counters that go with it: the failure counts a
    /// retry on the server, and a redispatch too when it moves away.
    func retryDecision(afterFailureOn server: Int, retriesDone: Int, persistent: Bool, timedOut: Bool,
                       afterConnect: Bool = false) -> RetryPolicy.Decision {
        let failure = RetryPolicy.Failure(
            retriesDone: retriesDone, serverRunning: servers[server].isRunning, persistent: persistent,
            runningServers: servers.reduce(0) { $0 + ($1.isRunning ? 1 : 0) }, timedOut: timedOut,
            afterConnect: afterConnect)
        let decision = retryPolicy.decide(failure)
        switch decision {
        case .giveUp:
            break
        case .retrySameServer:
            servers[server].retries.wrappingIncrement(ordering: .relaxed)
        case .redispatch:
            servers[server].retries.wrappingIncrement(ordering: .relaxed)
            servers[server].redispatches.wrappingIncrement(ordering: .relaxed)
        }
        return decision
    }

    /// A retry of the same server is due: true (and the redispatch counted) when it must go elsewhere
    /// because the server stopped running meanwhile.
    func leavesAtRetry(_ server: Int) -> Bool {
        guard retryPolicy.leavesAtRetry(serverRunning: servers[server].isRunning) else { return false }
        servers[server].redispatches.wrappingIncrement(ordering: .relaxed)
        return true
    }

    /// Picks a server (nil when none is usable), optionally leaving one out, from the snapshot the
    /// calling event loop holds in `snapshots`.
    func pickServer(request: HTTPRequestHead?, connection: ConnectionInfo, excluding: Int? = nil,
                    snapshots: SelectionCache) -> Int? {
        let availability = LiveAvailability(servers: servers, excluded: excluding)
        return balancer.pick(snapshots.snapshot(of: self), availability, request: request, connection: connection)
    }

    /// A request that finds no free server may wait: some server is up but full.
    var mayQueue: Bool { servers.contains { $0.isUpButFull } }

    /// Gives a server slot back and lets the oldest queued request try again.
    func releaseSlot(_ server: Int) {
        servers[server].activeConnections.wrappingDecrement(ordering: .relaxed)
        if queue.count > 0 { queue.wakeNext() }
    }

    var usableServerCount: Int { servers.reduce(0) { $0 + ($1.isUsable ? 1 : 0) } }
}
