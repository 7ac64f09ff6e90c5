import LBStats

extension ProxyRuntime {
    /// The last check's and agent check's details, and the traffic-error trips, into a server's snapshot.
    static func checkDetails(_ server: ServerRuntime, into snapshot: inout ServerSnapshot) {
        let report = server.checkReport
        snapshot.trafficErrorTrips = report.trafficTrips.load(ordering: .relaxed)
        if server.plan.check {
            snapshot.checkHealth = server.admin.checkHealth.load(ordering: .relaxed)
            if let last = report.check {
                snapshot.checkCode = last.result.status.showsCode ? last.result.code ?? 0 : nil
                snapshot.checkDuration = last.duration
                snapshot.checkDescription = last.result.status.reason
                snapshot.lastCheckInfo = last.result.info
            }
        }
        guard server.plan.agent != nil else { return }
        let last = report.agent
        snapshot.agent = AgentCheckSnapshot(
            status: last?.result.status.name, code: last?.result.code, duration: last?.duration,
            description: last?.result.status.reason, info: last?.result.info,
            health: report.agentUp.load(ordering: .relaxed) ? 1 : 0)
    }
}
