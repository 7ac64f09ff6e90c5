import Dispatch
import Foundation
import LBConfig
import LBCore
import LBLog
#if canImport(Glibc)
import Glibc
#endif

/// Master-worker mode (`-W`, or `master-worker` in the global section), as HAProxy's.
///
/// The master serves no traffic. It holds the listening sockets (`MasterListeners`) and runs one worker,
/// a copy of lb started with those sockets (`SelfSpawn`). On SIGUSR2 it reads the configuration again:
/// - a configuration that fails its check changes nothing; the master says why and the worker serves on;
/// - otherwise a new worker starts on the same sockets; once it reports that it serves, the previous
///   worker gets SIGUSR1 and soft-stops (every keep-alive client gets its next answer with
///   `Connection: close`; `hard-stop-after` bounds it). A new worker that fails to start leaves the
///   previous one serving.
/// SIGTERM, SIGINT and SIGUSR1 go to every worker and the master exits when they have; SIGHUP (re-open
/// the logs) goes to every worker. The master exits too when its current worker dies unasked.
struct Master {
    let reader: ConfigurationReader
    /// The environment the configuration is read with (the master's, plus HAPROXY_LOCALPEER).
    let environment: () -> [String: String]
    /// Prints a diagnostic of a re-read configuration when it should be shown.
    let shows: (Diagnostic) -> Bool
    let verbose: Bool
    let log = MasterLog()

    enum Event: Sendable {
        case signal(Int32)
        /// A worker reported that it serves (true), or ended before it did (false).
        case started(pid_t, Bool)
        case exited(pid_t, Int32)
    }

    /// Runs until every worker has stopped; returns the status for the master to exit with.
    func run(_ first: ConfigurationReader.Outcome) async -> Int32 {
        let (events, sink) = AsyncStream<Event>.makeStream()
        let signals = Self.listen(for: [SIGUSR2, SIGHUP, SIGTERM, SIGINT, SIGUSR1], into: sink)
        defer { withExtendedLifetime(signals) {} }
        var state = State(sink: sink, masterPipe: Self.masterPipe())
        guard let configuration = first.configuration, let plan = first.plan else { return 1 }
        log.use(plan)
        defer { log.close() }
        do {
            try state.listeners.prepare(for: configuration)
            try state.startWorker(configuration, plan: plan, fdBinds: first.inherited)
        } catch {
            say("\(error)", level: .alert)
            return 1
        }

        for await event in events {
            switch event {
            case .signal(SIGUSR2):
                guard state.stopSignal == nil else { continue }
                if state.starting != nil {
                    state.reloadAgain = true
                } else {
                    reload(&state)
                }
            case .signal(SIGHUP):
                state.signalWorkers(SIGHUP)
            case .signal(let number):
                // SIGTERM, SIGINT, SIGUSR1: every worker stops as lb alone would.
                if state.stopSignal == nil {
                    SystemdNotify.stopping()
                    say("\(Self.name(number)) received: stopping \(state.workers.count) worker\(state.workers.count == 1 ? "" : "s")", level: .notice)
                }
                state.stopSignal = number
                state.signalWorkers(number)
            case let .started(pid, serving):
                guard pid == state.starting?.pid, let starting = state.starting else { continue }
                state.starting = nil
                if serving {
                    let previous = state.current
                    state.current = pid
                    state.listeners.close(state.listeners.unused(by: starting.keys))
                    state.currentKeys = starting.keys
                    log.use(starting.plan)
                    if let previous {
                        state.old.insert(previous)
                        kill(previous, SIGUSR1)
                        say("reloaded: worker \(pid) serves; worker \(previous) soft-stops", level: .notice)
                    } else if verbose {
                        say("worker \(pid) serves", level: .info)
                    }
                    SystemdNotify.ready()
                    Daemon.reportReady()
                } else {
                    state.listeners.close(state.listeners.unused(by: state.currentKeys))
                    guard let current = state.current else {
                        // The first worker could not start: nothing to serve, the master fails as lb would.
                        return state.waitExit(pid)
                    }
                    say("reload failed: the new worker (pid \(pid)) exited before serving; worker \(current) serves on", level: .alert)
                    SystemdNotify.ready()
                }
                if state.reloadAgain && state.stopSignal == nil {
                    state.reloadAgain = false
                    reload(&state)
                }
            case let .exited(pid, status):
                state.old.remove(pid)
                state.exited[pid] = status
                if pid == state.current {
                    state.current = nil
                    if state.stopSignal == nil {
                        say("worker \(pid) exited unexpectedly (\(Self.describe(status))); stopping", level: .alert)
                        state.stopSignal = SIGTERM
                        state.signalWorkers(SIGTERM)
                        state.failure = SelfSpawn.failureStatus(status)
                    }
                }
                if state.stopSignal != nil && state.workers.isEmpty {
                    return state.failure ?? 0
                }
            }
        }
        return 1
    }

    /// Reads the configuration again and, when it passes its check, starts a worker with it.
    private func reload(_ state: inout State) {
        SystemdNotify.reloading()
        say("SIGUSR2 received: reloading the configuration", level: .notice)
        let outcome = reader.read(environment: environment())
        for diagnostic in outcome.diagnostics where shows(diagnostic) {
            FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
            if diagnostic.severity == .error { log.send("reload: \(diagnostic)", level: .alert) }
        }
        guard outcome.isValid, let configuration = outcome.configuration, let plan = outcome.plan else {
            let errors = outcome.errorCount
            say("reload failed: the configuration has \(errors) error\(errors == 1 ? "" : "s"); worker \(state.current.map(String.init) ?? "-") serves on", level: .alert)
            SystemdNotify.ready()
            return
        }
        do {
            try state.listeners.prepare(for: configuration)
            try state.startWorker(configuration, plan: plan, fdBinds: outcome.inherited)
        } catch {
            state.listeners.close(state.listeners.unused(by: state.currentKeys))
            say("reload failed: \(error); worker \(state.current.map(String.init) ?? "-") serves on", level: .alert)
            SystemdNotify.ready()
        }
    }

    /// The master's mutable state; used only by the loop in `run`.
    struct State {
        let sink: AsyncStream<Event>.Continuation
        /// The reading end of the pipe whose end tells workers that the master is gone (-1: none).
        let masterPipe: Int32
        var listeners = MasterListeners()
        var current: pid_t?
        var currentKeys: Set<String> = []
        var starting: (pid: pid_t, keys: Set<String>, plan: ProxyPlan)?
        /// Previous workers, soft-stopping.
        var old: Set<pid_t> = []
        var stopSignal: Int32?
        var reloadAgain = false
        var failure: Int32?
        var exited: [pid_t: Int32] = [:]

        var workers: [pid_t] { [current, starting?.pid].compactMap { $0 } + old }

        func signalWorkers(_ number: Int32) {
            for pid in workers { kill(pid, number) }
        }

        /// Starts a worker on the sockets the master holds (and the `fd@N` sockets it inherited), and
        /// watches it: its report or its exit arrives as an event.
        mutating func startWorker(_ configuration: Configuration, plan: ProxyPlan, fdBinds: [(descriptor: Int32, location: SourceLocation)]) throws {
            let ready = try ReadyPipe()
            var environment = ProcessInfo.processInfo.environment
            environment[Daemon.readyVariable] = nil
            environment[MasterListeners.variable] = listeners.environmentValue
            environment[Worker.readyVariable] = String(ready.writeEnd)
            // The new worker accepts once this one, soft-stopped when the new one serves, has closed them.
            environment[HandOver.previousVariable] = current.map(String.init)
            var kept = listeners.descriptors.union(fdBinds.map(\.descriptor)).union([ready.writeEnd])
            if masterPipe >= 0 {
                environment[Worker.masterPipeVariable] = String(masterPipe)
                kept.insert(masterPipe)
            }
            let pid: pid_t
            do {
                pid = try SelfSpawn.spawn(arguments: CommandLine.arguments, environment: environment, keeping: kept)
            } catch {
                ready.closeWriteEnd()
                close(ready.readEnd)
                throw error
            }
            ready.closeWriteEnd()
            starting = (pid, Set(MasterListeners.keys(of: configuration).map(\.key)), plan)
            let sink = self.sink
            Thread.detachNewThread { sink.yield(.started(pid, ready.waitForReady())) }
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                sink.yield(.exited(pid, status))
            }
        }

        /// The exit status of a worker that failed to start, once it has exited.
        func waitExit(_ pid: pid_t) -> Int32 {
            if let status = exited[pid] { return SelfSpawn.failureStatus(status) }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return SelfSpawn.failureStatus(status)
        }
    }

    /// A pipe whose writing end only the master holds (close-on-exec, so no worker inherits it): when
    /// the master dies, the workers see its end. Returns the reading end, or -1.
    private static func masterPipe() -> Int32 {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return -1 }
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return ends[0]
    }

    /// Turns each signal into an event. Returns the sources, which must live as long as the loop.
    private static func listen(for numbers: [Int32], into sink: AsyncStream<Event>.Continuation) -> [DispatchSourceSignal] {
        signal(SIGPIPE, SIG_IGN)
        let queue = DispatchQueue(label: "lb.master.signals")
        return numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { sink.yield(.signal(number)) }
            source.resume()
            return source
        }
    }

    /// A message on the master's standard error and in the log.
    private func say(_ text: String, level: SyslogLevel) {
        FileHandle.standardError.write(Data("lb master[\(getpid())]: \(text)\n".utf8))
        log.send("master: \(text)", level: level)
    }

    private static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGUSR1: "SIGUSR1"
        default: "signal \(number)"
        }
    }

    private static func describe(_ status: Int32) -> String {
        status & 0x7f == 0 ? "status \((status >> 8) & 0xff)" : "killed by signal \(status & 0x7f)"
    }
}
