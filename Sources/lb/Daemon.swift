import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Daemon mode (`-D` or the global `daemon`), without `fork()` (see `SelfSpawn`).
///
/// lb starts a fresh copy of itself (in a new session, standard input from /dev/null) and waits: the copy
/// reads the configuration, binds its listeners, then reports on a pipe that it is up and lets go of the
/// terminal. The first process exits 0 then, or with the copy's status if it failed, so an init script
/// learns about a bad start, which a plain fork-and-exit cannot tell it. Until it is up, the copy prints
/// its errors on the same terminal.
enum Daemon {
    /// Names the pipe descriptor a daemon copy reports readiness on; set only in that copy's environment.
    static let readyVariable = "LB_DAEMON_READY_FD"

    /// True in the copy started by `detach`: it must not detach again, and it reports when it is up.
    static var isDetachedCopy: Bool { ProcessInfo.processInfo.environment[readyVariable] != nil }

    /// Starts the detached copy of lb with the same arguments and waits until it is serving; returns the
    /// status this process should exit with. The copy keeps `inherited` (the `fd@N` listening sockets).
    static func detach(keeping inherited: Set<Int32>) throws -> Int32 {
        let ready = try ReadyPipe()
        var environment = ProcessInfo.processInfo.environment
        environment[readyVariable] = String(ready.writeEnd)
        let child: pid_t
        do {
            child = try SelfSpawn.spawn(arguments: CommandLine.arguments, environment: environment,
                                        keeping: inherited.union([ready.writeEnd]), devNullInput: true, newSession: true)
        } catch {
            ready.closeWriteEnd()
            _ = ready.waitForReady()
            throw error
        }
        ready.closeWriteEnd()
        if ready.waitForReady() { return 0 }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return SelfSpawn.failureStatus(status)
    }

    /// In the detached copy, once every listener is bound: tells the waiting process, then leaves the
    /// terminal (standard output and error go to /dev/null, as HAProxy's daemon does).
    static func reportReady() {
        guard ReadyPipe.report(variable: readyVariable) else { return }
        let null = open("/dev/null", O_RDWR)
        guard null >= 0 else { return }
        dup2(null, 1)
        dup2(null, 2)
        if null > 2 { close(null) }
    }
}
