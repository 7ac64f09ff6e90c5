import Foundation
import LBConfig
#if canImport(Glibc)
import Glibc
#endif

/// The worker side of master-worker mode (`-W`): a copy of lb the master started, serving the listening
/// sockets the master holds, reporting when it is up, and stopping when the master is gone.
enum Worker {
    /// Names the descriptor the worker reports readiness on (see `ReadyPipe`).
    static let readyVariable = "LB_WORKER_READY_FD"
    /// Names the reading end of a pipe only the master can write to: its end means the master died.
    static let masterPipeVariable = "LB_MASTER_PIPE_FD"

    /// True in a process the master started. Read once: the variables are removed when used.
    static let isWorker = ProcessInfo.processInfo.environment[readyVariable] != nil

    /// Makes the master's sockets the configuration's listeners (they become `fd@N` binds).
    static func adoptListeners(into configuration: inout Configuration) {
        guard let value = ProcessInfo.processInfo.environment[MasterListeners.variable] else { return }
        MasterListeners.adopt(value, into: &configuration)
        unsetenv(MasterListeners.variable)
    }

    /// Once every listener is bound: tells the master, which then soft-stops the previous worker.
    static func reportReady() {
        ReadyPipe.report(variable: readyVariable)
    }

    /// A worker whose master was killed (SIGKILL leaves no time to stop the workers) would serve on with
    /// nobody to reload or stop it; so it stops gracefully itself when the master's pipe ends.
    static func watchMaster() {
        guard let text = ProcessInfo.processInfo.environment[masterPipeVariable], let descriptor = Int32(text) else { return }
        unsetenv(masterPipeVariable)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        let thread = Thread {
            var byte: UInt8 = 0
            var count: Int
            repeat { count = read(descriptor, &byte, 1) } while count < 0 && errno == EINTR
            kill(getpid(), SIGTERM)
        }
        thread.name = "lb.master-watch"
        thread.start()
    }
}
