import LBCore
import LBLog
import LBProxy
import Synchronization

/// Where the master's messages go besides its standard error: the configuration's global `log` targets,
/// as HAProxy's master logs its reloads. File targets are left to the worker: two processes appending
/// gzip members to one file would interleave them. Replaced by each configuration that takes effect.
final class MasterLog: Sendable {
    private let log = Mutex<PipelineAccessLog?>(nil)

    /// Sends later messages to the global targets of `plan`.
    func use(_ plan: ProxyPlan) {
        var own = plan
        own.frontends = []
        own.global.logTargets = plan.global.logTargets.filter { !$0.target.hasPrefix("file@") }
        let next = own.global.logTargets.isEmpty ? nil : try? LogSetup.make(plan: own)
        let previous = log.withLock { current in
            defer { current = next }
            return current
        }
        _ = previous?.pipeline.shutdown(timeout: 1)
    }

    func send(_ message: String, level: SyslogLevel) {
        log.withLock { $0 }?.event(message, level: level)
    }

    /// Delivers what was sent before the master exits.
    func close() {
        let last = log.withLock { current in
            defer { current = nil }
            return current
        }
        _ = last?.pipeline.shutdown(timeout: 2)
    }
}
