import LBCore
import NIOCore

/// What the server's traffic (`observe`) does to the check's rise/fall counter.
extension HealthChecker {
    var change: ServerHealthChange {
        ServerHealthChange(server: server, backend: backend, events: events, runtime: runtime)
    }

    /// Reports a check's transition.
    func apply(_ transition: HealthState.Transition?, result: CheckResult, duration: Int?) {
        change.apply(transition, result: result, duration: duration)
    }

    /// `count` consecutive traffic errors reached `error-limit`: carries out `on-error` at once, on the
    /// loop that saw the last error, reported as HAProxy does ("Health analyze", the last error in the
    /// info, and the sessions active then, the erring one among them).
    func trafficErrorsReached(_ count: Int, last: TrafficOutcome) {
        server.checkReport.trafficTrips.wrappingIncrement(ordering: .relaxed)
        let action = server.plan.observation.onError
        if action != .fastInter {
            let result = CheckResult(status: .healthAnalyze,
                                     info: "Detected \(count) consecutive errors, last one was: \(last.description)")
            server.lastCheck.store(result.status.rawValue, ordering: .relaxed)
            server.checkReport.recordCheck(result, duration: nil)
            let transition = health.withLockedValue { health in
                let transition = health.applyTrafficErrors(action)
                server.admin.checkHealth.store(health.health, ordering: .relaxed)
                return transition
            }
            apply(transition, result: result, duration: nil)
        }
        if server.plan.fastIntervalConfigured { eventLoop.execute { self.bringNextCheckForward() } }
    }

    /// Every `on-error` action checks again within `fastinter` when one is configured (on the checker's loop).
    private func bringNextCheckForward() {
        guard let due = state.value.nextDue else { return }
        let interval = server.plan.fastInterval
        guard due > NIODeadline.now() + .milliseconds(Int64(interval)) else { return }
        state.value.next?.cancel()
        scheduleNext(after: interval)
    }
}
