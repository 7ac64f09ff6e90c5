import LBConfig
import LBCore
import NIOCore

/// One client connection in HTTP mode, from accept to close: reads request heads, applies the frontend's
/// rules, picks a backend and a server, relays the exchange, and keeps the connection alive between
/// requests. The upstream side is an `UpstreamConnection` on the same event loop, so the pair shares no
/// locks (the glue-handler pattern). Explicitly not Sendable: confined to its loop.
final class HTTPSession: ChannelDuplexHandler, UpstreamOwner, DrainableSession, QueueWaiter {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Phase {
        /// Between requests (or before the first): nothing of a request received yet.
        case waitingRequest
        /// Part of a request head is buffered.
        case readingHead
        /// A server was chosen and a connection is being opened (or a retry is pending).
        case connecting
        /// The request is being sent and the response relayed.
        case exchanging
        /// After a protocol switch (101): bytes flow both ways unchanged.
        case tunnel
        /// The last answer is being flushed; the connection closes after it.
        case closing
    }

    let runtime: ProxyRuntime
    let frontend: FrontendRuntime
    let loop: LoopContext
    var context: ChannelHandlerContext!
    var connectionInfo = ConnectionInfo(source: nil, sourcePort: 0, destination: nil, destinationPort: 0)
    let requestParser: RequestHeadParser
    let responseParser: ResponseHeadParser

    var phase = Phase.waitingRequest
    /// Client bytes received and not consumed yet (a partial head, body bytes waiting for the server,
    /// or pipelined requests).
    var inbound: ByteBuffer?
    var exchange: HTTPExchange?
    var upstream: UpstreamConnection?
    /// With `http-reuse never`: the server connection this client connection's last request used,
    /// kept for its next request and shared with no one.
    var ownIdleUpstream: UpstreamConnection?
    var requestsServed = 0
    var clientInputClosed = false
    var clientReadPending = false
    var upstreamNeedsFlush = false
    var draining = false
    var timer: SessionTimer

    // For the log record (monotonic nanoseconds; 0 = not reached).
    let acceptedAt = monotonicNow()
    /// The instants of the request being read or served (the idle time before it included).
    var timings: ExchangeTimings
    /// The current request's head as received (before rules rewrote it), for the request line.
    var loggedHead: HTTPRequestHead?
    /// The connection's addresses as log text, rendered once per connection rather than per request.
    var clientAddressText = "-"
    var frontendAddressText = "-"
    /// Header and cookie captures of the current request, for its record.
    var captured = CapturedValues()
    /// Bytes of the current request, both ways, headers included.
    var requestBytesIn: Int64 = 0
    var requestBytesOut: Int64 = 0
    /// The current request's unique id (`unique-id-format`), computed when its head arrived.
    var uniqueID: String?
    /// The current request's process-wide number (`%rt`), when the frontend's formats print it.
    var requestNumber: Int64?
    /// `option logasap` already sent the current request's record (when its response head was relayed).
    var recordSent = false

    init(runtime: ProxyRuntime, frontend: FrontendRuntime, loop: LoopContext) {
        self.runtime = runtime
        self.frontend = frontend
        self.loop = loop
        self.requestParser = RequestHeadParser(maxHeadSize: runtime.limits.maxHeadSize, maxHeaders: runtime.limits.maxHeaders)
        self.responseParser = ResponseHeadParser(maxHeadSize: runtime.limits.maxHeadSize, maxHeaders: runtime.limits.maxHeaders)
        self.timer = SessionTimer(cap: runtime.shortestTimeout)
        self.timings = ExchangeTimings(idleSince: acceptedAt)
        runtime.live.created(.httpSession)
    }

    deinit { runtime.live.released(.httpSession) }

    var timeouts: Timeouts { frontend.plan.timeouts }

    // MARK: Client channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        connectionInfo = ConnectionInfo(
            source: context.channel.remoteAddress?.ipAddress, sourcePort: context.channel.remoteAddress?.port ?? 0,
            destination: context.channel.localAddress?.ipAddress, destinationPort: context.channel.localAddress?.port ?? 0)
        loop.sessions[ObjectIdentifier(self)] = self
        if runtime.accessLog != nil || frontend.uniqueID != nil {
            clientAddressText = connectionInfo.source?.description ?? "-"
            frontendAddressText = connectionInfo.destination?.description ?? "-"
        }
        // The first request must arrive within `timeout http-request`, counted from the accept.
        arm(.requestHead, timeouts.requestHead)
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
        requestBytesIn &+= Int64(buffer.readableBytes)
        switch phase {
        case .tunnel:
            timer.touch()
            upstream?.write(buffer)
            upstreamNeedsFlush = true
            return
        case .closing:
            return
        default:
            break
        }
        if inbound == nil || inbound!.readableBytes == 0 {
            inbound = buffer
        } else {
            inbound!.writeBuffer(&buffer)
        }
        if phase == .exchanging, exchange?.requestBody.isComplete == false { timer.touch() }
        processInbound()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushUpstream()
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch phase {
        case .readingHead:
            // The client left in the middle of its request head (HAProxy logs these as 400 CR).
            logRequest(status: 400, .by(.clientAbort, .request))
        case .connecting where exchange?.queued == true:
            leaveQueue()
            logRequest(status: -1, .by(.clientAbort, .queue))
        case .connecting, .exchanging:
            logRequest(status: exchange?.response?.status ?? -1, exchange?.response == nil ? .by(.clientAbort, .headers) : .by(.clientAbort, .data))
        case .tunnel:
            logRequest(status: 101, .normal)
        case .waitingRequest, .closing:
            break
        }
        timer.cancel()
        releaseServerSlot()
        upstream?.close()
        upstream = nil
        ownIdleUpstream?.close()
        ownIdleUpstream = nil
        exchange = nil
        phase = .closing
        loop.sessions[ObjectIdentifier(self)] = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let event = event as? ChannelEvent, event == .inputClosed else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        clientInputClosed = true
        switch phase {
        case .waitingRequest, .readingHead, .closing:
            // Nothing (or only part of a head) was sent before the client stopped: nothing to answer.
            context.close(promise: nil)
        case .connecting, .exchanging:
            if exchange?.requestBody.isComplete == false {
                // The client gave up in the middle of its body: the request cannot be completed.
                abortBoth(.by(.clientAbort, .data))
            }
            // Otherwise the response is still delivered; the connection closes after it.
        case .tunnel:
            upstream?.shutdownOutput()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        abortBoth(exchange?.response == nil ? .by(.clientAbort, .headers) : .by(.clientAbort, .data))
    }

    /// Holds client reads back while the next hop cannot take more (read interest as flow control).
    func read(context: ChannelHandlerContext) {
        if mayReadClient {
            context.read()
        } else {
            clientReadPending = true
        }
    }

    var mayReadClient: Bool {
        switch phase {
        case .waitingRequest, .readingHead, .closing:
            return true
        case .connecting:
            return (inbound?.readableBytes ?? 0) < runtime.limits.maxHeadSize
        case .exchanging:
            if exchange?.requestBody.isComplete == false { return upstream?.isWritable ?? false }
            return (inbound?.readableBytes ?? 0) < runtime.limits.maxHeadSize
        case .tunnel:
            return upstream?.isWritable ?? false
        }
    }

    func resumeClientRead() {
        guard clientReadPending, mayReadClient, let context else { return }
        clientReadPending = false
        context.read()
    }

    // MARK: Graceful stop

    /// How long a keep-alive connection must have been idle before a stop closes it. A client that sends
    /// its next request as soon as it has the previous answer (wrk, a busy connection pool) does so within
    /// a round trip; closing the connection in that window would lose a request the client already sent.
    /// A connection quiet for this long belongs to a client that parked it; closing it then is what every
    /// HTTP client must expect of an idle keep-alive connection.
    static let drainQuietPeriod: UInt64 = 1_000_000_000

    /// Stop taking requests on this connection: the one in progress (or the next one that arrives while
    /// the connection is not yet quiet) is answered with `Connection: close`; an idle connection closes
    /// once it has been quiet for `drainQuietPeriod`.
    func drain() {
        draining = true
        closeWhenQuiet()
    }

    /// While draining: closes the connection if it is idle and has been for `drainQuietPeriod`, or looks
    /// again when that time has come.
    func closeWhenQuiet() {
        guard draining, phase == .waitingRequest, let context else { return }
        let now = monotonicNow()
        let quietAt = timings.idleSince &+ Self.drainQuietPeriod
        if now >= quietAt {
            context.close(promise: nil)
            return
        }
        loop.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(quietAt - now))) { [weak self] in
            self?.closeWhenQuiet()
        }
    }

    func kill(ifUsingBackend backend: Int, server: Int) {
        guard let current = exchange, current.backend.index == backend, current.serverIndex == server,
              phase == .exchanging || phase == .tunnel || phase == .connecting else { return }
        abortBoth(current.response == nil ? .by(.killed, .headers) : .by(.killed, .data))
    }

    // MARK: Helpers shared by the extensions

    func flushUpstream() {
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            upstream?.flush()
        }
    }

    func writeToClient(_ buffer: ByteBuffer) {
        frontend.bytesOut.wrappingIncrement(by: buffer.readableBytes, ordering: .relaxed)
        requestBytesOut &+= Int64(buffer.readableBytes)
        context.write(wrapOutboundOut(buffer), promise: nil)
    }

    /// Flushes what was written and closes the connection once it has gone out.
    func closeAfterFlush() {
        phase = .closing
        timer.cancel()
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        let context = self.context!
        promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Closes both sides at once (errors, aborts, timeouts during data), logging the request in flight
    /// with `termination`.
    func abortBoth(_ termination: Termination) {
        if exchange != nil { logRequest(status: exchange?.response?.status ?? -1, termination) }
        timer.cancel()
        releaseServerSlot()
        upstream?.close()
        upstream = nil
        exchange = nil
        phase = .closing
        context?.close(promise: nil)
    }

    func releaseServerSlot() {
        leaveQueue()
        guard let current = exchange, current.holdsServerSlot, let index = current.serverIndex else { return }
        current.holdsServerSlot = false
        current.backend.releaseSlot(index)
    }

    /// A slot was released in our backend while we waited: try again, keeping our place if we lose.
    func slotMayBeFree() -> Bool {
        guard phase == .connecting, let current = exchange, current.queued else { return false }
        current.queued = false
        timer.pause()
        dispatch(wokenFromQueue: true)
        return true
    }
}
