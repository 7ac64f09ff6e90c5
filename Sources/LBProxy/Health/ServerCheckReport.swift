import Atomics
import NIOConcurrencyHelpers

/// What the stats show of a server's checks beyond the status code: the last health check's and the last
/// agent check's outcome (`check_code`, `check_duration`, `check_desc`, `last_chk` and the `agent_*`
/// columns), the agent's verdict, and how often traffic errors reached `error-limit` (`hanafail`).
/// Written once per check, read by the stats: a lock is cheap enough and no request touches it.
final class ServerCheckReport: Sendable {
    struct Outcome: Sendable {
        var result: CheckResult
        /// Milliseconds, nil when nothing was measured (a traffic verdict).
        var duration: Int?
    }

    private let lastCheck = NIOLockedValueBox<Outcome?>(nil)
    private let lastAgent = NIOLockedValueBox<Outcome?>(nil)
    /// False after the agent answered `down`, `stopped` or `fail`, until it answers `up`: the server
    /// stays DOWN meanwhile, whatever its health checks say.
    let agentUp = ManagedAtomic<Bool>(true)
    /// Times consecutive traffic errors reached `error-limit`.
    let trafficTrips = ManagedAtomic<Int>(0)

    var check: Outcome? { lastCheck.withLockedValue { $0 } }
    var agent: Outcome? { lastAgent.withLockedValue { $0 } }

    func recordCheck(_ result: CheckResult, duration: Int?) {
        lastCheck.withLockedValue { $0 = Outcome(result: result, duration: duration) }
    }

    func recordAgent(_ result: CheckResult, duration: Int?) {
        lastAgent.withLockedValue { $0 = Outcome(result: result, duration: duration) }
    }
}
