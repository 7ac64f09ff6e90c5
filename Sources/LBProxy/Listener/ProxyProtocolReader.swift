import LBCore
import NIOCore

/// The first handler of a connection accepted on an `accept-proxy` bind: it reads the PROXY protocol
/// header a proxy in front of lb (haproxy's `send-proxy`, a cloud load balancer) sends before anything
/// else, tells the session who the real client is, and leaves the pipeline. The session learns the
/// addresses before it is told the connection is active, so a TCP session routes on the real client.
///
/// A connection whose first bytes are not a valid header, or that sends none within `timeout client`,
/// is closed and reported.
final class ProxyProtocolReader: ChannelInboundHandler, RemovableChannelHandler, TimerWheelEntry {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let frontend: FrontendRuntime
    private let events: EventLog
    private let timers: LoopTimers
    private var context: ChannelHandlerContext?
    private var pending: ByteBuffer?
    private var activePending = false
    private var done = false
    var wheelPosition = TimerWheelPosition.unarmed

    init(frontend: FrontendRuntime, events: EventLog, timers: LoopTimers) {
        self.frontend = frontend
        self.events = events
        self.timers = timers
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        _ = timers.arm(self, at: monotonicNow() &+ UInt64(frontend.plan.timeouts.client ?? 10_000) &* 1_000_000)
    }

    /// Leaving the pipeline (the header came, or the connection closed) ends the wait, and lets go of
    /// the context, which holds the pipeline that holds this handler.
    func handlerRemoved(context: ChannelHandlerContext) {
        timers.disarm(self)
        self.context = nil
    }

    func timerWheelFired(now: UInt64) {
        guard !done, let context else { return }
        refuse(context: context, reason: "no PROXY protocol header within timeout client")
    }

    func channelActive(context: ChannelHandlerContext) {
        // Held back until the header says who the client is.
        activePending = true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        var bytes = unwrapInboundIn(data)
        if pending == nil { pending = bytes } else { pending!.writeBuffer(&bytes) }
        switch ProxyProtocolParser.parse(pending!.readableBytesView) {
        case .incomplete:
            return
        case .invalid(let reason, let offset):
            refuse(context: context, reason: "\(reason) (byte \(offset))")
        case .header(let header):
            done = true
            timers.disarm(self)
            pending!.moveReaderIndex(forwardBy: header.length)
            let rest = pending!
            pending = nil
            if header.source != nil {
                context.fireUserInboundEventTriggered(ProxiedConnection(header: header))
            }
            if activePending { context.fireChannelActive() }
            if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
            context.fireChannelReadComplete()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timers.disarm(self)
        // A connection that never got past its header was never active for the session: it only learns
        // that it closed.
        context.fireChannelInactive()
    }

    private func refuse(context: ChannelHandlerContext, reason: String) {
        done = true
        timers.disarm(self)
        let client = context.channel.remoteAddress.map { "\($0.ipAddress.map { "\($0)" } ?? "?"):\($0.port ?? 0)" } ?? "-"
        events.warning("\(client) [\(frontend.plan.name)] PROXY protocol: \(reason); connection closed")
        context.close(promise: nil)
    }
}

/// Who the connection is really from, as its PROXY protocol header says.
struct ProxiedConnection {
    let header: ProxyProtocolHeader

    /// `info` with the header's addresses instead of the socket's.
    func apply(to info: ConnectionInfo) -> ConnectionInfo {
        var updated = info
        updated.source = header.source
        updated.sourcePort = header.sourcePort
        updated.destination = header.destination
        updated.destinationPort = header.destinationPort
        return updated
    }
}
