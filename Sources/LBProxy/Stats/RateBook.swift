import LBStats
import NIOCore
import Synchronization

/// Once a second, reads the totals of the process, every frontend, backend and server into their rate
/// histories. The data path only counts; rates (the page's "Session rate" columns and sparklines, the
/// CSV's `rate`/`req_rate`/`conn_rate` and the exporter's `*_rate*` gauges) are derived here.
final class RateBook: Sendable {
    private struct Histories {
        var connections = RateHistory()
        var frontendSessions: [RateHistory]
        var frontendRequests: [RateHistory]
        var backendSessions: [RateHistory]
        var serverSessions: [[RateHistory]]
    }

    private let histories: Mutex<Histories>

    init(frontends: Int, servers: [Int]) {
        histories = Mutex(Histories(
            frontendSessions: Array(repeating: RateHistory(), count: frontends),
            frontendRequests: Array(repeating: RateHistory(), count: frontends),
            backendSessions: Array(repeating: RateHistory(), count: servers.count),
            serverSessions: servers.map { Array(repeating: RateHistory(), count: $0) }))
    }

    /// Samples `runtime` every second on `loop` until the loop stops. The task holds the runtime strongly
    /// and goes with its loop, which the runtime's load balancer shuts down: a weak reference would give
    /// the runtime a side table for life, and put every retain of it (one per request at least) on the
    /// runtime's slow path.
    func start(on loop: EventLoop, runtime: ProxyRuntime) {
        runtime.rates.sample(runtime)
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            runtime.rates.sample(runtime)
            // Client connections and server connections (in use or idle in a pool) alike hold memory.
            var open = runtime.currentConnections.load(ordering: .relaxed)
            for backend in runtime.backends {
                for server in backend.servers {
                    open += server.usedConnections.load(ordering: .relaxed) + server.idleConnections.load(ordering: .relaxed)
                }
            }
            runtime.memoryTrimmer.observe(openConnections: open)
        }
    }

    func sample(_ runtime: ProxyRuntime) {
        // Counters are read before taking the lock, so a snapshot never waits on atomic reads.
        let connections = runtime.totalConnections.load(ordering: .relaxed)
        let sessions = runtime.frontends.map { $0.totalConnections.load(ordering: .relaxed) }
        let requests = runtime.frontends.map { $0.totalRequests.load(ordering: .relaxed) }
        let backends = runtime.backends.map(ProxyRuntime.sessionTotal)
        let servers = runtime.backends.map { $0.servers.map { $0.totalSessions.load(ordering: .relaxed) } }
        histories.withLock { h in
            h.connections.record(total: connections)
            for index in sessions.indices {
                h.frontendSessions[index].record(total: sessions[index])
                h.frontendRequests[index].record(total: requests[index])
            }
            for index in backends.indices {
                h.backendSessions[index].record(total: backends[index])
                for server in servers[index].indices { h.serverSessions[index][server].record(total: servers[index][server]) }
            }
        }
    }

    /// Fills the rates of a snapshot of the same runtime.
    func apply(to snapshot: inout StatsSnapshot) {
        histories.withLock { h in
            snapshot.process.connectionRate = h.connections.rate
            for index in snapshot.frontends.indices where index < h.frontendSessions.count {
                snapshot.frontends[index].sessionRate = h.frontendSessions[index].rate
                if snapshot.frontends[index].isHTTP { snapshot.frontends[index].requestRate = h.frontendRequests[index].rate }
            }
            for index in snapshot.backends.indices where index < h.backendSessions.count {
                snapshot.backends[index].sessionRate = h.backendSessions[index].rate
                for server in snapshot.backends[index].servers.indices where server < h.serverSessions[index].count {
                    snapshot.backends[index].servers[server].sessionRate = h.serverSessions[index][server].rate
                }
            }
        }
    }
}
