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
        Signals: SIGTERM/SIGINT stop gracefully; SIGUSR1 soft-stops (stop listening, finish every session).
        """)

    @Option(name: .customShort("f"), help: ArgumentHelp("Configuration file; repeat to read several in order.", valueName: "file"))
    var files: [String] = []

    @Flag(name: .customShort("c"), help: "Check the configuration, print every diagnostic, and exit (0 valid, 1 not).")
    var check = false

    @Flag(name: .customShort("v"), help: "Print the version and exit.")
    var version = false

    @Flag(name: .customShort("d"), help: "Debug: stay in the foreground even with 'daemon'.")
    var debug = false

    @Flag(name: .customLong("db", withSingleDash: true), help: "Stay in the foreground even with 'daemon'.")
    var foreground = false

    @Flag(name: .customShort("q"), help: "Quiet: print nothing at start but errors.")
    var quiet = false

    @Flag(name: .long, help: "Print the embedded default configuration and exit.")
    var printDefaultConfig = false

    @Option(name: .long, help: ArgumentHelp("Seconds in-flight requests get to finish on SIGTERM/SIGINT.", valueName: "seconds"))
    var grace: Int = 10

    func run() async throws {
        if version {
            print("lb version \(LBVersion.current)")
            return
        }
        if printDefaultConfig {
            print(DefaultConfiguration.text, terminator: "")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let loaded = files.isEmpty
            ? ConfigurationLoader.parse(DefaultConfiguration.text, name: DefaultConfiguration.name, environment: environment)
            : ConfigurationLoader.load(files: files, environment: environment)
        var diagnostics = loaded.diagnostics
        var plan: ProxyPlan?
        if let configuration = loaded.configuration {
            let compiled = ProxyPlan.compile(configuration)
            diagnostics += compiled.diagnostics
            // log-format and unique-id-format strings compile in the logging module: checked here too.
            if let compiledPlan = compiled.plan {
                diagnostics += LogFormatCheck.diagnostics(for: compiledPlan)
                // Certificates are read as lb would at startup: a key that is not its certificate's is an
                // error here, naming the file.
                diagnostics += TLSSetup.diagnostics(for: compiledPlan)
            }
            plan = compiled.plan
        }
        for diagnostic in diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
        guard let plan, !diagnostics.hasErrors else {
            let errors = diagnostics.filter { $0.severity == .error }.count
            FileHandle.standardError.write(Data("lb: configuration has \(errors) error\(errors == 1 ? "" : "s").\n".utf8))
            throw ExitCode(1)
        }
        if check {
            print("Configuration file is valid")
            return
        }
        try await serve(plan)
    }

    private func serve(_ plan: ProxyPlan) async throws {
        let global = plan.global
        if let warning = ProcessSetup.raiseFileLimit(maxConnections: global.maxConnections, explicit: global.fileDescriptorLimit) {
            FileHandle.standardError.write(Data("lb: warning: \(warning)\n".utf8))
        }
        if global.daemon && !debug && !foreground { try ProcessSetup.daemonize() }
        if let pidFile = global.pidFile { try ProcessSetup.writePidFile(pidFile) }
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
            sockets = try await balancer.start()
            try ProcessSetup.dropPrivileges(chrootPath: global.chroot, user: global.user, group: global.group)
        } catch {
            FileHandle.standardError.write(Data("lb: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if !quiet {
            // Written and flushed at once: scripts and supervisors wait for this line to know lb is up.
            FileHandle.standardOutput.write(Data((Self.banner(sockets, plan: plan) + "\n").utf8))
        }
        // SIGHUP re-opens log files (for logrotate), as HAProxy does.
        SignalWaiter.onHangup { _ = accessLog?.pipeline.reopen() }
        let stop = await SignalWaiter.wait()
        // `hard-stop-after` bounds both stops; SIGTERM's own bound is `--grace`.
        let hardStop = global.hardStopAfter.map { TimeAmount.milliseconds(Int64($0)) }
        switch stop {
        case .graceful:
            let grace = TimeAmount.seconds(Int64(grace))
            await balancer.shutdown(grace: hardStop.map { min($0, grace) } ?? grace)
        case .soft:
            await balancer.shutdown(grace: hardStop ?? .hours(24 * 365))
        }
        // Every record of the traffic served so far reaches its targets before exit.
        _ = accessLog?.pipeline.shutdown(timeout: 10)
    }

    static func banner(_ sockets: [ListeningSocket], plan: ProxyPlan) -> String {
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
            lines.append("  \(socket.frontend): \(url)")
        }
        lines.append("Stop with Ctrl-C (graceful) or SIGUSR1 (soft stop).")
        return lines.joined(separator: "\n")
    }
}
