import LBCore
import NIOCore
import NIOSSL
import NIOTLS

/// Sits after the TLS handler: when the handshake completes it assembles what it established (from the
/// TLS handler and the sniffed hellos), counts it, and hands it to the session as `TLSEstablished`; then
/// it leaves the pipeline. A handshake that fails, or takes longer than `timeout client`, is counted,
/// reported (at most one line per second per frontend) and closed.
final class TLSHandshakeRecorder: ChannelInboundHandler, RemovableChannelHandler, TimerWheelEntry {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let sniffer: TLSHelloSniffer
    private let tlsHandler: NIOSSLServerHandler
    private let frontend: FrontendRuntime
    private let events: EventLog
    private let timers: LoopTimers
    private var context: ChannelHandlerContext?
    private let acceptedAt = monotonicNow()
    private var finished = false
    var wheelPosition = TimerWheelPosition.unarmed

    init(sniffer: TLSHelloSniffer, tlsHandler: NIOSSLServerHandler, frontend: FrontendRuntime, events: EventLog,
         timers: LoopTimers) {
        self.sniffer = sniffer
        self.tlsHandler = tlsHandler
        self.frontend = frontend
        self.events = events
        self.timers = timers
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        guard let limit = frontend.plan.timeouts.client else { return }
        _ = timers.arm(self, at: acceptedAt &+ UInt64(limit) &* 1_000_000)
    }

    /// Leaving the pipeline (the handshake is over, or the connection closed) ends the wait, and lets go
    /// of the context, which holds the pipeline that holds this handler.
    func handlerRemoved(context: ChannelHandlerContext) {
        timers.disarm(self)
        self.context = nil
    }

    func timerWheelFired(now: UInt64) {
        guard !finished, let context else { return }
        failed(context: context, reason: "SSL handshake timeout")
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard !finished, let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted(let alpn) = tlsEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        finished = true
        timers.disarm(self)
        let facts = TLSSessionFactsBuilder.build(client: sniffer.clientHello, server: sniffer.serverHello,
                                                 version: tlsHandler.tlsVersion, alpn: alpn,
                                                 peerCertificate: tlsHandler.peerCertificate)
        let counters = frontend.tls
        counters.handshakes.wrappingIncrement(ordering: .relaxed)
        if facts.resumed { counters.resumed.wrappingIncrement(ordering: .relaxed) }
        let now = monotonicNow()
        let duration = now &- acceptedAt
        counters.handshakeTime.observe(microseconds: Int(duration / 1000))
        context.fireUserInboundEventTriggered(TLSEstablished(facts: facts, completedAt: now, duration: duration))
        context.fireUserInboundEventTriggered(event)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        // The sniffer has nothing left to read either.
        context.pipeline.syncOperations.removeHandler(sniffer, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !finished else {
            context.fireErrorCaught(error)
            return
        }
        failed(context: context, reason: "SSL handshake failure (\(TLSFailureReason.describe(error)))")
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished {
            // The client went away in the middle of its handshake.
            finished = true
            timers.disarm(self)
            frontend.tls.failed.wrappingIncrement(ordering: .relaxed)
        }
        context.fireChannelInactive()
    }

    private func failed(context: ChannelHandlerContext, reason: String) {
        finished = true
        timers.disarm(self)
        let counters = frontend.tls
        counters.failed.wrappingIncrement(ordering: .relaxed)
        let second = Int(monotonicNow() / 1_000_000_000)
        if counters.lastReportSecond.exchange(second, ordering: .relaxed) != second {
            let skipped = counters.unreported.exchange(0, ordering: .relaxed)
            let client = context.channel.remoteAddress.map { "\($0.ipAddress.map { "\($0)" } ?? "?"):\($0.port ?? 0)" } ?? "-"
            events.warning("\(client) [\(frontend.plan.name)~] \(reason)"
                           + (skipped > 0 ? " (and \(skipped) more failed handshakes not reported)" : ""))
        } else {
            counters.unreported.wrappingIncrement(ordering: .relaxed)
        }
        context.close(promise: nil)
    }
}
