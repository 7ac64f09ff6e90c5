import LBConfig
import LBCore
import LBLog
import NIOCore

/// One client connection in TCP mode: a server is chosen from layer-4 facts, then bytes flow both ways
/// unchanged. Read interest on each side is held back while the other side is not writable, and a FIN
/// from either side is passed on as a half-close.
final class TCPSession: ChannelDuplexHandler, UpstreamOwner, DrainableSession, TimedSession {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let runtime: ProxyRuntime
    let frontend: FrontendRuntime
    let loop: LoopContext
    var context: ChannelHandlerContext!
    var timer: SessionTimer
    private var backend: BackendRuntime?
    private var serverIndex: Int?
    /// The server a stick table names for this client (`stick on src`), tried before the balancer.
    private var stickyServer: Int?
    /// Keys to remember once a server accepted the connection.
    private var stickKeys: [StickKey] = []
    private var holdsServerSlot = false
    private var upstream: UpstreamConnection?
    /// Client bytes that arrived before the server connection was ready.
    private var pending: ByteBuffer?
    private var clientReadPending = false
    private var clientInputClosed = false
    private var serverInputClosed = false
    private var retriesDone = 0
    private var attempt = 0
    private var closed = false

    // For the log record (monotonic nanoseconds; 0 = not reached).
    /// The session's instants: its "request" starts, and is complete, at the accept.
    private var timings: ExchangeTimings
    private var acceptedAt: UInt64 { timings.requestStart }
    private var bytesFromClient: Int64 = 0
    private var bytesToClient: Int64 = 0
    private var connectionInfo = ConnectionInfo(source: nil, sourcePort: 0, destination: nil, destinationPort: 0)
    /// What ended the session, set by whatever ends it.
    private var termination = Termination.normal
    private var redispatched = false
    private var logged = false

    init(runtime: ProxyRuntime, frontend: FrontendRuntime, loop: LoopContext) {
        self.runtime = runtime
        self.frontend = frontend
        self.loop = loop
        self.timer = SessionTimer(cap: runtime.shortestTimeout)
        let now = monotonicNow()
        timings = ExchangeTimings(idleSince: now)
        timings.requestStart = now
        timings.headDone = now
        runtime.live.created(.tcpSession)
    }

    deinit { runtime.live.released(.tcpSession) }

    var timerLoop: EventLoop { loop.eventLoop }
    private var idleTimeout: Int? { frontend.plan.timeouts.tunnelIdle ?? backend?.plan.timeouts.tunnelIdle }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        loop.sessions[ObjectIdentifier(self)] = self
    }

    /// Lets go of the context, which holds this handler: a closed connection keeps nothing alive.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        let remote = context.channel.remoteAddress, local = context.channel.localAddress
        let info = ConnectionInfo(source: remote?.ipAddress, sourcePort: remote?.port ?? 0,
                                  destination: local?.ipAddress, destinationPort: local?.port ?? 0)
        connectionInfo = info
        guard let index = frontend.plan.rules.selectBackend(connection: info) ?? frontend.plan.ownBackend else {
            end(.by(.proxy, .request))
            return
        }
        let chosen = runtime.backends[index]
        backend = chosen
        if !chosen.plan.stickRules.isEmpty {
            stickyServer = runtime.stickyServer(chosen, request: nil, connection: info)
            stickKeys = runtime.stickKeysToStore(chosen, request: nil, connection: info)
        }
        arm(.client, frontend.plan.timeouts.client)
        dispatch(info: info, excluding: nil)
        context.fireChannelActive()
    }

    private func dispatch(info: ConnectionInfo, excluding failed: Int?) {
        guard let backend else { return }
        guard let index = (failed == nil ? stickyServer : nil)
                ?? backend.pickServer(request: nil, connection: info, excluding: failed, snapshots: loop.selections)
                ?? (failed.flatMap { backend.servers[$0].isUsable ? $0 : nil })
        else {
            end(.by(.serverAbort, .connect))
            return
        }
        serverIndex = index
        if timings.serverChosen == 0 { timings.serverChosen = monotonicNow() }
        let server = backend.servers[index]
        if !holdsServerSlot {
            guard server.tryAcquireSlot() else {
                // TCP mode has no queue: a connection stuck to a full server is placed by the balancer.
                if index == stickyServer, failed == nil {
                    stickyServer = nil
                    dispatch(info: info, excluding: nil)
                    return
                }
                end(.by(.serverAbort, .connect))
                return
            }
            holdsServerSlot = true
        }
        server.totalSessions.wrappingIncrement(ordering: .relaxed)
        connect(info: info, server: index)
    }

    /// Opens a connection to the chosen server (again, on a retry).
    private func connect(info: ConnectionInfo, server index: Int) {
        guard let backend else { return }
        let server = backend.servers[index]
        guard let address = try? server.address ?? SocketAddress(ipAddress: server.resolvedHost, port: info.destinationPort) else {
            end(.by(.serverAbort, .connect))
            return
        }
        attempt += 1
        let current = attempt
        let timeout = TimeAmount.milliseconds(Int64(backend.plan.timeouts.connect ?? 10_000))
        loop.connect(to: address, backend: backend.index, server: index, timeout: timeout) { [weak self] result in
            guard let self, !self.closed, self.attempt == current else {
                if case .success(let connection) = result { connection.close() }
                return
            }
            switch result {
            case .success(let connection):
                self.connected(connection)
            case .failure(let error):
                self.connectFailed(info: info, timedOut: error.isConnectTimeout)
            }
        }
    }

    private func connectFailed(info: ConnectionInfo, timedOut: Bool) {
        guard let backend, let failed = serverIndex else { return }
        backend.servers[failed].connectionErrors.wrappingIncrement(ordering: .relaxed)
        let decision = backend.plan.retryOn.connectionFailure
            ? backend.retryDecision(afterFailureOn: failed, retriesDone: retriesDone,
                                    persistent: failed == stickyServer && !redispatched, timedOut: timedOut)
            : .giveUp
        switch decision {
        case .giveUp:
            end(timedOut ? .by(.serverTimeout, .connect) : .by(.serverAbort, .connect))
        case .redispatch:
            retriesDone += 1
            loop.eventLoop.assumeIsolated().execute { [weak self] in
                guard let self, !self.closed else { return }
                self.redispatch(info: info, from: failed)
            }
        case .retrySameServer(let pause):
            retriesDone += 1
            loop.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(pause))) { [weak self] in
                guard let self, !self.closed else { return }
                // The checks may have taken the server out during the pause.
                if backend.leavesAtRetry(failed) {
                    self.redispatch(info: info, from: failed)
                } else {
                    self.connect(info: info, server: failed)
                }
            }
        }
    }

    /// Gives up the failed server's slot and lets the balancer pick another server.
    private func redispatch(info: ConnectionInfo, from failed: Int) {
        redispatched = true
        releaseServerSlot()
        dispatch(info: info, excluding: failed)
    }

    private func connected(_ connection: UpstreamConnection) {
        timings.connected = monotonicNow()
        if !stickKeys.isEmpty, let serverIndex {
            runtime.storeSticky(stickKeys, server: serverIndex)
            stickKeys = []
        }
        upstream = connection
        connection.owner = self
        arm(.tunnel, idleTimeout)
        if let pending, pending.readableBytes > 0 {
            connection.write(pending)
            connection.flush()
        }
        pending = nil
        if clientInputClosed { connection.shutdownOutput() }
        resumeClientRead()
        // `option logasap`: the session is logged once its server connection is up, with the time and
        // bytes so far (printed with `+`), as haproxy does; its end sends no second record.
        if frontend.plan.logging.logASAP { logSession(early: true) }
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        frontend.bytesIn.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        bytesFromClient &+= Int64(buffer.readableBytes)
        timer.touch()
        if let upstream {
            upstream.write(buffer)
        } else if pending == nil {
            pending = buffer
        } else {
            pending!.writeBuffer(&buffer)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        upstream?.flush()
    }

    func read(context: ChannelHandlerContext) {
        if mayReadClient {
            context.read()
        } else {
            clientReadPending = true
        }
    }

    private var mayReadClient: Bool {
        if let upstream { return upstream.isWritable }
        return (pending?.readableBytes ?? 0) < runtime.limits.maxHeadSize
    }

    private func resumeClientRead() {
        guard clientReadPending, mayReadClient else { return }
        clientReadPending = false
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, event == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        clientInputClosed = true
        upstream?.shutdownOutput()
        if serverInputClosed { close() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream?.resumeReading() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        logSession()
        closed = true
        timer.cancel()
        releaseServerSlot()
        upstream?.close()
        upstream = nil
        loop.sessions[ObjectIdentifier(self)] = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        end(upstream == nil && timings.connected == 0 ? .by(.clientAbort, .connect) : .by(.clientAbort, .data))
    }

    /// `show sess`: a TCP session is listed from its accept (HAProxy creates its stream then).
    func sessionFacts(now: UInt64) -> SessionFacts? {
        var facts = SessionFacts(session: self, connection: connectionInfo, frontend: frontend.plan.name, acceptedAt: acceptedAt)
        facts.backend = backend?.plan.name
        if let backend, let serverIndex { facts.server = backend.servers[serverIndex].plan.name }
        facts.requestBuffered = pending?.readableBytes ?? 0
        facts.serverSide = closed ? .disconnecting : upstream != nil ? .established : serverIndex != nil ? .connecting : .initial
        facts.expiresIn = SessionFacts.remaining(timer.deadline, now: now)
        facts.retries = retriesDone
        return facts
    }

    // MARK: Server side

    var mayReadUpstream: Bool { context?.channel.isWritable ?? false }

    func upstreamRead(_ connection: UpstreamConnection, _ buffer: ByteBuffer) {
        guard connection === upstream else { return }
        timer.touch()
        frontend.bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        bytesToClient &+= Int64(buffer.readableBytes)
        if let backend, let serverIndex {
            backend.servers[serverIndex].bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    func upstreamReadComplete(_ connection: UpstreamConnection) {
        context.flush()
    }

    func upstreamInputClosed(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        serverInputClosed = true
        context.flush()
        context.close(mode: .output, promise: nil)
        if clientInputClosed { close() }
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        upstream = nil
        closeAfterFlush()
    }

    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {
        if connection.isWritable { resumeClientRead() }
    }

    // MARK: Ending

    func timerExpired(_ kind: SessionTimer.Kind) {
        end(upstream == nil ? .by(.clientTimeout, .connect) : .by(.clientTimeout, .data))
    }

    func drain() {
        // A TCP session has no request boundary to stop at: it runs until either side ends it.
    }

    func kill(ifUsingBackend backend: Int, server: Int) {
        guard self.backend?.index == backend, serverIndex == server else { return }
        end(.by(.killed, .data))
    }

    private func releaseServerSlot() {
        guard holdsServerSlot, let backend, let serverIndex else { return }
        holdsServerSlot = false
        backend.releaseSlot(serverIndex)
    }

    private func closeAfterFlush() {
        let context = self.context!
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func close() {
        upstream?.close()
        upstream = nil
        context?.close(promise: nil)
    }

    /// Ends the session now, recording why.
    private func end(_ cause: Termination) {
        termination = cause
        close()
    }

    /// Emits the session's tcplog record once: when the client connection goes away, or under `logasap`
    /// when the server connection is established.
    private func logSession(early: Bool = false) {
        guard !logged, let receiver = runtime.accessLog else { return }
        logged = true
        let end = monotonicNow()
        var record = LogRecord()
        record.isHTTP = false
        record.clientAddress = connectionInfo.source?.description ?? "-"
        record.clientPort = connectionInfo.sourcePort
        record.frontendAddress = connectionInfo.destination?.description ?? "-"
        record.frontendPort = connectionInfo.destinationPort
        record.acceptDateMilliseconds = runtime.clock.milliseconds(at: acceptedAt)
        record.requestDateMilliseconds = record.acceptDateMilliseconds
        record.utcOffsetSeconds = runtime.clock.utcOffsetSeconds
        record.frontend = frontend.plan.name
        record.backend = backend?.plan.name ?? frontend.plan.name
        if let backend, let serverIndex {
            let server = backend.servers[serverIndex]
            record.server = server.plan.name
            record.serverAddress = server.resolvedHost
            record.serverPort = server.plan.port
            record.serverConnections = server.activeConnections.load(ordering: .relaxed)
            record.backendConnections = backend.servers.reduce(0) { $0 + $1.activeConnections.load(ordering: .relaxed) }
        }
        let timers = timings.logTimers(end: end, answeredLocally: false)
        record.timeQueue = timers.queue
        record.timeConnect = timers.connect
        record.timeTotal = timers.total
        record.timeActive = record.timeTotal
        record.bytesToClient = bytesToClient
        record.bytesFromClient = bytesFromClient
        record.terminationState = String(decoding: [termination.causeCharacter, termination.phaseCharacter, UInt8(ascii: "-"), UInt8(ascii: "-")], as: UTF8.self)
        record.logASAP = early
        record.activeConnections = runtime.currentConnections.load(ordering: .relaxed)
        record.frontendConnections = frontend.currentConnections.load(ordering: .relaxed)
        record.retries = retriesDone
        record.redispatched = redispatched
        if frontend.countsRequests { record.requestCounter = runtime.requestCounter.loadThenWrappingIncrement(ordering: .relaxed) }
        // A TCP session's unique id is computed when it is logged (HAProxy does the same).
        record.uniqueID = frontend.uniqueID?.make(from: record, request: nil, connection: connectionInfo)
        receiver.record(record, frontend: frontend.index, request: nil, connection: connectionInfo)
    }
}
