import LBConfig
import LBCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket lb opened, as actually bound (port 0 in the configuration gets its real port here).
public struct ListeningSocket: Sendable, CustomStringConvertible {
    public let frontend: String
    public let mode: ProxyMode
    public let address: SocketAddress
    /// The bind terminates TLS (`ssl crt ...`).
    public var isTLS = false
    public var description: String { "\(frontend) \(mode.rawValue) \(address)" }

    /// How a client reaches the socket: `http`, `https`, or for TCP mode `tcp` and `tls`.
    public var scheme: String {
        switch mode {
        case .http: isTLS ? "https" : "http"
        case .tcp: isTLS ? "tls" : "tcp"
        }
    }
}

/// Why lb could not start.
public struct StartupError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The running load balancer: event loops, listeners, sessions and health checks for one `ProxyPlan`.
public final class LoadBalancer: Sendable {
    let group: MultiThreadedEventLoopGroup
    /// The loops that drive client and server sockets themselves (see `EpollLoop`), one per thread;
    /// empty with `noepoll`, where SwiftNIO's loops serve the connections. SwiftNIO's loops stay for what
    /// its bootstraps set up: health checks, the runtime API, peers.
    let epollLoops: [EpollLoop]
    /// The loops that accept and serve connections.
    var sessionLoops: [EventLoop] { epollLoops.isEmpty ? Array(group.makeIterator()) : epollLoops }
    let runtime: ProxyRuntime
    let gate: AcceptGate
    let listeners = NIOLockedValueBox<[Channel]>([])
    /// Each frontend's listening sockets bound per loop (by frontend index), with the bind they serve and
    /// the port they got: `disable frontend` closes them, `enable frontend` binds them again.
    let frontendListeners = NIOLockedValueBox<[Int: [FrontendListener]]>([:])
    private let healthChecks = NIOLockedValueBox<[HealthChecker]>([])
    private let agentChecks = NIOLockedValueBox<[AgentChecker]>([])
    private let draining = NIOLockedValueBox(false)
    /// Inherited listeners bound but not accepting yet (`start(holdingInherited:)`).
    private let held = NIOLockedValueBox<[(channel: Channel, frontend: FrontendRuntime, batch: Int)]>([])

    /// True once a graceful stop has told every session to finish (listeners are closed by then).
    public var isDraining: Bool { draining.withLockedValue { $0 } }

    private let startedAt = monotonicNow()
    /// Process facts from outside the data plane (log pipeline counters) for `show info`.
    private let processFacts: @Sendable () -> [(String, String)]
    /// Re-opens log files (runtime command `reopen logs`).
    private let reopenLogs: @Sendable () -> Bool

    /// Prepares the runtime: resolves every server address once, creates `nbthread` event loops.
    /// `accessLog` receives one record per finished request or TCP session.
    public init(
        plan: ProxyPlan, accessLog: (any AccessLogReceiver)? = nil,
        processFacts: @escaping @Sendable () -> [(String, String)] = { [] },
        reopenLogs: @escaping @Sendable () -> Bool = { true }
    ) throws {
        if let error = LogFormatCheck.diagnostics(for: plan).first(where: { $0.severity == .error }) {
            throw StartupError(message: error.description)
        }
        self.processFacts = processFacts
        self.reopenLogs = reopenLogs
        let threads = plan.global.threads ?? System.coreCount
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        var tlsDiagnostics: [Diagnostic] = []
        let terminators = TLSSetup.terminators(for: plan, diagnostics: &tlsDiagnostics)
        let serverContexts = TLSSetup.serverContexts(for: plan, diagnostics: &tlsDiagnostics)
        if let error = tlsDiagnostics.first(where: { $0.severity == .error }) {
            try? group.syncShutdownGracefully()
            throw StartupError(message: error.description)
        }
        var backends: [BackendRuntime] = []
        do {
            for (index, backend) in plan.backends.enumerated() {
                var servers: [ServerRuntime] = []
                for (position, server) in backend.servers.enumerated() {
                    servers.append(try Self.resolve(server, backend: backend.name, tls: serverContexts[index][position]))
                }
                backends.append(BackendRuntime(plan: backend, index: index, servers: servers))
            }
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        var epollLoops: [EpollLoop] = []
        if !plan.global.noEpoll {
            do {
                for index in 0..<max(1, threads) { epollLoops.append(try EpollLoop(name: "lb-loop-\(index)")) }
            } catch {
                for loop in epollLoops { loop.shutdownGracefully { _ in } }
                try? group.syncShutdownGracefully()
                throw StartupError(message: "cannot start the event loops: \(error)")
            }
        }
        self.epollLoops = epollLoops
        let loops = epollLoops.isEmpty ? Array(group.makeIterator()) : epollLoops.map { $0 as EventLoop }
        runtime = ProxyRuntime(plan: plan, backends: backends, loops: loops, controlLoop: group.next(),
                               accessLog: accessLog, terminators: terminators)
        gate = AcceptGate(runtime: runtime)
    }

    private static func resolve(_ server: ServerPlan, backend: String, tls: ServerTLSContext?) throws -> ServerRuntime {
        let port = server.port ?? 0
        do {
            let address: SocketAddress
            if IPAddress(server.host) != nil {
                address = try SocketAddress(ipAddress: server.host, port: port)
            } else {
                address = try SocketAddress.makeAddressResolvingHost(server.host, port: port)
            }
            let host = address.ipAddress?.description ?? server.host
            return ServerRuntime(plan: server, backendName: backend, address: server.port == nil ? nil : address,
                                 resolvedHost: host, tls: tls)
        } catch {
            throw StartupError(message: "backend '\(backend)': server '\(server.name)': cannot resolve '\(server.host)': \(error)")
        }
    }

    /// Binds every frontend's addresses and starts health checks. Returns the bound sockets.
    ///
    /// With `holdingInherited`, the `fd@N` listeners are set up but accept nothing until
    /// `acceptInherited()`: in a hand-over the previous process still accepts on those very sockets, and
    /// two processes woken for one connection would both try to take it (SwiftNIO's debug builds trap
    /// on the loser's empty accept). Meanwhile connections wait in the socket's queue; none is refused.
    public func start(holdingInherited: Bool = false) async throws -> [ListeningSocket] {
        runtime.restoreServerStates()
        var bound: [ListeningSocket] = []
        for frontend in runtime.frontends {
            for (bindIndex, bind) in frontend.plan.binds.enumerated() {
                let terminator = bindIndex < frontend.terminators.count ? frontend.terminators[bindIndex] : nil
                if let descriptor = bind.descriptor {
                    let channel = try await adoptListener(frontend, bind, terminator, descriptor: descriptor, hold: holdingInherited)
                    listeners.withLockedValue { $0.append(channel) }
                    if let address = channel.localAddress {
                        bound.append(ListeningSocket(frontend: frontend.plan.name, mode: frontend.plan.mode, address: address))
                    }
                    continue
                }
                // One listening socket per event loop on the same address (SO_REUSEPORT): the kernel spreads
                // new connections over them, and each loop serves the connections it accepts itself, with no
                // hand-over to another thread per connection.
                var port = bind.port
                var address: SocketAddress?
                for loop in sessionLoops {
                    let (channel, batch) = try await bindListener(frontend, bind, terminator, port: port, on: loop)
                    gate.register(channel, frontend: frontend, batch: batch)
                    listeners.withLockedValue { $0.append(channel) }
                    if address == nil {
                        address = channel.localAddress
                        port = channel.localAddress?.port ?? port
                    }
                    frontendListeners.withLockedValue {
                        $0[frontend.index, default: []].append(FrontendListener(bind: bindIndex, port: port, channel: channel))
                    }
                }
                if let address {
                    bound.append(ListeningSocket(frontend: frontend.plan.name, mode: frontend.plan.mode, address: address,
                                                 isTLS: terminator != nil))
                }
            }
        }
        startHealthChecks()
        for service in runtime.peers { try await service.start() }
        for socket in runtime.plan.global.statsSockets {
            let channel = try await RuntimeAPIServer.bind(
                socket, runtime: runtime, group: group, startedAt: startedAt, processFacts: processFacts, reopenLogs: reopenLogs,
                switchFrontend: { [weak self] name, enable, loop in
                    guard let self else { return loop.makeSucceededFuture("No such frontend.\n") }
                    return enable ? self.enableFrontend(name, on: loop) : self.disableFrontend(name, on: loop)
                })
            listeners.withLockedValue { $0.append(channel) }
        }
        return bound
    }

    /// Binds one listening socket of `bind` (on `port`, which the first socket of a port-0 bind chose)
    /// for the loop `loop`, whose connections stay on it; returns it and the accept batch it was bound with.
    private func bindListener(_ frontend: FrontendRuntime, _ bind: BindAddress, _ terminator: TLSTerminator?, port: Int,
                              on loop: EventLoop) async throws -> (Channel, Int) {
        let (channel, batch) = listenerBinding(frontend, bind, terminator, port: port, on: loop)
        do {
            return (try await channel.get(), batch)
        } catch {
            throw StartupError(message: "\(bind.location): frontend '\(frontend.plan.name)': cannot bind \(bind): \(error)")
        }
    }

    /// `bindListener` as a future, for the runtime API (`enable frontend`), which must not wait on Swift
    /// concurrency's threads.
    func listenerBinding(_ frontend: FrontendRuntime, _ bind: BindAddress, _ terminator: TLSTerminator?, port: Int,
                         on loop: EventLoop) -> (channel: EventLoopFuture<Channel>, batch: Int) {
        let host = bind.host ?? "0.0.0.0"
        let batch = gate.initialBatch(frontend, listeners: runtime.loopCount)
        if let loop = loop as? EpollLoop {
            do {
                let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
                return (EpollServerChannel.bind(to: address, backlog: Int32(KernelChecks.listenBacklog), on: loop, batch: batch,
                                                initializeChild: childInitializer(frontend, bind, terminator)), batch)
            } catch {
                return (loop.makeFailedFuture(error), batch)
            }
        }
        let bootstrap = listenerBootstrap(frontend, bind, terminator, acceptingOn: loop, childGroup: loop, batch: batch)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Always, even with one loop, as HAProxy does: a new lb started with `-sf` binds the same
            // addresses while the old one still listens, then tells it to stop.
            .serverChannelOption(ChannelOptions.Types.SocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_REUSEPORT)),
                                 value: 1)
        return (bootstrap.bind(host: host, port: port), batch)
    }

    /// Serves `bind fd@N`: the inherited socket is already bound (and usually listening), so there is one
    /// socket, not one per loop. One loop accepts on it and hands each connection to the next loop in
    /// turn (`childGroup`), so the sessions still use every thread; a session lives on the loop it was
    /// handed to, as with per-loop sockets. The alternative, one duplicate of the descriptor registered
    /// on every loop, would wake all loops for each connection and let only one of them accept it.
    private func adoptListener(_ frontend: FrontendRuntime, _ bind: BindAddress, _ terminator: TLSTerminator?,
                               descriptor: Int32, hold: Bool) async throws -> Channel {
        let batch = gate.initialBatch(frontend, listeners: 1)
        do {
            try InheritedSocket.validate(descriptor)
            if let loop = epollLoops.first {
                let channel = try await EpollServerChannel.adopt(
                    descriptor, on: loop, childLoops: epollLoops, batch: batch, autoRead: !hold,
                    backlog: Int32(KernelChecks.listenBacklog),
                    initializeChild: childInitializer(frontend, bind, terminator)).get()
                if hold {
                    held.withLockedValue { $0.append((channel, frontend, batch)) }
                } else {
                    gate.register(channel, frontend: frontend, batch: batch)
                }
                return channel
            }
            let channel = try await listenerBootstrap(frontend, bind, terminator, acceptingOn: group.next(), childGroup: group, batch: batch)
                .serverChannelOption(.autoRead, value: !hold)
                .withBoundSocket(descriptor).get()
            if hold {
                held.withLockedValue { $0.append((channel, frontend, batch)) }
            } else {
                gate.register(channel, frontend: frontend, batch: batch)
            }
            return channel
        } catch {
            throw StartupError(message: "\(bind.location): frontend '\(frontend.plan.name)': cannot listen on \(bind): \(error)")
        }
    }

    /// The bootstrap of a frontend's listening socket: accepts on `loop`, sets sessions up on `childGroup`
    /// (behind TLS when the bind has a `terminator`).
    private func listenerBootstrap(_ frontend: FrontendRuntime, _ bind: BindAddress, _ terminator: TLSTerminator?,
                                   acceptingOn loop: EventLoop, childGroup: EventLoopGroup, batch: Int) -> ServerBootstrap {
        let acceptProxy = bind.acceptProxy
        let runtime = self.runtime
        let gate = self.gate
        return ServerBootstrap(group: loop, childGroup: childGroup)
            .serverChannelOption(.backlog, value: Int32(KernelChecks.listenBacklog))
            // Several accepts per wake-up; the gate shrinks the batch near a maxconn limit.
            .serverChannelOption(.maxMessagesPerRead, value: UInt(batch))
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptCounter(gate: gate, frontend: frontend))
                }
            }
            // No child channel options: the bootstrap applies each through a chain of futures (about eight
            // allocations apiece, per connection); they are set here directly instead.
            .childChannelInitializer { channel in
                // The loop's cached succeeded future: a new one per connection would be an allocation.
                do {
                    try LoadBalancer.setUpSession(channel, frontend, acceptProxy: acceptProxy, terminator: terminator, runtime: runtime)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
    }

    /// What an `EpollServerChannel` does with each connection it accepts: counts it at the gate (which
    /// SwiftNIO's listeners do in `AcceptCounter`), then sets its session up.
    private func childInitializer(_ frontend: FrontendRuntime, _ bind: BindAddress,
                                  _ terminator: TLSTerminator?) -> EpollServerChannel.ChildInitializer {
        let runtime = self.runtime, gate = self.gate, acceptProxy = bind.acceptProxy
        return { channel in
            gate.accepted(frontend, child: channel)
            try LoadBalancer.setUpSession(channel, frontend, acceptProxy: acceptProxy, terminator: terminator, runtime: runtime)
        }
    }

    /// Sets an accepted connection's pipeline up: the options and handlers its frontend's bind asks for,
    /// then the session of the frontend's mode.
    private static func setUpSession(_ channel: Channel, _ frontend: FrontendRuntime, acceptProxy: Bool,
                                     terminator: TLSTerminator?, runtime: ProxyRuntime) throws {
        let loop = runtime.context(for: channel.eventLoop)
        if let options = channel.syncOptions {
            #if !os(Linux)
            try options.setOption(.tcpOption(.tcp_nodelay), value: 1)
            #endif
            // On Linux an accepted socket inherits TCP_NODELAY from the listener, which the
            // bootstrap sets: setting it again would be a system call per connection.
            try options.setOption(.allowRemoteHalfClosure, value: true)
            try options.setOption(.recvAllocator, value: runtime.receiveBuffers.allocator)
        }
        // One set of trackers from the first rule to the last request: `tcp-request connection`
        // tracking lasts as long as the connection.
        let trackers = runtime.stickTables.isEmpty ? nil : SessionStickTrackers(tables: runtime.stickTables)
        if !frontend.plan.connectionRules.isEmpty {
            try channel.pipeline.syncOperations.addHandler(
                TCPRuleGate(phase: .connection, frontend: frontend, runtime: runtime, trackers: trackers, tlsBind: false))
        }
        if acceptProxy {
            try channel.pipeline.syncOperations.addHandler(ProxyProtocolReader(frontend: frontend, events: runtime.events, timers: loop.timers))
        }
        if let terminator {
            let sniffer = TLSHelloSniffer()
            let tlsHandler = terminator.makeHandler()
            try channel.pipeline.syncOperations.addHandlers([
                sniffer, tlsHandler,
                TLSHandshakeRecorder(sniffer: sniffer, tlsHandler: tlsHandler, frontend: frontend, events: runtime.events,
                                 timers: loop.timers),
            ])
        }
        if !frontend.plan.sessionRules.isEmpty {
            try channel.pipeline.syncOperations.addHandler(
                TCPRuleGate(phase: .session, frontend: frontend, runtime: runtime, trackers: trackers, tlsBind: terminator != nil))
        }
        switch frontend.plan.mode {
        case .http:
            try channel.pipeline.syncOperations.addHandler(
                HTTPSession(runtime: runtime, frontend: frontend, loop: loop, stickTrackers: trackers))
        case .tcp:
            try channel.pipeline.syncOperations.addHandler(
                TCPSession(runtime: runtime, frontend: frontend, loop: loop, stickTrackers: trackers))
        }
    }

    private func startHealthChecks() {
        var checkers: [HealthChecker] = []
        var agents: [AgentChecker] = []
        var loops = group.makeIterator()
        for backend in runtime.backends {
            for server in backend.servers where server.plan.check || server.plan.agent != nil {
                guard let loop = loops.next() ?? { loops = group.makeIterator(); return loops.next() }() else { continue }
                if server.plan.check {
                    let checker = HealthChecker(server: server, backend: backend, eventLoop: loop, events: runtime.events,
                                                runtime: runtime)
                    server.observer?.attach(checker)
                    checker.start()
                    checkers.append(checker)
                }
                if let settings = server.plan.agent {
                    let agent = AgentChecker(server: server, backend: backend, settings: settings, eventLoop: loop,
                                             runtime: runtime)
                    agent.start()
                    agents.append(agent)
                }
            }
        }
        healthChecks.withLockedValue { $0 = checkers }
        agentChecks.withLockedValue { $0 = agents }
    }

    /// Starts accepting on the inherited listeners `start(holdingInherited: true)` held back.
    public func acceptInherited() {
        let channels = held.withLockedValue { entries in
            defer { entries.removeAll() }
            return entries
        }
        for entry in channels {
            entry.channel.eventLoop.execute {
                try? entry.channel.syncOptions?.setOption(.autoRead, value: true)
                entry.channel.read()
            }
            gate.register(entry.channel, frontend: entry.frontend, batch: entry.batch)
        }
    }

    /// Connections currently open on every frontend.
    public var currentConnections: Int { runtime.currentConnections.load(ordering: .relaxed) }

    /// Stops accepting new connections; established ones go on, and so does every connection already
    /// accepted.
    ///
    /// A listener does not close at once: a connection it accepted is set up on its own event loop and
    /// then handed back to the listener's loop, and SwiftNIO closes, unanswered, a connection whose
    /// listener closed in between (its client sees a reset; with `-W` and a connection per request that
    /// was a batch of requests lost per reload). So the listeners first stop accepting, every loop then
    /// finishes the set-ups it has queued, the listeners' loops take the connections back, and only
    /// then do the listeners close. Connections still in the kernel's queue stay there for the next
    /// process when the socket is shared.
    public func stopListening() async {
        let channels = listeners.withLockedValue { channels in
            defer { channels.removeAll() }
            return channels
        }
        gate.unregister(channels)
        for channel in channels { try? await channel.setOption(.autoRead, value: false).get() }
        for loop in group.makeIterator() { try? await loop.submit {}.get() }
        for loop in epollLoops { try? await loop.submit {}.get() }
        for channel in channels { try? await channel.eventLoop.submit {}.get() }
        for channel in channels { try? await channel.close() }
    }

    /// Graceful stop. For a soft stop (`keepServing`), first the frontends' `grace` (the longest), during
    /// which lb serves as usual but its monitor URIs fail, so that a keepalived `vrrp_script` or an
    /// upstream balancer moves traffic away. Then no new connections, idle keep-alive connections closed,
    /// in-flight requests finish (each answered with `Connection: close`) within what is left of `grace`;
    /// then everything closes.
    public func shutdown(grace: TimeAmount = .seconds(10), keepServing: Bool = true) async {
        runtime.stopAnnounced.store(true, ordering: .relaxed)
        // As HAProxy's stopping process does, leave the peers at once: a new process started by a reload
        // takes this node's place among them, and the two must not keep displacing each other.
        for service in runtime.peers { await service.stop() }
        let frontendGrace = keepServing ? runtime.frontends.compactMap(\.plan.grace).max() ?? 0 : 0
        let serving = min(TimeAmount.milliseconds(Int64(frontendGrace)), grace)
        if serving > .zero { try? await Task.sleep(nanoseconds: UInt64(serving.nanoseconds)) }
        let remaining = grace - serving
        await stopListening()
        for checker in healthChecks.withLockedValue({ $0 }) { checker.stop() }
        for agent in agentChecks.withLockedValue({ $0 }) { agent.stop() }
        for (loop, box) in runtime.allLoopContexts {
            try? await loop.submit { box.value.beginDrain() }.get()
        }
        draining.withLockedValue { $0 = true }
        let deadline = NIODeadline.now() + remaining
        while runtime.currentConnections.load(ordering: .relaxed) > 0, NIODeadline.now() < deadline {
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        try? await group.shutdownGracefully()
        for loop in epollLoops { try? await loop.shutdownGracefully() }
    }
}
