import LBConfig
import LBCore
import LBLog
import NIOCore

/// One client connection in TCP mode: a server is chosen from layer-4 facts, then bytes flow both ways
/// unchanged. The connect, its retries, the timeouts and how the session ended are its `ExchangeMachine`'s,
/// as for an HTTP request; this handler relays bytes and carries out the machine's actions. Read interest
/// on each side is held back while the other side is not writable, and a FIN from either side is passed
/// on as a half-close.
final class TCPSession: ChannelDuplexHandler, UpstreamOwner, DrainableSession {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let runtime: ProxyRuntime
    let frontend: FrontendRuntime
    let loop: LoopContext
    var context: ChannelHandlerContext!
    var machine: ExchangeMachine
    var timer: DeadlineTimer
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
    private var connectionInfo = ConnectionInfo(source: nil, sourcePort: 0, destination: nil, destinationPort: 0)
    /// Th: the TLS handshake, from the accept (already inside Tt, which a TCP session counts from the accept).
    private var handshakeMilliseconds = 0
    /// Reading the first bytes for `tcp-request content` rules (nil once decided, or when there are none).
    private var inspection: TLSHelloParser?
    /// The real client, when a PROXY protocol header named it (`accept-proxy`).
    private var proxiedAddresses: ProxiedConnection?
    /// What ended the session, set by whatever ends it.
    private var termination = Termination.normal
    private var logged = false
    /// The connection's stick counter trackers (`tcp-request ... track-scN`); nil without stick tables.
    private let stickTrackers: SessionStickTrackers?

    init(runtime: ProxyRuntime, frontend: FrontendRuntime, loop: LoopContext, stickTrackers: SessionStickTrackers? = nil) {
        self.runtime = runtime
        self.frontend = frontend
        self.loop = loop
        self.stickTrackers = stickTrackers
        self.timer = DeadlineTimer(cap: runtime.shortestTimeout)
        let now = monotonicNow()
        machine = ExchangeMachine(acceptedAt: now, frontend: frontend.exchangePolicy)
        machine.streamAccepted(now: now)
        runtime.live.created(.tcpSession)
    }

    deinit { runtime.live.released(.tcpSession) }

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
        var info = ConnectionInfo(source: remote?.ipAddress, sourcePort: remote?.port ?? 0,
                                  destination: local?.ipAddress, destinationPort: local?.port ?? 0)
        if let proxiedAddresses { info = proxiedAddresses.apply(to: info) }
        connectionInfo = info
        context.fireChannelActive()
        if frontend.plan.inspectsContent {
            // `tcp-request inspect-delay`: the first bytes decide the content rules and the backend.
            inspection = TLSHelloParser(.clientHello)
            machine.inspecting(milliseconds: frontend.plan.inspectDelay ?? 0, now: monotonicNow())
            followDeadline()
            return
        }
        route()
    }

    /// Ends the inspection of the first bytes: the content rules decide whether the connection goes on,
    /// then a backend is chosen, with the `req.*` fetches reading what arrived.
    private func finishInspection(_ hello: TLSHello?) {
        inspection = nil
        machine.inspectionDone()
        let bytes = pending.map { Array($0.readableBytesView.prefix(runtime.limits.maxHeadSize)) } ?? []
        connectionInfo.content = InspectedContent(length: pending?.readableBytes ?? 0, clientHello: hello, bytes: bytes)
        if frontend.plan.contentRules.evaluate(connection: connectionInfo, serverCounts: runtime, stickCounters: stickTrackers) == .reject {
            frontend.deniedRequests.wrappingIncrement(ordering: .relaxed)
            end(.by(.proxy, .request))
            return
        }
        route()
    }

    /// Chooses the backend from layer-4 facts (and what inspection saw), then a server.
    private func route() {
        let info = connectionInfo
        guard let index = frontend.plan.rules.selectBackend(connection: info, serverCounts: runtime) ?? frontend.plan.ownBackend else {
            perform(machine.refused(status: 503))
            return
        }
        let chosen = runtime.backends[index]
        backend = chosen
        if !chosen.plan.stickRules.isEmpty {
            stickyServer = runtime.stickyServer(chosen, request: nil, connection: info)
            stickKeys = runtime.stickKeysToStore(chosen, request: nil, connection: info)
        }
        if stickyServer == nil, chosen.plan.persistRDPCookie != nil { stickyServer = chosen.serverNamedByRDPCookie(info) }
        machine.routed(.stream(chosen.exchangePolicy))
        dispatch(excluding: nil)
    }

    private func dispatch(excluding failed: Int?) {
        guard let backend else { return }
        guard let index = (failed == nil ? stickyServer : nil)
                ?? backend.pickServer(request: nil, connection: connectionInfo, excluding: failed, snapshots: loop.selections)
                ?? (failed.flatMap { backend.servers[$0].isUsable ? $0 : nil })
        else {
            perform(machine.noServer())
            return
        }
        serverIndex = index
        let server = backend.servers[index]
        if !holdsServerSlot {
            guard server.tryAcquireSlot() else {
                // TCP mode has no queue: a connection stuck to a full server is placed by the balancer.
                if index == stickyServer, failed == nil {
                    stickyServer = nil
                    dispatch(excluding: nil)
                    return
                }
                perform(machine.noServer())
                return
            }
            holdsServerSlot = true
        }
        machine.serverChosen(now: monotonicNow(), persistent: index == stickyServer)
        server.totalSessions.wrappingIncrement(ordering: .relaxed)
        reconnect()
    }

    /// Opens a connection to the chosen server (again, on a retry).
    func reconnect() {
        guard let backend, let index = serverIndex else { return }
        let server = backend.servers[index]
        guard let address = try? server.address ?? SocketAddress(ipAddress: server.resolvedHost, port: connectionInfo.destinationPort) else {
            perform(machine.noServer())
            return
        }
        let attempt = machine.connectStarted(now: monotonicNow())
        followDeadline()
        // `timeout connect` is the machine's; the socket's own limit is only a backstop behind it.
        let backstop = TimeAmount.milliseconds(Int64(backend.plan.timeouts.connectOrDefault) + 1_000)
        loop.connect(to: address, backend: backend.index, server: index, timeout: backstop, tls: server.trafficTLS,
                     serverName: server.serverName(request: nil, connection: connectionInfo),
                     proxyHeader: server.proxyHeader(for: connectionInfo)) { result in
            // A strong capture, held until the connect ends (the backstop bounds it): a weak one would
            // give the session a side table for the rest of its life, and every retain of it the slow path.
            guard self.machine.state == .connecting, self.machine.attempt == attempt else {
                if case .success(let connection) = result { connection.close() }
                return
            }
            switch result {
            case .success(let connection):
                backend.servers[index].observer?.record(.connected)
                self.connected(connection)
            case .failure(let error):
                backend.servers[index].connectionErrors.wrappingIncrement(ordering: .relaxed)
                backend.servers[index].observer?.record(.connectFailed)
                self.perform(self.machine.connectFailed(timedOut: error.isConnectTimeout, server: self.serverState()))
            }
        }
    }

    /// Gives up the failed server's slot and lets the balancer pick another server.
    func redispatch(from failed: Int) {
        releaseServerSlot()
        dispatch(excluding: failed)
    }

    private func connected(_ connection: UpstreamConnection) {
        machine.streamConnected(now: monotonicNow())
        followDeadline()
        if !stickKeys.isEmpty, let serverIndex {
            runtime.storeSticky(stickKeys, server: serverIndex)
            stickKeys = []
        }
        upstream = connection
        connection.owner = self
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
        machine.bytesIn &+= Int64(buffer.readableBytes)
        machine.clientActivity(now: monotonicNow())
        var inspected: TLSHelloParser.Outcome?
        if inspection != nil { inspected = inspection!.feed(buffer.readableBytesView) }
        if let upstream {
            upstream.write(buffer)
        } else if pending == nil {
            pending = buffer
        } else {
            pending!.writeBuffer(&buffer)
        }
        switch inspected {
        case .hello(let hello)?:
            finishInspection(hello)
        case .invalid?:
            // Not TLS. An RDP connection request still arriving is waited for: its cookie decides.
            if !(pending.map { RDPConnectionRequest.isIncomplete($0.readableBytesView) } ?? false) { finishInspection(nil) }
        case .incomplete?:
            // A buffer's worth without a whole ClientHello, or a whole RDP connection request: decide on
            // what arrived.
            if let pending, pending.readableBytes >= runtime.limits.maxHeadSize || RDPConnectionRequest.isComplete(pending.readableBytesView) {
                finishInspection(nil)
            }
        case nil:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        upstream?.flushIfNeeded()
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
        if let established = event as? TLSEstablished {
            connectionInfo.tls = established.facts
            connectionInfo.isTLS = true
            handshakeMilliseconds = Int(established.duration / 1_000_000)
            return
        }
        if let proxied = event as? ProxiedConnection {
            proxiedAddresses = proxied
            return
        }
        if event is RefusedByRules {
            // Refused before it became a session: nothing to log.
            logged = true
            return
        }
        guard let event = event as? ChannelEvent, event == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        perform(machine.clientInputEnded())
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream?.resumeReading() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.clientClosed())
        logSession()
        if let stickTrackers {
            stickTrackers.requestEnded(bytesIn: Int(machine.bytesIn), bytesOut: Int(machine.bytesOut), isError: false)
            stickTrackers.connectionEnded()
        }
        cancelTimer()
        releaseServerSlot()
        upstream?.close()
        upstream = nil
        loop.sessions[ObjectIdentifier(self)] = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        perform(machine.clientFailed())
    }

    /// `show sess`: a TCP session is listed from its accept (HAProxy creates its stream then).
    func sessionFacts(now: UInt64) -> SessionFacts? {
        var facts = SessionFacts(session: self, connection: connectionInfo, frontend: frontend.plan.name, acceptedAt: machine.acceptedAt)
        facts.backend = backend?.plan.name
        if let backend, let serverIndex { facts.server = backend.servers[serverIndex].plan.name }
        facts.requestBuffered = pending?.readableBytes ?? 0
        facts.serverSide = machine.state == .closing ? .disconnecting : upstream != nil ? .established : serverIndex != nil ? .connecting : .initial
        facts.expiresIn = SessionFacts.remaining(machine.deadline.pending, now: now)
        facts.retries = machine.progress?.retriesDone ?? 0
        return facts
    }

    // MARK: Server side

    var mayReadUpstream: Bool { context?.channel.isWritable ?? false }

    func upstreamRead(_ connection: UpstreamConnection, _ buffer: ByteBuffer) {
        guard connection === upstream else { return }
        machine.serverActivity(now: monotonicNow())
        frontend.bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        machine.bytesOut &+= Int64(buffer.readableBytes)
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
        perform(machine.serverInputEnded(server: serverState()))
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard connection === upstream else { return }
        perform(machine.serverClosed(server: serverState()))
    }

    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {
        if connection.isWritable { resumeClientRead() }
    }

    // MARK: Ending

    /// Carries out what the machine decided, in a byte stream's terms: there is no answer to write, only
    /// connections to end.
    private func perform(_ action: ExchangeAction) {
        switch action {
        case .none, .finish:
            break
        case .answerError(_, let cause), .abort(let cause):
            end(cause)
        case .close:
            close()
        case .clientGone(_, let cause):
            if termination == .normal { termination = cause }
        case .retrySameServer(let pause):
            countRetry(redispatch: false)
            retrySameServer(after: pause)
        case .redispatch(let countsRetry):
            countRetry(countsRetry: countsRetry, redispatch: true)
            redispatchSoon()
        case .reconnect:
            reconnect()
        case .forwardServerEnd:
            serverInputClosed = true
            context.flush()
            context.close(mode: .output, promise: nil)
            if clientInputClosed { close() }
        case .forwardClientEnd:
            clientInputClosed = true
            upstream?.shutdownOutput()
            if serverInputClosed { close() }
        case .inspectionOver:
            if inspection != nil { finishInspection(nil) }
        case .endTunnel:
            upstream = nil
            context?.closeOnceSent()
        }
        followDeadline()
    }

    func drain() {
        // A TCP session has no request boundary to stop at: it runs until either side ends it.
    }

    func kill(ifUsingBackend backend: Int, server: Int, cause: Termination.Cause) {
        guard self.backend?.index == backend, serverIndex == server else { return }
        perform(machine.killed(cause: cause))
    }

    private func releaseServerSlot() {
        guard holdsServerSlot, let backend, let serverIndex else { return }
        holdsServerSlot = false
        backend.releaseSlot(serverIndex)
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
        record.acceptDateMilliseconds = runtime.clock.milliseconds(at: machine.acceptedAt)
        record.requestDateMilliseconds = record.acceptDateMilliseconds
        record.utcOffsetSeconds = runtime.clock.utcOffsetSeconds
        record.frontend = frontend.plan.name
        record.frontendIsTLS = connectionInfo.isTLS
        if let tls = connectionInfo.tls {
            record.sslVersion = tls.version
            record.sslCipher = tls.cipher
            record.sslServerName = tls.serverName
            record.sslResumed = tls.resumed
            record.timeHandshake = handshakeMilliseconds
        }
        record.backend = backend?.plan.name ?? frontend.plan.name
        if let backend, let serverIndex {
            let server = backend.servers[serverIndex]
            record.server = server.plan.name
            record.serverAddress = server.resolvedHost
            record.serverPort = server.plan.port
            record.serverConnections = server.activeConnections.load(ordering: .relaxed)
            record.backendConnections = backend.servers.reduce(0) { $0 + $1.activeConnections.load(ordering: .relaxed) }
        }
        let timers = machine.timings.logTimers(end: end, answeredLocally: false)
        record.timeQueue = timers.queue
        record.timeConnect = timers.connect
        record.timeTotal = timers.total
        record.timeActive = record.timeTotal
        record.bytesToClient = machine.bytesOut
        record.bytesFromClient = machine.bytesIn
        record.terminationState = String(decoding: [termination.causeCharacter, termination.phaseCharacter, UInt8(ascii: "-"), UInt8(ascii: "-")], as: UTF8.self)
        record.logASAP = early
        record.activeConnections = runtime.currentConnections.load(ordering: .relaxed)
        record.frontendConnections = frontend.currentConnections.load(ordering: .relaxed)
        record.retries = machine.progress?.retriesDone ?? 0
        record.redispatched = machine.progress?.redispatched ?? false
        if frontend.countsRequests { record.requestCounter = runtime.requestCounter.loadThenWrappingIncrement(ordering: .relaxed) }
        // A TCP session's unique id is computed when it is logged (HAProxy does the same).
        record.uniqueID = frontend.uniqueID?.make(from: record, request: nil, connection: connectionInfo)
        receiver.record(record, frontend: frontend.index, request: nil, connection: connectionInfo)
    }
}

extension TCPSession: RetryScheduling {
    var retryLoop: EventLoop { loop.eventLoop }
    var attemptServer: (backend: BackendRuntime, index: Int)? {
        guard let backend, let serverIndex else { return nil }
        return (backend, serverIndex)
    }
}

extension TCPSession: TimedSession {
    var timers: LoopTimers { loop.timers }
    var pendingDeadline: UInt64? { machine.deadline.pending }

    func timerFired(now: UInt64) {
        guard let (expired, action) = machine.timerFired(now: now, server: serverState()) else { return }
        if expired == .connect, let (backend, index) = attemptServer {
            backend.servers[index].connectionErrors.wrappingIncrement(ordering: .relaxed)
            backend.servers[index].observer?.record(.connectFailed)
        }
        perform(action)
    }
}
