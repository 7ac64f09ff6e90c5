import LBConfig
import LBCore
import NIOCore
import NIOPosix

/// Periodic agent checks of one server (`agent-check`): a TCP connection to `agent-addr:agent-port`,
/// `agent-send` written if set, and one line read back whose words change the server's health, mode and
/// weight (`AgentReply`). Not reaching the agent changes nothing: the server's own checks judge
/// connectivity. The agent's verdict and the health checks' are kept apart: the server is UP when both
/// say so.
final class AgentChecker: Sendable {
    let server: ServerRuntime
    let backend: BackendRuntime
    let eventLoop: EventLoop
    let runtime: ProxyRuntime
    let settings: AgentCheckSettings
    private let state: NIOLoopBoundBox<CheckState>

    final class CheckState {
        var next: Scheduled<Void>?
        var stopped = false
    }

    /// The most of an answer read: an agent's line is short.
    static let maximumReply = 1024

    init(server: ServerRuntime, backend: BackendRuntime, settings: AgentCheckSettings, eventLoop: EventLoop,
         runtime: ProxyRuntime) {
        self.server = server
        self.backend = backend
        self.settings = settings
        self.eventLoop = eventLoop
        self.runtime = runtime
        state = NIOLoopBoundBox.makeBoxSendingValue(CheckState(), eventLoop: eventLoop)
    }

    /// `agent-inter`, else HAProxy's default of 2 s (whatever the server's `inter`).
    var interval: Int { settings.interval ?? 2000 }

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

    private func runCheck() {
        let started = NIODeadline.now()
        let host = settings.address ?? server.resolvedHost
        guard let port = settings.port, let address = try? SocketAddress(ipAddress: host, port: port) else {
            finish(failed: CheckResult(status: .socketError, info: "cannot build the agent address"), started: started)
            return
        }
        let timeout = TimeAmount.milliseconds(Int64(backend.plan.timeouts.check ?? interval))
        let reader = NIOLoopBound(AgentReplyReader(limit: Self.maximumReply), eventLoop: eventLoop)
        let send = settings.send
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(reader.value) }
            }
            .connect(to: address)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    let timedOut = error.isConnectTimeout
                    self.finish(failed: CheckResult(status: timedOut ? .layer4Timeout : .layer4ConnectionProblem,
                                                    info: timedOut ? nil : HealthChecker.describe(error)), started: started)
                case .success(let channel):
                    if let send { channel.writeAndFlush(channel.allocator.buffer(string: send), promise: nil) }
                    // An agent still silent at the deadline timed out; its silence is not an empty answer.
                    let timer = self.eventLoop.scheduleTask(deadline: started + timeout) {
                        reader.value.line.fail(ChannelError.connectTimeout(timeout))
                        channel.close(promise: nil)
                    }
                    reader.value.line.futureResult.whenComplete { outcome in
                        timer.cancel()
                        channel.close(promise: nil)
                        switch outcome {
                        case .success(let line):
                            self.finish(reply: line, started: started)
                        case .failure:
                            self.finish(failed: CheckResult(status: .layer7Timeout, info: nil), started: started)
                        }
                    }
                }
            }
    }

    /// Applies the agent's answer and schedules the next check.
    private func finish(reply line: String, started: NIODeadline) {
        apply(AgentReply(Substring(line)), duration: Self.milliseconds(since: started))
        scheduleNext(after: interval)
    }

    /// Records why there was no answer (which changes nothing else) and schedules the next check.
    private func finish(failed result: CheckResult, started: NIODeadline) {
        server.checkReport.recordAgent(result, duration: Self.milliseconds(since: started))
        scheduleNext(after: interval)
    }

    private static func milliseconds(since started: NIODeadline) -> Int {
        Int((NIODeadline.now() - started).nanoseconds / 1_000_000)
    }

    /// In HAProxy's order: the mode first, then the weight, and the health the agent gave last, reported in
    /// the server's final state.
    private func apply(_ reply: AgentReply, duration: Int) {
        var warning: String?
        if let admin = reply.admin { apply(admin) }
        if let weight = reply.weight {
            switch WeightRequest.resolve(weight, initial: server.plan.weight) {
            case .success(let value): backend.setWeight(of: server, to: value)
            case .failure(let refusal): warning = refusal.message
            }
        }
        if let limit = reply.maxConnections, warning == nil {
            warning = "maxconn:\(limit) is not applied: lb's server limits are fixed at start"
        }
        guard let isUp = reply.isUp else {
            let info = reply.firstUnknownWord.map { "agent reports an error : \($0)" } ?? warning.map { "agent warns : \($0)" }
            server.checkReport.recordAgent(CheckResult(status: .checked, info: info), duration: duration)
            return
        }
        let result = CheckResult(status: isUp ? .layer7OK : .layer7WrongStatus, code: 0,
                                 info: reply.report(warning: warning ?? reply.firstUnknownWord.map(String.init)))
        server.checkReport.recordAgent(result, duration: duration)
        server.checkReport.agentUp.store(isUp, ordering: .relaxed)
        let change = ServerHealthChange(server: server, backend: backend, events: runtime.events, runtime: runtime)
        if isUp { change.markUp(result: result, duration: duration) } else { change.markDown(result: result, duration: duration) }
    }

    private func apply(_ admin: AgentReply.Admin) {
        let index = server.plan.index
        switch admin {
        case .ready:
            runtime.setMode(.ready, backend: backend, index: index)
        case .drain:
            // An agent repeats `drain` at every check; like haproxy, only the first one changes or says anything.
            runtime.setMode(.drain, backend: backend, index: index)
        case .maint:
            runtime.setMode(.maintenance, backend: backend, index: index)
        }
    }
}

/// Reads an agent's answer: bytes up to the first line end or NUL, or all of them when the agent closes
/// first or sends more than `limit`.
final class AgentReplyReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var line: EventLoopPromise<String>!
    private var received: [UInt8] = []
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func handlerAdded(context: ChannelHandlerContext) {
        line = context.eventLoop.makePromise()
    }

    /// A channel that never connected goes away without becoming inactive: settle the promise here too.
    func handlerRemoved(context: ChannelHandlerContext) {
        line.fail(ChannelError.ioOnClosedChannel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        received.append(contentsOf: buffer.readableBytesView)
        if received.contains(where: { $0 == 0x0A || $0 == 0x00 }) || received.count >= limit {
            line.succeed(String(decoding: received.prefix(limit), as: UTF8.self))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        line.succeed(String(decoding: received, as: UTF8.self))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
