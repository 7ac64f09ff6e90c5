import LBCore
import NIOCore
import NIOPosix

/// Everything one event loop owns: its idle upstream connections and its live sessions. Used only from its own loop, so nothing here is locked.
final class LoopContext {
    let eventLoop: EventLoop
    let pool: UpstreamPool
    /// Sessions alive on this loop, for graceful stop, `shutdown sessions` and `show sess`: each session
    /// adds itself when its connection is accepted and removes itself when it closes (one insert and one
    /// remove per connection; the runtime API reads it from this loop, never from another thread).
    var sessions: [ObjectIdentifier: any DrainableSession] = [:]
    var stopping = false
    let live: LiveObjects
    /// The backends' selection snapshots as this loop last saw them.
    let selections: SelectionCache

    /// What server connections read into; idle pooled connections keep their buffer as idle clients do.
    let receiveBuffers: ReceiveBufferSizing
    /// Where request heads for servers and response heads for clients are rewritten, reused per loop.
    var requestHeads = RecycledBuffer()
    var responseHeads = RecycledBuffer()
    /// The allocator of every channel lb opens or accepts (SwiftNIO's default, which lb never changes),
    /// for buffers written to one: reaching it through a channel would visit that channel's pipeline.
    let allocator = ByteBufferAllocator()
    /// The header-field offsets of the head being parsed on this loop.
    let headerFields = HeaderFieldScratch()
    /// Flushes of requests to servers and responses to clients, sent when the loop's batch of events ends.
    let flushes: DeferredFlushes
    /// The deadlines of this loop's connections.
    let timers: LoopTimers

    init(eventLoop: EventLoop, backends: [BackendRuntime], live: LiveObjects, receiveBuffers: ReceiveBufferSizing) {
        self.eventLoop = eventLoop
        self.flushes = DeferredFlushes(eventLoop: eventLoop)
        self.timers = LoopTimers(eventLoop: eventLoop)
        self.receiveBuffers = receiveBuffers
        self.live = live
        self.selections = SelectionCache(backends: backends)
        self.pool = UpstreamPool(backends: backends, now: monotonicNow())
    }

    /// Opens a new connection to a server; `completion` runs on this loop. With `tls`, the connection is
    /// complete only once its TLS handshake is, with `serverName` sent as SNI; `timeout` bounds both.
    /// A `proxyHeader` (`send-proxy`) goes first on the wire, before the handshake.
    func connect(
        to address: SocketAddress, backend: Int, server: Int, timeout: TimeAmount,
        tls: ServerTLSContext? = nil, serverName: String? = nil, proxyHeader: [UInt8]? = nil,
        completion: @escaping (Result<UpstreamConnection, Error>) -> Void
    ) {
        pool.countAttempt(backend: backend, server: server)
        let connection = UpstreamConnection(backendIndex: backend, serverIndex: server, serverName: serverName,
                                            proxyHeader: proxyHeader, pool: pool, live: live)
        let bound = NIOLoopBound(connection, eventLoop: eventLoop)
        let handshake = tls.map {
            NIOLoopBound(ServerHandshake(context: $0, serverName: serverName, eventLoop: eventLoop), eventLoop: eventLoop)
        }
        let started = NIODeadline.now()
        if let epoll = eventLoop as? EpollLoop {
            connectDirectly(on: epoll, to: address, timeout: timeout, connection: connection, handshake: handshake?.value,
                            proxyHeader: proxyHeader, started: started, completion: completion)
            return
        }
        ClientBootstrap(group: eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.recvAllocator, value: receiveBuffers.allocator)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                do {
                    if let proxyHeader { try channel.pipeline.syncOperations.addHandler(ProxyHeaderWriter(header: proxyHeader)) }
                    if let handshake { try handshake.value.install(in: channel.pipeline.syncOperations) }
                    try channel.pipeline.syncOperations.addHandler(bound.value)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(to: address)
            .hop(to: eventLoop)
            .assumeIsolated()
            .flatMap { channel -> EventLoopFuture<Void> in
                guard let handshake else { return channel.eventLoop.makeSucceededVoidFuture() }
                return Self.awaitHandshake(handshake.value, on: channel, timeout: timeout, started: started)
            }
            .whenComplete { result in
                switch result {
                case .success:
                    self.pool.opened(bound.value)
                    completion(.success(bound.value))
                case .failure(let error):
                    handshake?.value.abandon(error)
                    completion(.failure(error))
                }
            }
    }

    private func connectDirectly(
        on loop: EpollLoop, to address: SocketAddress, timeout: TimeAmount, connection: UpstreamConnection,
        handshake: ServerHandshake?, proxyHeader: [UInt8]?, started: NIODeadline,
        completion: @escaping (Result<UpstreamConnection, Error>) -> Void
    ) {
        var opened: EpollSocketChannel?
        do {
            let channel = try EpollSocketChannel.openTCP(on: loop, to: address)
            opened = channel
            try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
            try channel.syncOptions?.setOption(.recvAllocator, value: receiveBuffers.allocator)
            if let proxyHeader { try channel.pipeline.syncOperations.addHandler(ProxyHeaderWriter(header: proxyHeader)) }
            if let handshake { try handshake.install(in: channel.pipeline.syncOperations) }
            try channel.pipeline.syncOperations.addHandler(connection)
        } catch {
            opened?.close(promise: nil)
            handshake?.abandon(error)
            completion(.failure(error))
            return
        }
        guard let channel = opened else { return }
        let promise = loop.makePromise(of: Void.self)
        channel.connect(to: address, timeout: timeout, promise: promise)
        promise.futureResult.assumeIsolated()
            .flatMap { () -> EventLoopFuture<Void> in
                guard let handshake else { return loop.makeSucceededVoidFuture() }
                return Self.awaitHandshake(handshake, on: channel, timeout: timeout, started: started)
            }
            .whenComplete { result in
                switch result {
                case .success:
                    self.pool.opened(connection)
                    completion(.success(connection))
                case .failure(let error):
                    handshake?.abandon(error)
                    completion(.failure(error))
                }
            }
    }

    /// The handshake's outcome, failed as a connect timeout (`sC`) when connect and handshake together
    /// take longer than `timeout`; the channel is closed then.
    private static func awaitHandshake(_ handshake: ServerHandshake, on channel: Channel, timeout: TimeAmount,
                                       started: NIODeadline) -> EventLoopFuture<Void> {
        let deadline = started + timeout
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            channel.close(promise: nil)
        }
        return handshake.result.flatMapError { error in
            let timedOut = NIODeadline.now() >= deadline
            return channel.eventLoop.makeFailedFuture(
                timedOut ? ChannelError.connectTimeout(timeout) : error)
        }.always { _ in timer.cancel() }
    }

    /// Trims idle server connections every `pool-purge-delay`, for the life of the loop.
    func startPurging() {
        let interval = TimeAmount.milliseconds(Int64(pool.purgeInterval))
        let pool = NIOLoopBound(self.pool, eventLoop: eventLoop)
        eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            pool.value.purge(now: monotonicNow())
        }
    }

    /// The facts of the sessions `show sess` lists on this loop.
    func sessionFacts() -> [SessionFacts] {
        let now = monotonicNow()
        return sessions.values.compactMap { $0.sessionFacts(now: now) }
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
    /// Closes the session now if it is using that server (`shutdown sessions server`, `on-marked-down`...).
    func kill(ifUsingBackend backend: Int, server: Int, cause: Termination.Cause)
    /// What `show sess` prints about this session, or nil when HAProxy would not list it (an HTTP
    /// connection with no request in progress has no stream in HAProxy). Called on the session's loop.
    func sessionFacts(now: UInt64) -> SessionFacts?
}
