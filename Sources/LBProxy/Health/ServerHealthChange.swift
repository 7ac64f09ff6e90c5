import LBCore

/// Carries out a change of a server's health, whoever decided it (its checks, its agent, its traffic):
/// flips what the balancers read, reports it in HAProxy's words, and cuts sessions as `on-marked-down`
/// and `on-marked-up` ask. Runs on the deciding checker's loop.
struct ServerHealthChange {
    let server: ServerRuntime
    let backend: BackendRuntime
    let events: EventLog
    let runtime: ProxyRuntime?

    func markDown(result: CheckResult, duration: Int?) {
        guard server.healthy.load(ordering: .relaxed) else { return }
        backend.setHealth(of: server, up: false)
        events.alert(StateMessages.serverDown(server, backend: backend, result: result, duration: duration))
        if backend.usableServerCount == 0 { events.emergency("backend \(backend.plan.name) has no server available!") }
        if server.plan.observation.shutdownSessionsOnDown {
            runtime?.killSessions(backend: backend.index, server: server.plan.index, cause: .serverDown)
        }
    }

    /// Brings the server back when both its checks and its agent let it.
    func markUp(result: CheckResult, duration: Int?) {
        guard !server.healthy.load(ordering: .relaxed), server.checkReport.agentUp.load(ordering: .relaxed),
              !server.plan.check || server.health.withLockedValue({ $0.isUp }) else { return }
        backend.setHealth(of: server, up: true)
        events.notice(StateMessages.serverUp(server, backend: backend, result: result, duration: duration))
        if server.plan.observation.shutdownBackupSessionsOnUp, !server.plan.backup {
            for backup in backend.servers where backup.plan.backup {
                runtime?.killSessions(backend: backend.index, server: backup.plan.index, cause: .serverUp)
            }
        }
    }

    func apply(_ transition: HealthState.Transition?, result: CheckResult, duration: Int?) {
        switch transition {
        case .wentDown: markDown(result: result, duration: duration)
        case .wentUp: markUp(result: result, duration: duration)
        case nil: break
        }
    }
}
