import LBConfig
import LBCore
import NIOCore

/// One client connection in HTTP mode, from accept to close. It is the HTTP/1 framing around an
/// `ExchangeMachine`: it turns bytes and channel events into the machine's events and carries out the
/// actions the machine returns (see `HTTPSession+Actions`). Routing is LBCore's rules; retries, timeouts
/// and how an exchange ended are the machine's.
///
/// The upstream side is an `UpstreamConnection` on the same event loop, so the pair shares no locks (the
/// glue-handler pattern). Explicitly not Sendable: confined to its loop.
final class HTTPSession: ChannelDuplexHandler, UpstreamOwner, DrainableSession, QueueWaiter, DeferredFlushTarget {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let runtime: ProxyRuntime
    let frontend: FrontendRuntime
    let loop: LoopContext
    var context: ChannelHandlerContext!
    var addresses = SessionAddresses()
    var machine: ExchangeMachine
    var timer: DeadlineTimer
    var input = ClientInput()
    var exchange: HTTPExchange?
    var upstream: UpstreamConnection?
    /// With `http-reuse never`: the server connection this client connection's last request used, kept for
    /// its next request and shared with no one.
    var ownIdleUpstream: UpstreamConnection?
    var record = RequestRecordFacts()
    /// The client connection has not ended (`channelInactive` not seen yet).
    var clientOpen = true
    /// A flush of the client connection at the end of the loop's batch is already asked for.
    var clientFlushQueued = false
    /// The client connection takes more writes, as its writability events last said (see
    /// `mayReadUpstream`).
    var clientWritable = true
    /// The connection's stick counter trackers; nil when the configuration has no stick table.
    let stickTrackers: SessionStickTrackers?

    init(runtime: ProxyRuntime, frontend: FrontendRuntime, loop: LoopContext, stickTrackers: SessionStickTrackers? = nil) {
        self.runtime = runtime
        self.frontend = frontend
        self.loop = loop
        self.timer = DeadlineTimer(cap: runtime.shortestTimeout)
        self.machine = ExchangeMachine(acceptedAt: monotonicNow(), frontend: frontend.exchangePolicy)
        self.stickTrackers = stickTrackers ?? (runtime.stickTables.isEmpty ? nil : SessionStickTrackers(tables: runtime.stickTables))
        runtime.live.created(.httpSession)
    }

    deinit { runtime.live.released(.httpSession) }

    var connectionInfo: ConnectionInfo { addresses.info }
    var requestParser: RequestHeadParser {
        RequestHeadParser(maxHeadSize: runtime.limits.maxHeadSize, maxHeaders: runtime.limits.maxHeaders)
    }
    var responseParser: ResponseHeadParser {
        ResponseHeadParser(maxHeadSize: runtime.limits.maxHeadSize, maxHeaders: runtime.limits.maxHeaders)
    }

    // MARK: Client channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let info = ConnectionInfo(
            source: context.channel.remoteAddress?.ipAddress, sourcePort: context.channel.remoteAddress?.port ?? 0,
            destination: context.channel.localAddress?.ipAddress, destinationPort: context.channel.localAddress?.port ?? 0)
        addresses = SessionAddresses(info: info, withText: runtime.accessLog != nil || frontend.uniqueID != nil)
        loop.sessions[ObjectIdentifier(self)] = self
        followDeadline()
        if loop.stopping { drain() }
    }

    /// The pipeline holds this handler and the handler held its context: letting go of the context here
    /// breaks that cycle, so a closed connection frees its session, channel and buffers.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        frontend.bytesIn.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        machine.bytesIn &+= Int64(buffer.readableBytes)
        switch machine.state {
        case .tunnel:
            machine.clientActivity(now: monotonicNow())
            upstream?.write(buffer)
            return
        case .closing:
            return
        case .exchanging:
            machine.clientActivity(now: monotonicNow())
        default:
            break
        }
        input.append(&buffer)
        processInbound()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        upstream?.flushIfNeeded()
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientOpen = false
        perform(machine.clientClosed())
        cancelTimer()
        stickTrackers?.connectionEnded()
        loop.sessions[ObjectIdentifier(self)] = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let established = event as? TLSEstablished {
            addresses.info.tls = established.facts
            addresses.info.isTLS = true
            machine.handshakeCompleted(at: established.completedAt, duration: established.duration)
            return
        }
        if let proxied = event as? ProxiedConnection {
            addresses = SessionAddresses(info: proxied.apply(to: addresses.info),
                                         withText: runtime.accessLog != nil || frontend.uniqueID != nil)
            return
        }
        guard let event = event as? ChannelEvent, event == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        perform(machine.clientInputEnded())
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        clientWritable = context.channel.isWritable
        if clientWritable { upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        perform(machine.clientFailed())
    }

    /// Holds client reads back while the next hop cannot take more (read interest as flow control).
    func read(context: ChannelHandlerContext) {
        if mayReadClient {
            context.read()
        } else {
            input.readPending = true
        }
    }

    var mayReadClient: Bool {
        switch machine.state {
        case .idle, .readingHead, .closing:
            return true
        case .routing, .queued, .connecting:
            return input.buffered < runtime.limits.maxHeadSize
        case .exchanging:
            if machine.progress?.requestBodyComplete == false { return upstream?.isWritable ?? false }
            return input.buffered < runtime.limits.maxHeadSize
        case .tunnel:
            return upstream?.isWritable ?? false
        }
    }

    func resumeClientRead() {
        guard input.readPending, mayReadClient, let context else { return }
        input.readPending = false
        context.read()
    }

    // MARK: Graceful stop

    /// Stop taking requests on this connection: the one in progress (or the next one that arrives while
    /// the connection is not yet quiet) is answered with `Connection: close`; an idle connection closes
    /// once it has been quiet for `ExchangeMachine.drainQuietPeriod`.
    func drain() {
        machine.drain()
        closeWhenQuiet()
    }

    /// While draining: closes the connection if it is idle and has been long enough, or looks again when
    /// that time has come.
    func closeWhenQuiet() {
        guard context != nil else { return }
        switch machine.quietCheck(now: monotonicNow()) {
        case .notIdle:
            break
        case .closeNow:
            closeClient()
        case .checkAgain(let instant):
            loop.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(instant)) { [weak self] in
                self?.closeWhenQuiet()
            }
        }
    }

    func kill(ifUsingBackend backend: Int, server: Int, cause: Termination.Cause) {
        guard let current = exchange, current.backend.index == backend, current.serverIndex == server else { return }
        perform(machine.killed(cause: cause))
    }

    /// A slot was released in our backend while we waited: try again, keeping our place if we lose.
    func slotMayBeFree() -> Bool {
        guard machine.state == .queued, exchange != nil else { return false }
        machine.leftQueue()
        dispatch(wokenFromQueue: true)
        return true
    }
}

extension HTTPSession: RetryScheduling {
    var retryLoop: EventLoop { loop.eventLoop }
    var attemptServer: (backend: BackendRuntime, index: Int)? {
        guard let current = exchange, let index = current.serverIndex else { return nil }
        return (current.backend, index)
    }
}

extension HTTPSession: TimedSession {
    var timers: LoopTimers { loop.timers }
    var pendingDeadline: UInt64? { machine.deadline.pending }

    func timerFired(now: UInt64) {
        guard let (expired, action) = machine.timerFired(now: now, server: serverState()) else { return }
        if expired == .connect, let current = exchange, let index = current.serverIndex {
            current.backend.servers[index].connectionErrors.wrappingIncrement(ordering: .relaxed)
            current.backend.servers[index].observer?.record(.connectFailed)
        } else if expired == .server, let current = exchange, current.responseStatus == nil, let index = current.serverIndex {
            current.backend.servers[index].observer?.record(.responseTimeout)
        }
        perform(action)
    }
}
