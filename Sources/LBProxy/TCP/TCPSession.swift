import LBConfig
import LBCore
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

    init(runtime: ProxyRuntime, frontend: FrontendRuntime, loop: LoopContext) {
        self.runtime = runtime
        self.frontend = frontend
        self.loop = loop
        self.timer = SessionTimer(cap: runtime.shortestTimeout)
    }

    var timerLoop: EventLoop { context.eventLoop }
    private var idleTimeout: Int? { frontend.plan.timeouts.tunnelIdle ?? backend?.plan.timeouts.tunnelIdle }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        loop.sessions[ObjectIdentifier(self)] = self
    }

    func channelActive(context: ChannelHandlerContext) {
        let remote = context.channel.remoteAddress, local = context.channel.localAddress
        let info = ConnectionInfo(source: remote?.ipAddress, sourcePort: remote?.port ?? 0,
                                  destination: local?.ipAddress, destinationPort: local?.port ?? 0)
        guard let index = frontend.plan.rules.selectBackend(connection: info) ?? frontend.plan.ownBackend else {
            context.close(promise: nil)
            return
        }
        backend = runtime.backends[index]
        arm(.client, frontend.plan.timeouts.client)
        dispatch(info: info, excluding: nil)
        context.fireChannelActive()
    }

    private func dispatch(info: ConnectionInfo, excluding failed: Int?) {
        guard let backend else { return }
        guard let index = backend.pickServer(request: nil, connection: info, excluding: failed)
                ?? (failed.flatMap { backend.servers[$0].isUsable ? $0 : nil })
        else {
            close()
            return
        }
        serverIndex = index
        let server = backend.servers[index]
        if !holdsServerSlot {
            server.activeConnections.wrappingIncrement(ordering: .relaxed)
            holdsServerSlot = true
        }
        server.totalSessions.wrappingIncrement(ordering: .relaxed)
        guard let address = try? server.address ?? SocketAddress(ipAddress: server.resolvedHost, port: info.destinationPort) else {
            close()
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
            case .failure:
                self.connectFailed(info: info)
            }
        }
    }

    private func connectFailed(info: ConnectionInfo) {
        guard let backend, let failed = serverIndex else { return }
        backend.servers[failed].connectionErrors.wrappingIncrement(ordering: .relaxed)
        guard retriesDone < backend.plan.retries else {
            close()
            return
        }
        retriesDone += 1
        backend.servers[failed].retries.wrappingIncrement(ordering: .relaxed)
        var redispatch = false
        if let interval = backend.plan.redispatchInterval {
            redispatch = interval < 0 ? retriesDone == backend.plan.retries : interval > 0 && retriesDone % interval == 0
        }
        if redispatch {
            backend.servers[failed].activeConnections.wrappingDecrement(ordering: .relaxed)
            holdsServerSlot = false
        }
        let pause = min(backend.plan.timeouts.connect ?? 1000, 1000)
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(pause))) { [weak self] in
            guard let self, !self.closed else { return }
            self.dispatch(info: info, excluding: redispatch ? failed : nil)
        }
    }

    private func connected(_ connection: UpstreamConnection) {
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
    }

    // MARK: Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        frontend.bytesIn.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
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
        closed = true
        timer.cancel()
        releaseServerSlot()
        upstream?.close()
        upstream = nil
        loop.sessions[ObjectIdentifier(self)] = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close()
    }

    // MARK: Server side

    var mayReadUpstream: Bool { context?.channel.isWritable ?? false }

    func upstreamRead(_ connection: UpstreamConnection, _ buffer: ByteBuffer) {
        guard connection === upstream else { return }
        timer.touch()
        frontend.bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
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
        close()
    }

    func drain() {
        // A TCP session has no request boundary to stop at: it runs until either side ends it.
    }

    private func releaseServerSlot() {
        guard holdsServerSlot, let backend, let serverIndex else { return }
        backend.servers[serverIndex].activeConnections.wrappingDecrement(ordering: .relaxed)
        holdsServerSlot = false
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
}
