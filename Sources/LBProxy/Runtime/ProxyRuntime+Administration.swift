extension ProxyRuntime {
    /// Puts a server in READY, DRAIN or MAINT (runtime API, stats page), reporting the change as HAProxy
    /// does. Returns false when the server already was in that mode.
    @discardableResult
    func setMode(_ mode: ServerAdminState.Mode, backend: BackendRuntime, index: Int) -> Bool {
        let server = backend.servers[index]
        let previous = server.admin.mode
        guard server.admin.set(mode, now: monotonicNow()) else { return false }
        if previous == .maintenance, server.plan.check {
            // Back from maintenance, a checked server is trusted again (UP, one failure from DOWN) unless its
            // agent holds it down.
            let transition = server.health.withLockedValue { health in
                defer { server.admin.checkHealth.store(health.health, ordering: .relaxed) }
                return health.leaveMaintenance()
            }
            if transition == .wentUp, server.checkReport.agentUp.load(ordering: .relaxed) {
                server.healthy.store(true, ordering: .relaxed)
            }
        }
        backend.publishServerStates()
        events.notice(StateMessages.adminChange(server, backend: backend, from: previous, to: mode))
        if backend.usableServerCount == 0 { events.emergency("backend \(backend.plan.name) has no server available!") }
        if mode == .ready, backend.queue.count > 0 { backend.queue.wakeNext() }
        return true
    }
}
