import ArgumentParser
import Foundation
import LBReport

/// `lblog`: reads lb and HAProxy logs and reports on them.
@main
struct LBLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lblog",
        abstract: "Latency percentiles, errors and traffic reports from lb and HAProxy logs.",
        discussion: """
        Reads httplog, tcplog, CLF and JSON lines, with or without a syslog prefix, plain or gzip (detected by \
        content), from files, directories, globs or stdin ('-'). Rotated sets are read in time order.

        Examples:
          lblog report /var/log/haproxy.log --since 1h --by backend
          lblog tail --filter 'status>=500' /var/log/lb/access.log.gz
          lblog serve --listen 127.0.0.1:9900 /var/log/haproxy.log

        Exit status: 0 success, 1 nothing could be read, 2 bad arguments.
        """,
        subcommands: [ReportCommand.self, TailCommand.self, ServeCommand.self, HalogCommand.self, GenerateCommand.self],
        defaultSubcommand: ReportCommand.self
    )

    /// ArgumentParser exits 64 on usage errors; lblog promises 2, so errors are mapped here.
    static func main() {
        #if canImport(Glibc)
        // Large tables grow by reallocation; without a fixed threshold glibc raises its mmap threshold
        // after the first free and keeps the freed blocks in the heap, inflating the resident size.
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 256 << 10)
        #endif
        unblockTerminationSignals()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            terminate(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                terminate(0)
            }
            if error is RuntimeFailure {
                FileHandle.standardError.write(Data("lblog: \(error)\n".utf8))
                terminate(1)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            terminate(2)
        }
    }
}

/// Input could not be read at all: exit status 1.
struct RuntimeFailure: Error, CustomStringConvertible {
    var description: String
}

/// Bad arguments discovered after parsing: exit status 2.
struct UsageFailure: Error, CustomStringConvertible {
    var description: String
}

func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// `lblog: warning: TEXT` on stderr. TEXT may quote a log line or name a file, so its control bytes are
/// written as visible escapes.
func writeWarning(_ text: String) {
    writeStandardError("lblog: warning: \(TerminalSafe.escape(text))\n")
}

/// The failures that made a command read nothing, one per line, as an exit-status-1 error.
func nothingRead(_ failures: [String]) -> RuntimeFailure {
    RuntimeFailure(description: failures.map(TerminalSafe.escape).joined(separator: "\nlblog: "))
}

/// A child inherits its parent's blocked signals; a parent that blocks SIGTERM (a thread pool that
/// handles signals on one thread, say) would otherwise start a `tail` or `serve` that cannot be stopped
/// politely. Called first, before any thread exists.
func unblockTerminationSignals() {
    var signals = sigset_t()
    sigemptyset(&signals)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT] { sigaddset(&signals, signal) }
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
}

/// The process exit, out of reach of `ParsableCommand.exit(withError:)` name lookup.
func terminate(_ code: Int32) -> Never {
    exit(code)
}

#if canImport(Glibc)
/// glibc's `mallopt` (malloc.h is not part of the Glibc module).
@_silgen_name("mallopt")
func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
