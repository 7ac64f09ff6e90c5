import LBConfig
import LBCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Periodic health checks of one server: a TCP connect, or the backend's check program (`option httpchk`,
/// `option tcp-check`, a protocol check) run by `CheckRunner`. Results feed the rise/fall state machine
/// (`HealthState`); a change of side flips the server's `healthy` flag that balancers read, and is
/// reported with HAProxy's wording.
final class HealthChecker: Sendable {
    let server: ServerRuntime
    let backend: BackendRuntime
    let eventLoop: EventLoop
    /// Where state changes are reported.
    let events: EventLog
    /// Where sessions are cut (`on-marked-down`, `on-marked-up`); nil in tests that run a checker alone.
    let runtime: ProxyRuntime?
    let state: NIOLoopBoundBox<CheckState>
    /// The server's rise/fall counter.
    var health: NIOLockedValueBox<HealthState> { server.health }

    /// Mutable check state, confined to the checker's event loop.
    final class CheckState {
        var next: Scheduled<Void>?
        var stopped = false
        /// When the scheduled check runs; nil while one is running.
        var nextDue: NIODeadline?
    }

    init(server: ServerRuntime, backend: BackendRuntime, eventLoop: EventLoop, events: EventLog, runtime: ProxyRuntime? = nil) {
        self.events = events
        self.runtime = runtime
        self.server = server
        self.backend = backend
        self.eventLoop = eventLoop
        state = NIOLoopBoundBox.makeBoxSendingValue(
            CheckState(), eventLoop: eventLoop)
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

    func scheduleNext(after milliseconds: Int) {
        guard !state.value.stopped else { return }
        state.value.nextDue = .now() + .milliseconds(Int64(milliseconds))
        state.value.next = eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {
            self.state.value.nextDue = nil
            self.runCheck()
        }
    }

    private var checkTimeout: Int { backend.plan.timeouts.check ?? server.plan.checkInterval }

    private func runCheck() {
        // A server in maintenance, or with checks disabled, is not checked; look again later.
        if server.admin.mode == .maintenance || !server.admin.checksEnabled.load(ordering: .relaxed) {
            scheduleNext(after: server.plan.checkInterval)
            return
        }
        let started = NIODeadline.now()
        let program = backend.plan.checkProgram ?? .connectOnly
        CheckRunner.run(program, server: server, eventLoop: eventLoop, timeout: .milliseconds(Int64(checkTimeout))) { verdict in
            self.finish(verdict, started: started)
        }
    }

    private func finish(_ result: CheckResult, started: NIODeadline) {
        let duration = Int((NIODeadline.now() - started).nanoseconds / 1_000_000)
        server.lastCheck.store(result.status.rawValue, ordering: .relaxed)
        server.checkReport.recordCheck(result, duration: duration)
        let (transition, updated) = health.withLockedValue { health in
            let transition = health.record(passed: result.status.passed)
            server.admin.checkHealth.store(health.health, ordering: .relaxed)
            return (transition, health)
        }
        apply(transition, result: result, duration: duration)
        scheduleNext(after: updated.nextCheckInterval(for: server.plan))
    }

    static func describe(_ error: Error) -> String {
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
