import LBCore
import NIOCore
import NIOSSL
import NIOTLS

/// Sits after the TLS handler: when the handshake completes it assembles what it established (from the
/// TLS handler and the sniffed hellos), counts it, and hands it to the session as `TLSEstablished`; then
/// it leaves the pipeline. A handshake that fails, or takes longer than `timeout client`, is counted,
/// reported (at most one line per second per frontend) and closed.
final class TLSHandshakeRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let sniffer: TLSHelloSniffer
    private let tlsHandler: NIOSSLServerHandler
    private let frontend: FrontendRuntime
    private let events: EventLog
    private let acceptedAt = monotonicNow()
    private var timeout: Scheduled<Void>?
    private var finished = false

    init(sniffer: TLSHelloSniffer, tlsHandler: NIOSSLServerHandler, frontend: FrontendRuntime, events: EventLog) {
        self.sniffer = sniffer
        self.tlsHandler = tlsHandler
        self.frontend = frontend
        self.events = events
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let limit = frontend.plan.timeouts.client else { return }
        timeout = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(limit))) { [weak self] in
            guard let self, !self.finished else { return }
            self.failed(context: context, reason: "SSL handshake timeout")
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard !finished, let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted(let alpn) = tlsEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        finished = true
        timeout?.cancel()
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
            timeout?.cancel()
            frontend.tls.failed.wrappingIncrement(ordering: .relaxed)
        }
        context.fireChannelInactive()
    }

    private func failed(context: ChannelHandlerContext, reason: String) {
        finished = true
        timeout?.cancel()
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
