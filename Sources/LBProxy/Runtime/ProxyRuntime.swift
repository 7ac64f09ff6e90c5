import Atomics
import NIOConcurrencyHelpers
import LBConfig
import LBCore
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The running configuration: plan, live frontends and backends, and the per-loop contexts. Immutable
/// after start apart from its atomics, so every loop reads it freely.
final class ProxyRuntime: Sendable {
    let plan: ProxyPlan
    let frontends: [FrontendRuntime]
    let backends: [BackendRuntime]
    let limits: HTTPLimits
    /// How big the buffers are that client and server connections read into.
    let receiveBuffers: ReceiveBufferSizing
    let processMaxConnections: Int
    /// The smallest timeout any session can set: session timers never sleep longer than this, so a new
    /// deadline never needs an earlier wake-up than the one already scheduled.
    let shortestTimeout: TimeAmount
    let currentConnections = ManagedAtomic<Int>(0)
    /// Where finished requests and sessions are recorded (nil: no access log).
    let accessLog: (any AccessLogReceiver)?
    /// Server state changes and other process events of this lb.
    let events: EventLog
    let clock = WallClock()
    let totalConnections = ManagedAtomic<Int>(0)
    /// The next request number (`%rt`), taken only by frontends whose formats print it.
    let requestCounter = ManagedAtomic<Int64>(0)
    /// Per-second rates, sampled from the counters above.
    let rates: RateBook
    /// Sessions, exchanges and server connections alive now (leak detection).
    let live = LiveObjects()
    /// A stop began: monitor URIs answer 503 from now on, even while `grace` keeps the frontends serving.
    let stopAnnounced = ManagedAtomic(false)
    /// Certificates uploaded with `set ssl cert` and not committed yet, by name.
    let certificateTransactions = NIOLockedValueBox<[String: CertificateBundle]>([:])
    /// Returns freed memory to the system once a load has passed.
    let memoryTrimmer = MemoryTrimmer()
    private let loopContexts: [ObjectIdentifier: NIOLoopBoundBox<LoopContext>]
    /// Every stick table, numbered as `plan.stickTables`; a backend's table is the same object as its
    /// `BackendRuntime.stickTable`.
    let stickTables: [StickTableLock]
    /// The `peers` sections this node takes part in.
    let peers: [PeersService]

    /// `loops` serve the connections, one per thread, each with its `LoopContext`. The peers and the rate
    /// book run on `controlLoop` (default: the first of `loops`), which must be one of SwiftNIO's loops: the
    /// peers' listener and connections use SwiftNIO's bootstraps.
    init(plan: ProxyPlan, backends: [BackendRuntime], loops: [EventLoop], controlLoop: EventLoop? = nil,
         accessLog: (any AccessLogReceiver)?, terminators: [[TLSTerminator?]] = []) {
        let controlLoop = controlLoop ?? loops.first
        self.plan = plan
        self.accessLog = accessLog
        self.events = EventLog(sink: accessLog as? PipelineAccessLog)
        self.backends = backends
        let stickTables = plan.stickTables.map { table in
            if let backend = table.backend, backend < backends.count, let shared = backends[backend].stickTable { return shared }
            return StickTableLock(StickTableStore(table.declaration))
        }
        self.stickTables = stickTables
        self.peers = PeersSetup.services(plan: plan, backends: backends, stickTables: stickTables, loop: controlLoop)
        let processMax = plan.global.maxConnections
        self.processMaxConnections = processMax
        let hostname = plan.global.logSendHostname.flatMap { $0.isEmpty ? nil : $0 } ?? LogSetup.systemHostname()
        self.frontends = plan.frontends.enumerated().map {
            FrontendRuntime(plan: $1, index: $0, processMaxConnections: processMax,
                            uniqueID: UniqueIDGenerator($1.logging, plan: plan, hostname: hostname, pid: Int(getpid())),
                            terminators: $0 < terminators.count ? terminators[$0] : [])
        }
        var timeouts: [Int] = []
        for frontend in plan.frontends {
            let t = frontend.timeouts
            timeouts += [t.requestHead, t.keepAliveIdle, t.client, t.tunnelIdle].compactMap { $0 }
        }
        for backend in plan.backends {
            let t = backend.timeouts
            timeouts += [t.server, t.tunnelIdle].compactMap { $0 }
        }
        self.shortestTimeout = .milliseconds(Int64(max(1, timeouts.min() ?? 10_000)))
        self.limits = HTTPLimits(maxHeadSize: plan.global.bufferSize, maxHeaders: plan.global.maxHeaders)
        self.receiveBuffers = ReceiveBufferSizing(bufferSize: plan.global.bufferSize)
        var contexts: [ObjectIdentifier: NIOLoopBoundBox<LoopContext>] = [:]
        for loop in loops {
            // Each context is moved into a box bound to its loop: only that loop may touch it afterwards.
            contexts[ObjectIdentifier(loop)] = NIOLoopBoundBox.makeBoxSendingValue(
                LoopContext(eventLoop: loop, backends: backends, live: live, receiveBuffers: receiveBuffers), eventLoop: loop)
        }
        self.loopContexts = contexts
        for box in contexts.values {
            box.eventLoop.execute { box.value.startPurging() }
        }
        self.rates = RateBook(frontends: plan.frontends.count, servers: backends.map(\.servers.count))
        if let controlLoop { rates.start(on: controlLoop, runtime: self) }
    }

    /// The context of the loop the caller runs on.
    func context(for loop: EventLoop) -> LoopContext {
        guard let bound = loopContexts[ObjectIdentifier(loop)] else {
            preconditionFailure("event loop not part of lb's group")
        }
        return bound.value
    }

    var loopCount: Int { loopContexts.count }

    /// Closes every session currently using that server, on each session's own loop; `cause` is what
    /// their logs say ended them.
    func killSessions(backend: Int, server: Int, cause: Termination.Cause = .killed) {
        for (loop, box) in allLoopContexts {
            loop.execute {
                for session in box.value.sessions.values { session.kill(ifUsingBackend: backend, server: server, cause: cause) }
            }
        }
    }

    var allLoopContexts: [(EventLoop, NIOLoopBoundBox<LoopContext>)] {
        loopContexts.values.map { ($0.eventLoop, $0) }
    }
}

