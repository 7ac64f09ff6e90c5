import LBCore
import NIOCore

/// Server connections of one event loop: the idle ones waiting to be reused, and the accounting of every
/// connection from its first request to its close. A request on this loop reuses an idle connection
/// without any lock and never waits on another loop (DESIGN: hot-path rules).
///
/// Taking, parking and removing a connection are O(1): each idle list is used last-in first-out (the
/// warmest connection first), and a connection knows its slot, so one the server closed leaves by a swap
/// with the last. Idle connections beyond what recent traffic used are closed a few at a time every
/// `pool-purge-delay` (see `IdleConnectionPurge`).
final class UpstreamPool {
    private struct ServerIdle {
        /// Connections that carried one request only, and those that carried more (the server has
        /// shown it keeps connections alive: `http-reuse aggressive` trusts only these for a client's
        /// first request).
        var lists: [[UpstreamConnection]] = [[], []]
        var purge = IdleConnectionPurge()
        var lastPurge: UInt64 = 0
        /// This loop's share of the server's `need_conn_est`, as last added to its counter.
        var reportedNeed = 0
    }

    private var idle: [[ServerIdle]]
    private let servers: [[ServerRuntime]]

    init(backends: [BackendRuntime], now: UInt64) {
        servers = backends.map(\.servers)
        idle = backends.map { Array(repeating: ServerIdle(lastPurge: now), count: $0.servers.count) }
    }

    /// An open idle connection to that server, if any (one that already carried several requests when
    /// `provenOnly`), whose TLS handshake sent `serverName` and that began with `proxyHeader`; it is then in
    /// use. The warmest connection goes first. Connections with another server name or PROXY header stay
    /// idle: finding a match past them costs a scan, but only for a server whose `sni` varies between
    /// requests, or that is sent the PROXY protocol.
    func take(backend: Int, server: Int, provenOnly: Bool = false, serverName: String? = nil,
              proxyHeader: [UInt8]? = nil) -> UpstreamConnection? {
        // The list of proven connections first (1), then the others (0).
        for list in stride(from: 1, through: provenOnly ? 1 : 0, by: -1) {
            while let slot = idle[backend][server].lists[list].lastIndex(where: {
                $0.serverName == serverName && $0.proxyHeader == proxyHeader
            }) {
                let connection = idle[backend][server].lists[list][slot]
                removeFromList(connection)
                guard connection.isActive else {
                    // Its close is on the way; account for it now, as the close will find it neither idle nor used.
                    forgetIdle(connection)
                    continue
                }
                connection.usage = .used
                idle[backend][server].purge.startedUsing(fromPool: true)
                let runtime = servers[backend][server]
                runtime.idleConnections.wrappingDecrement(ordering: .relaxed)
                runtime.usedConnections.wrappingIncrement(ordering: .relaxed)
                runtime.connectionReuses.wrappingIncrement(ordering: .relaxed)
                return connection
            }
        }
        return nil
    }

    /// A connection to that server is being opened.
    func countAttempt(backend: Int, server: Int) {
        servers[backend][server].connectionAttempts.wrappingIncrement(ordering: .relaxed)
    }

    /// A new connection opened: it serves a request (or a TCP session) from now on.
    func opened(_ connection: UpstreamConnection) {
        connection.usage = .used
        idle[connection.backendIndex][connection.serverIndex].purge.startedUsing(fromPool: false)
        servers[connection.backendIndex][connection.serverIndex].usedConnections.wrappingIncrement(ordering: .relaxed)
    }

    /// Parks a connection that finished its request for reuse; closes it when the server already has
    /// `pool-max-conn` idle connections (counted over every loop).
    func park(_ connection: UpstreamConnection) {
        let runtime = servers[connection.backendIndex][connection.serverIndex]
        guard connection.usage == .used,
              runtime.plan.poolMaxIdle.map({ runtime.idleConnections.load(ordering: .relaxed) < $0 }) ?? true
        else {
            connection.close()
            return
        }
        connection.usage = .idle
        idle[connection.backendIndex][connection.serverIndex].purge.parked()
        runtime.usedConnections.wrappingDecrement(ordering: .relaxed)
        runtime.idleConnections.wrappingIncrement(ordering: .relaxed)
        let list = Self.list(of: connection)
        connection.poolSlot = idle[connection.backendIndex][connection.serverIndex].lists[list].count
        idle[connection.backendIndex][connection.serverIndex].lists[list].append(connection)
    }

    /// A connection closed (or is closing): it leaves the idle list if it was there, and the counts.
    func closed(_ connection: UpstreamConnection) {
        switch connection.usage {
        case .none:
            return
        case .used:
            idle[connection.backendIndex][connection.serverIndex].purge.closedWhileUsed()
            servers[connection.backendIndex][connection.serverIndex].usedConnections.wrappingDecrement(ordering: .relaxed)
        case .idle:
            removeFromList(connection)
            forgetIdle(connection)
        }
        connection.usage = .none
    }

    /// Closes, for each server whose `pool-purge-delay` has passed since its last purge, the idle
    /// connections its purge says are not needed: the oldest first. Runs every `purgeInterval`; a server
    /// whose delay is due within half of that is purged now rather than a whole interval late.
    func purge(now: UInt64) {
        let slack = UInt64(purgeInterval) * 500_000
        for backend in idle.indices {
            for server in idle[backend].indices {
                let delay = UInt64(max(1, servers[backend][server].plan.poolPurgeDelay)) * 1_000_000
                guard now &- idle[backend][server].lastPurge &+ slack >= delay else { continue }
                idle[backend][server].lastPurge = now
                let count = idle[backend][server].purge.purge()
                let need = idle[backend][server].purge.estimatedNeed
                servers[backend][server].neededConnections.wrappingIncrement(
                    by: need - idle[backend][server].reportedNeed, ordering: .relaxed)
                idle[backend][server].reportedNeed = need
                // The oldest are at the front of each list (lists are used from their end); the connections
                // that carried one request only go first.
                var remaining = count
                for list in 0..<2 where remaining > 0 {
                    let oldest = idle[backend][server].lists[list].prefix(remaining)
                    remaining -= oldest.count
                    idle[backend][server].lists[list].removeFirst(oldest.count)
                    for (slot, connection) in idle[backend][server].lists[list].enumerated() { connection.poolSlot = slot }
                    for connection in oldest {
                        connection.poolSlot = -1
                        forgetIdle(connection)
                        connection.close()
                    }
                }
            }
        }
    }

    /// The shortest `pool-purge-delay` of any server, in milliseconds: how often `purge` should run.
    var purgeInterval: Int {
        max(1, servers.joined().map(\.plan.poolPurgeDelay).min() ?? 5000)
    }

    /// Closes every idle connection (on stop).
    func closeAll() {
        for backend in idle.indices {
            for server in idle[backend].indices {
                for list in 0..<2 {
                    while let connection = idle[backend][server].lists[list].last {
                        closed(connection)
                        connection.close()
                    }
                }
            }
        }
    }

    /// Idle connections to that server on this loop (tests).
    func idleCount(backend: Int, server: Int) -> Int { idle[backend][server].lists.reduce(0) { $0 + $1.count } }

    /// The idle list a connection belongs in: 1 once it carried more than one request.
    private static func list(of connection: UpstreamConnection) -> Int { connection.requestsServed > 1 ? 1 : 0 }

    private func removeFromList(_ connection: UpstreamConnection) {
        let slot = connection.poolSlot
        guard slot >= 0 else { return }
        connection.poolSlot = -1
        let list = Self.list(of: connection)
        let last = idle[connection.backendIndex][connection.serverIndex].lists[list].removeLast()
        guard last !== connection else { return }
        idle[connection.backendIndex][connection.serverIndex].lists[list][slot] = last
        last.poolSlot = slot
    }

    private func forgetIdle(_ connection: UpstreamConnection) {
        connection.usage = .none
        idle[connection.backendIndex][connection.serverIndex].purge.closedWhileIdle()
        servers[connection.backendIndex][connection.serverIndex].idleConnections.wrappingDecrement(ordering: .relaxed)
    }
}
