import Atomics
import LBConfig
import LBCore
import NIOConcurrencyHelpers
import NIOCore

/// One server's live state, shared by every event loop: health, admin state and connection counts are
/// atomics so the data path reads them without locks.
final class ServerRuntime: Sendable {
    let plan: ServerPlan
    let backendName: String
    /// Resolved at start so that no request waits on DNS. nil when the server has no port (use the
    /// client's destination port; resolved per connection from `resolvedHost`).
    let address: SocketAddress?
    let resolvedHost: String
    /// TLS towards the server (`ssl`, `check-ssl`), nil when neither its traffic nor its checks use it.
    let tls: ServerTLSContext?

    /// READY / DRAIN / MAINT as set by an operator (a `disabled` server starts in MAINT).
    let admin: ServerAdminState
    /// Health as decided by checks (true when unchecked).
    let healthy: ManagedAtomic<Bool>
    /// Requests currently being served by this server (for leastconn, random and maxconn).
    let activeConnections = ManagedAtomic<Int>(0)
    /// Requests waiting for this server in particular (persistence named it and it is full), and the most
    /// that ever waited at once: the server's queue in the stats.
    let waiting = ManagedAtomic<Int>(0)
    let waitingMaximum = ManagedAtomic<Int>(0)
    /// Requests or TCP sessions ever sent to this server.
    let totalSessions = ManagedAtomic<Int>(0)
    let connectionErrors = ManagedAtomic<Int>(0)
    let responseErrors = ManagedAtomic<Int>(0)
    let retries = ManagedAtomic<Int>(0)
    let redispatches = ManagedAtomic<Int>(0)
    let bytesIn = ManagedAtomic<Int>(0)
    let bytesOut = ManagedAtomic<Int>(0)
    /// Server connections over every loop: serving a request now, idle in a pool, and the number recent
    /// traffic needs (HAProxy's `used_conn_cur`, `idle_conn_cur`, `need_conn_est`).
    let usedConnections = ManagedAtomic<Int>(0)
    let idleConnections = ManagedAtomic<Int>(0)
    let neededConnections = ManagedAtomic<Int>(0)
    /// Requests sent over an idle connection taken from a pool (`reuse`), and connections opened
    /// (`connect`).
    let connectionReuses = ManagedAtomic<Int>(0)
    let connectionAttempts = ManagedAtomic<Int>(0)
    /// Runtime weight (initially the configured one).
    let weight: ManagedAtomic<Int>
    /// Last health-check outcome, for display ("L4OK", "L7STS"...); a small index into `CheckStatusNames`.
    let lastCheck = ManagedAtomic<Int>(0)
    /// Per-request status classes and latency histograms, for the stats.
    let metrics = RequestMetrics()
    /// Counts traffic errors (`observe`); nil when the server's traffic is not observed or not checked.
    let observer: TrafficObserver?
    /// The last check's and agent check's details, for the stats.
    let checkReport = ServerCheckReport()
    /// The health checks' rise/fall counter: locked, because traffic errors (`observe`), the agent and
    /// operators move it from other threads than the checker's, at once, so that the next request already
    /// finds the server in its new state.
    let health: NIOLockedValueBox<HealthState>

    init(plan: ServerPlan, backendName: String, address: SocketAddress?, resolvedHost: String, tls: ServerTLSContext? = nil) {
        self.plan = plan
        self.tls = tls
        self.backendName = backendName
        self.address = address
        self.resolvedHost = resolvedHost
        self.healthy = ManagedAtomic(true)
        self.admin = ServerAdminState(disabled: plan.disabled)
        self.weight = ManagedAtomic(plan.weight)
        self.health = NIOLockedValueBox(HealthState(rise: plan.rise, fall: plan.fall))
        self.observer = plan.check ? plan.observation.layer.map {
            TrafficObserver(layer: $0, limit: plan.observation.errorLimit)
        } : nil
    }

    /// The TLS context for traffic to this server, nil when its traffic is plain (`ssl` not set).
    var trafficTLS: ServerTLSContext? {
        guard let tls, tls.plan.traffic else { return nil }
        return tls
    }

    /// The SNI for a connection opened for `request` (nil in TCP mode): the `sni` expression's value,
    /// nil when the server has none or its traffic is plain.
    func serverName(request: HTTPRequestHead?, connection: ConnectionInfo) -> String? {
        guard let tls = trafficTLS else { return nil }
        return tls.plan.serverName?.value(request: request, connection: connection)
    }

    /// The PROXY header a new connection for a client opens with (`send-proxy`), nil when the server
    /// is not sent one. It names the client as lb sees it: the socket's addresses, or those of the header
    /// that client's own proxy sent (`accept-proxy`).
    func proxyHeader(for connection: ConnectionInfo) -> [UInt8]? {
        guard let version = plan.sendProxy else { return nil }
        return ProxyProtocolHeader(source: connection.source, sourcePort: connection.sourcePort,
                                   destination: connection.destination, destinationPort: connection.destinationPort)
            .encoded(version)
    }

    /// Takes a connection slot if the server is below its `maxconn` (atomically: two event loops never
    /// both take the last slot). Always succeeds without a limit.
    func tryAcquireSlot() -> Bool {
        guard let limit = plan.maxConnections, limit > 0 else {
            activeConnections.wrappingIncrement(ordering: .relaxed)
            return true
        }
        var current = activeConnections.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = activeConnections.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// True when the server is up but all of its `maxconn` slots are taken (a request may wait for it).
    var isUpButFull: Bool {
        guard admin.mode == .ready, healthy.load(ordering: .relaxed), let limit = plan.maxConnections, limit > 0 else { return false }
        return activeConnections.load(ordering: .relaxed) >= limit
    }

    /// May serve a request that persistence (a cookie, a stick table) binds to it: ready and healthy. A
    /// full server still qualifies: the request waits for it, up to the server's `maxqueue`.
    var acceptsPersistentRequests: Bool {
        admin.mode == .ready && healthy.load(ordering: .relaxed)
    }

    /// Up and not in maintenance (DRAIN still runs: it only takes no new balanced traffic). A failed
    /// connection to a server that is not running is redispatched at once.
    var isRunning: Bool {
        admin.mode != .maintenance && healthy.load(ordering: .relaxed)
    }

    /// May take a new request now: not disabled, healthy, weight above zero, below maxconn.
    var isUsable: Bool {
        if admin.mode != .ready || !healthy.load(ordering: .relaxed) { return false }
        if let limit = plan.maxConnections, limit > 0, activeConnections.load(ordering: .relaxed) >= limit { return false }
        return true
    }
}
