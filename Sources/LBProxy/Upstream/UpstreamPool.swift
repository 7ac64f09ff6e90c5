import NIOCore

/// Idle keep-alive connections to servers, for one event loop: a request on this loop reuses one of them
/// without any lock, and never waits on another loop (DESIGN: hot-path rules).
final class UpstreamPool {
    /// Indexed by backend, then by server; each list is used last-in first-out (warmest connection first).
    private var idle: [[[UpstreamConnection]]]
    /// Most idle connections kept per server on one loop.
    let maxIdlePerServer: Int

    init(serverCounts: [Int], maxIdlePerServer: Int = 64) {
        idle = serverCounts.map { Array(repeating: [], count: $0) }
        self.maxIdlePerServer = maxIdlePerServer
    }

    /// An open idle connection to that server, if any.
    func take(backend: Int, server: Int) -> UpstreamConnection? {
        while let connection = idle[backend][server].popLast() {
            connection.isPooled = false
            if connection.isActive { return connection }
        }
        return nil
    }

    /// Parks a connection for reuse; closes it when the pool for that server is full.
    func park(_ connection: UpstreamConnection) {
        guard idle[connection.backendIndex][connection.serverIndex].count < maxIdlePerServer else {
            connection.close()
            return
        }
        connection.isPooled = true
        connection.pool = self
        idle[connection.backendIndex][connection.serverIndex].append(connection)
    }

    /// Forgets a parked connection that closed or misbehaved.
    func remove(_ connection: UpstreamConnection) {
        connection.isPooled = false
        idle[connection.backendIndex][connection.serverIndex].removeAll { $0 === connection }
    }

    /// Closes every idle connection (on stop).
    func closeAll() {
        for backend in idle.indices {
            for server in idle[backend].indices {
                for connection in idle[backend][server] { connection.close() }
                idle[backend][server].removeAll()
            }
        }
    }
}
