#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LBConfig
import LBCore
import NIOCore
import NIOPosix

/// Carries out one run of a check program on a server: opens the connections its steps ask for (with TLS
/// and a PROXY line when asked), writes what they send, feeds back what the server answers, and ends with
/// the verdict, once. The decisions are `CheckSession`'s; this class only does the I/O and keeps the
/// deadline. Confined to one event loop.
final class CheckRunner {
    private enum Phase { case connecting, handshaking, established }

    private let server: ServerRuntime
    private let eventLoop: EventLoop
    private let deadline: NIODeadline
    private let completion: (CheckVerdict) -> Void
    private var session: CheckSession
    private var channel: Channel?
    /// Counts connections, so that events from one the program already replaced are ignored.
    private var generation = 0
    private var phase = Phase.connecting
    private var timer: Scheduled<Void>?
    private var done = false

    /// Runs `program` against `server` within `timeout`; `completion` gets the verdict on `eventLoop`.
    static func run(_ program: CheckProgram, server: ServerRuntime, eventLoop: EventLoop, timeout: TimeAmount,
                    completion: @escaping (CheckVerdict) -> Void) {
        let context = CheckSession.Context(host: server.plan.host, unixTime: UInt32(truncatingIfNeeded: time(nil)))
        let runner = CheckRunner(session: CheckSession(program: program, context: context), server: server, eventLoop: eventLoop,
                                 deadline: .now() + timeout, completion: completion)
        runner.start()
    }

    private init(session: CheckSession, server: ServerRuntime, eventLoop: EventLoop, deadline: NIODeadline,
                 completion: @escaping (CheckVerdict) -> Void) {
        self.session = session
        self.server = server
        self.eventLoop = eventLoop
        self.deadline = deadline
        self.completion = completion
    }

    private func start() {
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.expire() }
        perform(session.start())
    }

    private func perform(_ action: CheckSession.Action) {
        guard !done else { return }
        switch action {
        case .connect(let connect):
            open(connect)
        case .send(let bytes):
            channel?.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
            perform(session.resume())
        case .receive:
            break
        case .finish(let verdict):
            complete(verdict)
        }
    }

    private func open(_ connect: CheckProgram.Connect) {
        channel?.close(promise: nil)
        channel = nil
        generation += 1
        phase = .connecting
        let port = connect.port ?? server.plan.checkPort ?? server.plan.port ?? 0
        let host = server.plan.checkAddress ?? server.resolvedHost
        // A server whose address is not an IP (a unix socket) is checked at that address, unless a rule names a port.
        guard let address = (try? SocketAddress(ipAddress: host, port: port)) ?? (connect.port == nil ? server.address : nil) else {
            complete(CheckVerdict(status: .socketError, info: "cannot build the check address"))
            return
        }
        let usesTLS = connect.ssl || (connect.useServerSettings && server.plan.tls?.checks == true)
        var handshake: ServerHandshake?
        if usesTLS {
            guard let tls = server.tls else {
                complete(session.handshakeFailed(error: "no TLS settings for this server", timedOut: false))
                return
            }
            let name = connect.serverName ?? (connect.useServerSettings ? server.plan.tls?.settings.checkServerName : nil)
            handshake = ServerHandshake(context: tls, serverName: name, eventLoop: eventLoop)
        }
        let current = generation
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let handshakeBound = handshake.map { NIOLoopBound($0, eventLoop: eventLoop) }
        // `tcp-check connect send-proxy` writes version 1; a check that connects as the server line says
        // follows its `check-send-proxy` / `send-proxy[-v2]` (see ServerPlan.checkSendProxy).
        let proxyVersion: ProxyProtocolVersion? = connect.sendProxy ? .v1
            : connect.useServerSettings ? server.plan.checkSendProxy : nil
        let remaining = max(deadline - .now(), .milliseconds(1))
        let connecting = ClientBootstrap(group: eventLoop)
            .connectTimeout(remaining)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let proxyVersion { try pipeline.addHandler(ProxyHeaderWriter(.ownAddresses(proxyVersion))) }
                    if let handshakeBound { try handshakeBound.value.install(in: pipeline) }
                    let runner = bound.value
                    try pipeline.addHandler(CheckConnectionHandler(
                        onRead: { bytes in runner.received(bytes, generation: current) },
                        onClose: { runner.closed(generation: current) }))
                }
            }
            .connect(to: address)
        connecting.assumeIsolated().whenComplete { result in
            switch result {
            case .failure(let error):
                handshake?.abandon(error)
                guard current == self.generation, !self.done else { return }
                let timedOut = error.isConnectTimeout
                self.complete(self.session.connectFailed(error: timedOut ? nil : HealthChecker.describe(error), timedOut: timedOut))
            case .success(let channel):
                guard current == self.generation, !self.done else {
                    channel.close(promise: nil)
                    return
                }
                self.channel = channel
                guard let handshake else {
                    self.phase = .established
                    self.perform(self.session.connected())
                    return
                }
                self.phase = .handshaking
                handshake.result.assumeIsolated().whenComplete { outcome in
                    guard current == self.generation, !self.done else { return }
                    switch outcome {
                    case .success:
                        self.phase = .established
                        self.perform(self.session.connected(secure: true))
                    case .failure(let error):
                        self.complete(self.session.handshakeFailed(error: "\(error)", timedOut: false))
                    }
                }
            }
        }
    }

    private func received(_ bytes: [UInt8], generation: Int) {
        guard generation == self.generation, phase == .established else { return }
        perform(session.received(bytes))
    }

    private func closed(generation: Int) {
        guard generation == self.generation, phase == .established else { return }
        perform(session.inputClosed())
    }

    /// The check's time is up: where it was decides the status (connect, TLS handshake, or waiting for an answer).
    private func expire() {
        guard !done else { return }
        switch phase {
        case .connecting: complete(session.connectFailed(error: nil, timedOut: true))
        case .handshaking: complete(session.handshakeFailed(error: ServerHandshakeError.timedOut.description, timedOut: true))
        case .established: complete(session.timedOut())
        }
    }

    private func complete(_ verdict: CheckVerdict) {
        guard !done else { return }
        done = true
        timer?.cancel()
        channel?.close(promise: nil)
        channel = nil
        completion(verdict)
    }
}
