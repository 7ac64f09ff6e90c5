import ArgumentParser
import Dispatch
import Foundation
import LBConfig
import LBCore
import LBProxy
import NIOCore

@main
struct LBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lb",
        abstract: "An observability-first L4/L7 load balancer that reads HAProxy configuration.",
        discussion: """
        Without -f, lb runs its embedded demo configuration (see --print-default-config).

        Examples:
          lb                                  run the demo on 127.0.0.1:8080 (stats on :8404)
          lb -f /etc/lb/lb.cfg                run a configuration
          lb -c -f a.cfg -f b.cfg             check two files read as one configuration
          lb -cc 'version_atleast(2.4)'       evaluate a condition as '.if' does (exit 0 true, 1 false, 2 error)
          lb -D -p /run/lb.pid -f lb.cfg      run in the background once every listener is bound
          lb -W -f lb.cfg                     master-worker: 'kill -USR2 <master>' reloads without a failed request
          lb -f lb.cfg -sf $(cat lb.pid)      start a new lb, then soft-stop the old one
          lb -f lb.cfg -x /run/lb.sock -sf $(cat lb.pid)   the same, on the old one's listening sockets
        Signals: SIGTERM/SIGINT stop gracefully; SIGUSR1 soft-stops (stop listening, finish every session);
        SIGUSR2 reloads the configuration (master-worker mode).
        """)

    @Option(name: .customShort("f"), help: ArgumentHelp("Configuration file; repeat to read several in order.", valueName: "file"))
    var files: [String] = []

    @Flag(name: .customShort("c"), help: "Check the configuration, print every diagnostic, and exit (0 valid, 1 not).")
    var check = false

    @Option(name: .customLong("cc", withSingleDash: true), parsing: .unconditional,
            help: ArgumentHelp("Evaluate a condition as '.if' does; exit 0 if true, 1 if false, 2 on error.", valueName: "condition"))
    var condition: String?

    @Flag(name: .customShort("v"), help: "Print the version and exit; -vv adds build options and features.")
    var version: Int

    @Flag(name: .customShort("d"), help: "Debug: stay in the foreground even with 'daemon'.")
    var debug = false

    @Flag(name: .customLong("db", withSingleDash: true), help: "Stay in the foreground even with 'daemon'.")
    var foreground = false

    @Flag(name: .customLong("dD", withSingleDash: true), help: "Diagnostic mode: also print the configuration's '.diag' messages.")
    var diagnosticMode = false

    @Flag(name: .customShort("D"), help: "Daemon: run in the background once every listener is bound (as global 'daemon').")
    var daemon = false

    @Option(name: .customShort("p"), help: ArgumentHelp("Write lb's process id to this file (as global 'pidfile').", valueName: "pidfile"))
    var pidFile: String?

    @Option(name: .customShort("L"),
            help: ArgumentHelp("Local peer name (default: the host name), also set as HAPROXY_LOCALPEER for the configuration.", valueName: "name"))
    var localPeer: String?

    @Flag(name: .customShort("W"), help: "Master-worker mode: a master process runs a worker and reloads it on SIGUSR2 (as global 'master-worker').")
    var masterWorker = false

    @Option(name: .customLong("sf", withSingleDash: true), parsing: .upToNextOption,
            help: ArgumentHelp("Once serving, soft-stop these processes (SIGUSR1): the reload of a previous lb.", valueName: "pid"))
    var softStopPIDs: [Int32] = []

    @Option(name: .customLong("st", withSingleDash: true), parsing: .upToNextOption,
            help: ArgumentHelp("Once serving, stop these processes (SIGTERM).", valueName: "pid"))
    var terminatePIDs: [Int32] = []

    @Option(name: .customShort("x"),
            help: ArgumentHelp("Take the listening sockets of the lb serving this stats socket ('expose-fd listeners'); use with -sf.", valueName: "socket"))
    var transferSocket: String?

    @Flag(name: .customShort("q"), help: "Quiet: print nothing at start but errors.")
    var quiet = false

    @Flag(name: .customShort("V"), help: "Verbose: say what lb reads and starts; overrides -q.")
    var verbose = false

    @Flag(name: .long, help: "Print the embedded default configuration and exit.")
    var printDefaultConfig = false

    @Option(name: .long, help: ArgumentHelp("Seconds in-flight requests get to finish on SIGTERM/SIGINT.", valueName: "seconds"))
    var grace: Int = 10

    /// Quiet wins unless verbose is asked too, as in haproxy.
    private var isQuiet: Bool { quiet && !verbose }

    func run() async throws {
        if version > 0 {
            print(version > 1 ? VersionReport.full : VersionReport.short)
            return
        }
        if printDefaultConfig {
            print(DefaultConfiguration.text, terminator: "")
            return
        }
        var environment = ProcessInfo.processInfo.environment
        if Worker.isWorker { Worker.watchMaster() }
        // As haproxy does, the peer name is visible to the configuration (`.if streq("${HAPROXY_LOCALPEER}",a)`).
        let peerName = localPeer ?? Self.hostName
        environment["HAPROXY_LOCALPEER"] = peerName
        setenv("HAPROXY_LOCALPEER", peerName, 1)
        if let condition {
            do {
                throw ExitCode(try ConditionCheck.evaluate(condition, environment: environment) ? 0 : 1)
            } catch let failure as ConditionCheck.Failure {
                FileHandle.standardError.write(Data("lb: \(failure)\n".utf8))
                throw ExitCode(2)
            }
        }
        // Taken before any other process starts: only this one tells systemd about readiness.
        SystemdNotify.claim()
        let activation = SocketActivation(environment: environment)
        if verbose {
            let sources = files.isEmpty ? DefaultConfiguration.name : files.joined(separator: ", ")
            say("reading \(sources) as HAProxy \(HAProxyDialect.version) configuration; local peer '\(peerName)'")
            if !activation.descriptors.isEmpty {
                say("systemd passed listening sockets fd@\(activation.descriptors.map(String.init).joined(separator: ", fd@"))")
            }
        }
        let received = check || Worker.isWorker || masterWorker ? [:] : receiveListeners()
        var unclaimed: [Int32] = []
        let reader = ConfigurationReader(files: files, activation: activation)
        let outcome = reader.read(environment: environment) { configuration in
            // A worker serves the listening sockets its master holds rather than binding its own.
            if Worker.isWorker { Worker.adoptListeners(into: &configuration) }
            if !received.isEmpty { unclaimed = ListenerTransfer.adopt(received, into: &configuration) }
        }
        // Sockets of the old process no bind of this configuration wants: it closes its own copies.
        for descriptor in unclaimed { close(descriptor) }
        for diagnostic in outcome.diagnostics where shows(diagnostic) { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
        guard let plan = outcome.plan, outcome.isValid else {
            let errors = outcome.errorCount
            FileHandle.standardError.write(Data("lb: configuration has \(errors) error\(errors == 1 ? "" : "s").\n".utf8))
            throw ExitCode(1)
        }
        if check {
            if !isQuiet { print("Configuration file is valid") }
            return
        }
        let inherited = outcome.inherited
        // Daemon mode starts a detached copy of lb, which reads the configuration again, and waits for it.
        if (daemon || plan.global.daemon) && !debug && !foreground && !Daemon.isDetachedCopy && !Worker.isWorker {
            do {
                throw ExitCode(try Daemon.detach(keeping: Set(inherited.map(\.descriptor)).union(activation.descriptors)))
            } catch let failure as SelfSpawn.Failure {
                FileHandle.standardError.write(Data("lb: \(failure)\n".utf8))
                throw ExitCode(1)
            }
        }
        if (masterWorker || plan.global.masterWorker) && !Worker.isWorker {
            if let pidFile = pidFile ?? plan.global.pidFile { try ProcessSetup.writePidFile(pidFile) }
            let peer = peerName
            let master = Master(
                reader: reader,
                environment: {
                    var environment = ProcessInfo.processInfo.environment
                    environment["HAPROXY_LOCALPEER"] = peer
                    return environment
                },
                shows: { [self] in shows($0) }, verbose: verbose)
            throw ExitCode(await master.run(outcome))
        }
        // A worker replacing another, or a process that took its sockets with -x from one it stops: the
        // sockets they share are served once the other process has let go of them.
        let holders: [pid_t] = Worker.isWorker
            ? (HandOver.previousWorker.map { [$0] } ?? [])
            : (received.isEmpty ? [] : softStopPIDs + terminatePIDs)
        try await serve(plan, handOverFrom: holders)
    }

    /// `-x`: the old process's listening sockets, or none (and a warning) when it cannot give them: the
    /// addresses are then bound anew, beside the old process's sockets, as without `-x`.
    private func receiveListeners() -> [String: [Int32]] {
        guard let transferSocket else { return [:] }
        do {
            let received = try ListenerTransfer.receive(from: transferSocket)
            if verbose { say("received \(received.values.map(\.count).reduce(0, +)) listening sockets from \(transferSocket)") }
            return received
        } catch {
            FileHandle.standardError.write(Data("lb: warning: -x \(transferSocket): \(error); binding the addresses instead\n".utf8))
            return [:]
        }
    }

    /// Whether a diagnostic is printed: errors always; `.diag` messages only in diagnostic mode; others
    /// unless quiet. The copy started by daemon mode and a master's worker print only errors, since the
    /// process that started them printed the rest.
    private func shows(_ diagnostic: Diagnostic) -> Bool {
        switch diagnostic.severity {
        case .error: true
        case .diagnostic: diagnosticMode
        case .warning, .notice: !isQuiet && !Daemon.isDetachedCopy && !Worker.isWorker
        }
    }

    /// gethostname(2), as haproxy takes its default peer name: no name service lookup at start.
    private static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A line of `-V` output.
    private func say(_ text: String) {
        FileHandle.standardError.write(Data("lb: \(text)\n".utf8))
    }

    /// Every `fd@N` the configuration listens on, for the socket-activation check.
    static func inheritedSockets(_ configuration: Configuration) -> [(descriptor: Int32, location: SourceLocation)] {
        var sockets: [(descriptor: Int32, location: SourceLocation)] = []
        for socket in configuration.global.statsSockets {
            if let descriptor = socket.descriptor { sockets.append((descriptor, socket.location)) }
        }
        for proxy in configuration.proxies {
            for bind in proxy.binds {
                if let descriptor = bind.descriptor { sockets.append((descriptor, bind.location)) }
            }
        }
        return sockets
    }

    private func serve(_ plan: ProxyPlan, handOverFrom holders: [pid_t]) async throws {
        let global = plan.global
        if let warning = ProcessSetup.raiseFileLimit(maxConnections: global.maxConnections, explicit: global.fileDescriptorLimit) {
            FileHandle.standardError.write(Data("lb: warning: \(warning)\n".utf8))
        }
        for warning in KernelChecks.warnings(binds: plan.frontends.flatMap(\.binds), kernel: .live) {
            FileHandle.standardError.write(Data("lb: warning: \(warning)\n".utf8))
        }
        // The command line wins over the configuration, as in haproxy.
        // Under a master, the pid file names the master, which wrote it.
        if !Worker.isWorker, let pidFile = pidFile ?? global.pidFile { try ProcessSetup.writePidFile(pidFile) }
        if files.isEmpty {
            // The demo's gzip log goes to a directory of its own; a file@ target never creates directories.
            try? FileManager.default.createDirectory(atPath: DefaultConfiguration.logDirectory, withIntermediateDirectories: true)
        }
        let balancer: LoadBalancer
        let sockets: [ListeningSocket]
        let accessLog: PipelineAccessLog?
        do {
            accessLog = try LogSetup.make(plan: plan) { message in
                FileHandle.standardError.write(Data("lb: log target: \(message)\n".utf8))
            }
            balancer = try LoadBalancer(
                plan: plan, accessLog: accessLog,
                processFacts: { accessLog?.facts ?? [] },
                reopenLogs: { accessLog?.pipeline.reopen() ?? true })
            sockets = try await balancer.start(holdingInherited: !holders.isEmpty)
            try ProcessSetup.dropPrivileges(chrootPath: global.chroot, user: global.user, group: global.group)
        } catch {
            FileHandle.standardError.write(Data("lb: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if !isQuiet {
            // Written and flushed at once: scripts and supervisors wait for this line to know lb is up.
            let notes = files.isEmpty ? DefaultConfiguration.bannerNotes : []
            FileHandle.standardOutput.write(Data((Self.banner(sockets, plan: plan, notes: notes) + "\n").utf8))
        }
        if verbose { say("\(plan.global.threads ?? System.coreCount) threads, \(sockets.count) listeners") }
        Daemon.reportReady()
        Worker.reportReady()
        SystemdNotify.ready()
        // -sf / -st: this process serves now; the previous one finishes (soft) or stops.
        for pid in softStopPIDs { kill(pid, SIGUSR1) }
        for pid in terminatePIDs { kill(pid, SIGTERM) }
        if !holders.isEmpty {
            let descriptors = plan.frontends.flatMap { $0.binds.compactMap(\.descriptor) }
            Thread.detachNewThread {
                HandOver.waitUntilReleased(descriptors, by: holders, within: 3)
                balancer.acceptInherited()
            }
        }
        // SIGHUP re-opens log files (for logrotate), as HAProxy does.
        SignalWaiter.onHangup { _ = accessLog?.pipeline.reopen() }
        let stop = await SignalWaiter.wait()
        // `hard-stop-after` bounds both stops; SIGTERM's own bound is `--grace`.
        let hardStop = global.hardStopAfter.map { TimeAmount.milliseconds(Int64($0)) }
        switch stop {
        case .graceful:
            let grace = TimeAmount.seconds(Int64(grace))
            // As HAProxy's SIGTERM, no `grace`: the stop begins at once.
            await balancer.shutdown(grace: hardStop.map { min($0, grace) } ?? grace, keepServing: false)
        case .soft:
            await balancer.shutdown(grace: hardStop ?? .hours(24 * 365))
        }
        // Every record of the traffic served so far reaches its targets before exit.
        _ = accessLog?.pipeline.shutdown(timeout: 10)
    }

    static func banner(_ sockets: [ListeningSocket], plan: ProxyPlan, notes: [String] = []) -> String {
        var lines = ["lb \(LBVersion.current) is running (pid \(ProcessInfo.processInfo.processIdentifier)). Listening on:"]
        for socket in sockets {
            let host = socket.address.ipAddress ?? "?"
            let shown = host.contains(":") ? "[\(host)]" : host
            let origin = "\(socket.scheme)://\(shown):\(socket.address.port ?? 0)"
            guard socket.mode == .http else {
                lines.append("  \(socket.frontend): \(origin)")
                continue
            }
            var url = origin + "/"
            if let stats = plan.frontends.first(where: { $0.name == socket.frontend })?.stats, stats.enabled {
                url = origin + "\(stats.uri)  (stats page)"
            }
            // Sockets taken over with -x come one per thread of the old process: one line for the address.
            if lines.last != "  \(socket.frontend): \(url)" { lines.append("  \(socket.frontend): \(url)") }
        }
        lines += notes
        // Where the access log files are, and the command that summarizes them.
        for target in plan.global.logTargets where target.target.hasPrefix("file@") {
            let path = String(target.target.dropFirst("file@".count))
            lines.append("Access log file: \(path) (gzip; summarize it with: lblog report \(path))")
        }
        lines.append("Stop with Ctrl-C (graceful) or SIGUSR1 (soft stop).")
        return lines.joined(separator: "\n")
    }
}
