import LBConfig
import LBCore
import NIOCore
import NIOPosix

/// Periodic health checks of one server: a TCP connect, or an HTTP request when the backend has
/// `option httpchk`. Results feed the rise/fall state machine (`HealthState`); a change of side flips the
/// server's `healthy` flag that balancers read, and is reported with HAProxy's wording.
final class HealthChecker: Sendable {
    let server: ServerRuntime
    let backend: BackendRuntime
    let eventLoop: EventLoop
    /// Where state changes are reported.
    let events: EventLog
    private let state: NIOLoopBoundBox<CheckState>

    /// Mutable check state, confined to the checker's event loop.
    final class CheckState {
        var health: HealthState
        var next: Scheduled<Void>?
        var stopped = false
        init(health: HealthState) { self.health = health }
    }

    /// `initialHealth`: the check counter to start from (a saved server state), nil for HAProxy's default.
    init(server: ServerRuntime, backend: BackendRuntime, eventLoop: EventLoop, events: EventLog, initialHealth: Int? = nil) {
        self.events = events
        self.server = server
        self.backend = backend
        self.eventLoop = eventLoop
        state = NIOLoopBoundBox.makeBoxSendingValue(
            CheckState(health: HealthState(rise: server.plan.rise, fall: server.plan.fall, initialHealth: initialHealth)),
            eventLoop: eventLoop)
    }

    func start() {
        eventLoop.execute { self.scheduleNext(after: 0) }
    }

    func stop() {
        eventLoop.execute {
            self.state.value.stopped = true
            self.state.value.next?.cancel()
        }
    }

    private func scheduleNext(after milliseconds: Int) {
        guard !state.value.stopped else { return }
        state.value.next = eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) { self.runCheck() }
    }

    private var checkTimeout: Int { backend.plan.timeouts.check ?? server.plan.checkInterval }

    private func runCheck() {
        // A server in maintenance, or with checks disabled, is not checked; look again later.
        if server.admin.mode == .maintenance || !server.admin.checksEnabled.load(ordering: .relaxed) {
            scheduleNext(after: server.plan.checkInterval)
            return
        }
        let started = NIODeadline.now()
        let port = server.plan.checkPort ?? server.plan.port ?? 0
        let host = server.plan.checkAddress ?? server.resolvedHost
        guard let address = (try? SocketAddress(ipAddress: host, port: port)) ?? server.address else {
            finish(CheckResult(status: .socketError, info: "cannot build the check address"), started: started)
            return
        }
        let timeout = TimeAmount.milliseconds(Int64(checkTimeout))
        let httpCheck = backend.plan.healthCheck.httpCheck
        let reader = NIOLoopBound(CheckResponseReader(), eventLoop: eventLoop)
        // `check-ssl`, or `ssl` with checks to the traffic's address: the check's TCP connect is followed by
        // a handshake (SNI from `check-sni`), and a connect-only check passes at layer 6.
        let handshake = server.plan.tls?.checks == true ? server.tls.map {
            NIOLoopBound(ServerHandshake(context: $0, serverName: server.plan.tls?.settings.checkServerName, eventLoop: eventLoop),
                         eventLoop: eventLoop)
        } : nil
        let connect = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let handshake { try handshake.value.install(in: channel.pipeline.syncOperations) }
                    try channel.pipeline.syncOperations.addHandler(reader.value)
                }
            }
            .connect(to: address)
        connect.whenComplete { result in
            switch result {
            case .failure(let error):
                handshake?.value.abandon(error)
                let timedOut = error.isConnectTimeout
                self.finish(CheckResult(status: timedOut ? .layer4Timeout : .layer4ConnectionProblem,
                                        info: timedOut ? nil : Self.describe(error)), started: started)
            case .success(let channel):
                guard let handshake else {
                    self.connected(channel, httpCheck: httpCheck, reader: reader, started: started, timeout: timeout)
                    return
                }
                let timer = self.eventLoop.scheduleTask(deadline: started + timeout) { channel.close(promise: nil) }
                handshake.value.result.whenComplete { outcome in
                    timer.cancel()
                    switch outcome {
                    case .success:
                        self.connected(channel, httpCheck: httpCheck, reader: reader, started: started, timeout: timeout,
                                       passed: .layer6OK)
                    case .failure(let error):
                        channel.close(promise: nil)
                        let timedOut = NIODeadline.now() >= started + timeout
                        self.finish(CheckResult(status: timedOut ? .layer6Timeout : .layer6InvalidResponse,
                                                info: timedOut ? ServerHandshakeError.timedOut.description : "\(error)"),
                                    started: started)
                    }
                }
            }
        }
    }

    /// The connection (and its TLS handshake, if any) is up: a connect-only check has passed at `passed`;
    /// an HTTP check sends its request.
    private func connected(_ channel: Channel, httpCheck: Bool, reader: NIOLoopBound<CheckResponseReader>, started: NIODeadline,
                           timeout: TimeAmount, passed: CheckResult.Status = .layer4OK) {
        guard httpCheck else {
            channel.close(promise: nil)
            finish(CheckResult(status: passed, info: nil), started: started)
            return
        }
        sendHTTPCheck(on: channel, reader: reader, started: started, timeout: timeout)
    }

    private func sendHTTPCheck(on channel: Channel, reader: NIOLoopBound<CheckResponseReader>, started: NIODeadline, timeout: TimeAmount) {
        let settings = backend.plan.healthCheck
        var request = "\(settings.method) \(settings.uri) \(settings.version)\r\n"
        for header in settings.headers { request += header + "\r\n" }
        if settings.version == "HTTP/1.1", !settings.headers.contains(where: { $0.lowercased().hasPrefix("host:") }) {
            request += "Host: \(server.plan.host)\r\n"
        }
        request += "Connection: close\r\n\r\n"
        channel.writeAndFlush(channel.allocator.buffer(string: request), promise: nil)
        let timeoutTask = eventLoop.scheduleTask(deadline: started + timeout) { channel.close(promise: nil) }
        reader.value.status.futureResult.whenComplete { result in
            timeoutTask.cancel()
            channel.close(promise: nil)
            switch result {
            case .success(let status):
                let passed = HTTPCheckExpectation.verdict(expect: settings.expect, status: status)
                self.finish(CheckResult(status: passed ? .layer7OK : .layer7WrongStatus, code: status, info: nil), started: started)
            case .failure:
                let timedOut = NIODeadline.now() >= started + timeout
                self.finish(CheckResult(status: timedOut ? .layer7Timeout : .layer7InvalidResponse, info: nil), started: started)
            }
        }
    }

    private func finish(_ result: CheckResult, started: NIODeadline) {
        let duration = Int((NIODeadline.now() - started).nanoseconds / 1_000_000)
        server.lastCheck.store(result.status.rawValue, ordering: .relaxed)
        let box = state.value
        let transition = box.health.record(passed: result.status.passed)
        server.admin.checkHealth.store(box.health.health, ordering: .relaxed)
        switch transition {
        case .wentDown:
            backend.setHealth(of: server, up: false)
            events.alert(StateMessages.serverDown(server, backend: backend, result: result, duration: duration))
            if backend.usableServerCount == 0 { events.emergency("backend \(backend.plan.name) has no server available!") }
        case .wentUp:
            backend.setHealth(of: server, up: true)
            events.notice(StateMessages.serverUp(server, backend: backend, result: result, duration: duration))
        case nil:
            break
        }
        scheduleNext(after: box.health.nextCheckInterval(for: server.plan))
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED: return "Connection refused"
            case ENETUNREACH: return "Network is unreachable"
            case EHOSTUNREACH: return "No route to host"
            default: return "\(error)"
            }
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return describe(first.error)
        }
        return "\(error)"
    }
}

/// Reads the status code of a health-check response.
final class CheckResponseReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var status: EventLoopPromise<Int>!
    private var received: ByteBuffer?

    func handlerAdded(context: ChannelHandlerContext) {
        status = context.eventLoop.makePromise()
    }

    /// A channel that never connected goes away without becoming inactive: settle the promise here too.
    func handlerRemoved(context: ChannelHandlerContext) {
        status.fail(ChannelError.ioOnClosedChannel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if received == nil { received = buffer } else { received!.writeBuffer(&buffer) }
        guard let bytes = received?.readableBytesView, bytes.count >= 12 else { return }
        let text = String(decoding: bytes.prefix(12), as: UTF8.self)
        if text.hasPrefix("HTTP/"), let code = Int(text.dropFirst(9).prefix(3)) {
            status.succeed(code)
        } else {
            status.fail(ChannelError.inputClosed)
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        status.fail(ChannelError.inputClosed)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
