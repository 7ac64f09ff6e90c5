import LBCore
import NIOCore
import NIOPosix

/// Everything one event loop owns: its idle upstream connections and its live sessions. Used only from its own loop, so nothing here is locked.
final class LoopContext {
    let eventLoop: EventLoop
    let pool: UpstreamPool
    /// Sessions alive on this loop, for graceful stop.
    var sessions: [ObjectIdentifier: any DrainableSession] = [:]
    var stopping = false

    init(eventLoop: EventLoop, backends: [BackendRuntime]) {
        self.eventLoop = eventLoop
        self.pool = UpstreamPool(serverCounts: backends.map(\.servers.count))
    }

    /// Opens a new connection to a server; `completion` runs on this loop.
    func connect(
        to address: SocketAddress, backend: Int, server: Int, timeout: TimeAmount,
        completion: @escaping (Result<UpstreamConnection, Error>) -> Void
    ) {
        let connection = UpstreamConnection(backendIndex: backend, serverIndex: server)
        let bound = NIOLoopBound(connection, eventLoop: eventLoop)
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.addHandler(bound.value)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(to: address)
            .hop(to: eventLoop)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success: completion(.success(bound.value))
                case .failure(let error): completion(.failure(error))
                }
            }
    }

    /// Stops every session gracefully: idle ones close now, busy ones after their current exchange.
    func beginDrain() {
        stopping = true
        for session in sessions.values { session.drain() }
        pool.closeAll()
    }
}

/// A session that can be asked to finish its current work and close.
protocol DrainableSession: AnyObject {
    func drain()
    /// Closes the session now if it is using that server (`shutdown sessions server`).
    func kill(ifUsingBackend backend: Int, server: Int)
}
