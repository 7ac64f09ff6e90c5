import LBCore
import NIOCore

/// Runs a frontend's `tcp-request connection` rules at accept, before a byte is read, or its
/// `tcp-request session` rules once the connection is set up: behind the PROXY header (`accept-proxy`)
/// and the TLS handshake. The session handler behind it learns the connection is active only once the
/// rules accepted it.
///
/// A refused connection is closed at once and counted in `dcon` or `dses`; as in HAProxy it is not a
/// session and leaves no log line (the session is told so with `RefusedByRules`).
final class TCPRuleGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    enum Phase { case connection, session }

    private let phase: Phase
    private let frontend: FrontendRuntime
    private let runtime: ProxyRuntime
    private let trackers: SessionStickTrackers?
    /// The session phase of a TLS bind waits for the handshake.
    private var awaitingHandshake: Bool
    private var activePending = false
    private var proxied: ProxiedConnection?
    private var tls: TLSSessionFacts?
    private var refused = false

    init(phase: Phase, frontend: FrontendRuntime, runtime: ProxyRuntime, trackers: SessionStickTrackers?, tlsBind: Bool) {
        self.phase = phase
        self.frontend = frontend
        self.runtime = runtime
        self.trackers = trackers
        self.awaitingHandshake = phase == .session && tlsBind
    }

    func channelActive(context: ChannelHandlerContext) {
        activePending = true
        if !awaitingHandshake { decide(context: context) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Bytes of a refused connection go nowhere.
        guard !refused else { return }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ProxiedConnection { proxied = event }
        if let event = event as? TLSEstablished { tls = event.facts }
        context.fireUserInboundEventTriggered(event)
        if event is TLSEstablished, awaitingHandshake {
            awaitingHandshake = false
            if activePending { decide(context: context) }
        }
    }

    private func decide(context: ChannelHandlerContext) {
        activePending = false
        let remote = context.channel.remoteAddress, local = context.channel.localAddress
        var info = ConnectionInfo(source: remote?.ipAddress, sourcePort: remote?.port ?? 0,
                                  destination: local?.ipAddress, destinationPort: local?.port ?? 0, tls: tls)
        if let proxied { info = proxied.apply(to: info) }
        let rules = phase == .connection ? frontend.plan.connectionRules : frontend.plan.sessionRules
        switch rules.evaluate(connection: info, serverCounts: runtime, stickCounters: trackers) {
        case .reject:
            refused = true
            (phase == .connection ? frontend.deniedConnections : frontend.deniedSessions).wrappingIncrement(ordering: .relaxed)
            context.fireUserInboundEventTriggered(RefusedByRules())
            context.close(promise: nil)
        case .accept:
            // The connection is a session once the last of these gates let it through.
            if phase == .session || frontend.plan.sessionRules.isEmpty { trackers?.sessionAccepted() }
            context.fireChannelActive()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// Told to the session handler when `tcp-request connection|session` rules closed its connection: it
/// is not a session and logs nothing.
struct RefusedByRules {}
