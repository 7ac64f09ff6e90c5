import LBConfig
import LBCore
import LBStats
#if canImport(Glibc)
import Glibc
#endif

extension ProxyRuntime {
    /// Reads every counter once into a plain snapshot for the renderers. Atomics are read one by one
    /// (relaxed), so counters of different servers may be a few requests apart; each histogram's count is
    /// derived from its own buckets and stays self-consistent.
    func statsSnapshot() -> StatsSnapshot {
        let now = monotonicNow()
        let started = frontends.first?.createdAt ?? now
        let startMilliseconds = clock.milliseconds(at: started)
        let process = ProcessSnapshot(
            version: LBVersion.current, pid: Int(getpid()), threads: allLoopContexts.count,
            startTimeSeconds: Int(startMilliseconds / 1000), uptimeSeconds: Int((now &- started) / 1_000_000_000),
            currentConnections: currentConnections.load(ordering: .relaxed), maxConnections: processMaxConnections,
            totalConnections: totalConnections.load(ordering: .relaxed),
            totalRequests: frontends.reduce(0) { $0 + $1.totalRequests.load(ordering: .relaxed) },
            droppedLogs: (accessLog as? PipelineAccessLog).map { Int($0.pipeline.counters.dropped) })
        var snapshot = StatsSnapshot(process: process, frontends: frontends.map(Self.snapshot),
                                     backends: backends.map { Self.snapshot($0, now: now) })
        snapshot.stickTables = zip(plan.stickTables, stickTables).map { table, lock in
            StickTableSnapshot(name: table.name, type: table.declaration.type.rawValue, size: table.declaration.size,
                               used: lock.withLock { $0.count })
        }
        rates.apply(to: &snapshot)
        return snapshot
    }

    /// What the stats call a backend's sessions: its requests in HTTP mode, its connections in TCP mode.
    static func sessionTotal(_ backend: BackendRuntime) -> Int {
        backend.plan.mode == .http
            ? backend.metrics.requests.load(ordering: .relaxed)
            : backend.servers.reduce(0) { $0 + $1.totalSessions.load(ordering: .relaxed) }
    }

    static func snapshot(_ frontend: FrontendRuntime) -> FrontendSnapshot {
        var result = FrontendSnapshot(
            name: frontend.plan.name, id: frontend.index + 1, isHTTP: frontend.plan.mode == .http,
            currentSessions: frontend.currentConnections.load(ordering: .relaxed), limitSessions: frontend.maxConnections,
            totalSessions: frontend.totalConnections.load(ordering: .relaxed),
            totalRequests: frontend.totalRequests.load(ordering: .relaxed),
            requestErrors: frontend.requestErrors.load(ordering: .relaxed),
            deniedRequests: frontend.deniedRequests.load(ordering: .relaxed),
            bytesIn: frontend.bytesIn.load(ordering: .relaxed), bytesOut: frontend.bytesOut.load(ordering: .relaxed),
            responses: frontend.responses.snapshot())
        result.deniedResponses = frontend.deniedResponses.load(ordering: .relaxed)
        result.deniedConnections = frontend.deniedConnections.load(ordering: .relaxed)
        result.deniedSessions = frontend.deniedSessions.load(ordering: .relaxed)
        result.interceptedRequests = frontend.interceptedRequests.load(ordering: .relaxed)
        result.position = frontend.plan.position
        if frontend.paused.load(ordering: .relaxed) { result.status = "PAUSED" }
        if frontend.terminators.contains(where: { $0 != nil }) {
            let tls = frontend.tls
            result.tls = TLSSnapshot(handshakes: tls.handshakes.load(ordering: .relaxed), resumed: tls.resumed.load(ordering: .relaxed),
                                     failed: tls.failed.load(ordering: .relaxed), handshakeTime: tls.handshakeTime.snapshot())
        }
        return result
    }

    static func snapshot(_ backend: BackendRuntime, now: UInt64) -> BackendSnapshot {
        let servers = backend.servers.enumerated().map { snapshot($1, id: $0 + 1, now: now) }
        var result = BackendSnapshot(
            name: backend.plan.name, id: backend.index + 1, isHTTP: backend.plan.mode == .http,
            algorithm: algorithmName(backend.plan.balance), servers: servers,
            totalSessions: sessionTotal(backend),
            totalRequests: backend.metrics.requests.load(ordering: .relaxed),
            responses: backend.metrics.responses.snapshot(), latency: backend.metrics.latency.snapshot())
        result.deniedResponses = backend.deniedResponses.load(ordering: .relaxed)
        result.position = backend.plan.position
        result.queueCurrent = backend.queue.count
        result.queueMaximum = backend.queue.maximum
        return result
    }

    static func snapshot(_ server: ServerRuntime, id: Int, now: UInt64) -> ServerSnapshot {
        let plan = server.plan
        let check = plan.check ? CheckResult.Status(rawValue: server.lastCheck.load(ordering: .relaxed)) : nil
        let healthy = server.healthy.load(ordering: .relaxed)
        // The rise/fall counter is published after each check; before the first one it means nothing.
        let progress = check.flatMap { $0 == .unknown ? nil : $0 }.flatMap { _ in
            HealthProgress.from(health: server.admin.checkHealth.load(ordering: .relaxed), rise: max(1, plan.rise),
                                fall: max(1, plan.fall), healthy: healthy)
        }
        let admin: AdminState = switch server.admin.mode {
        case .ready: .ready
        case .drain: .drain
        case .maintenance: .maint
        }
        var status = ServerStatusInput(admin: admin, configuredDisabled: false, checked: plan.check,
                                       healthy: healthy, backup: plan.backup, progress: progress)
        status.agentChecked = plan.agent != nil
        status.agentDown = !server.checkReport.agentUp.load(ordering: .relaxed)
        let changed = server.admin.lastChange.load(ordering: .relaxed)
        let address = plan.port.map { "\(server.resolvedHost):\($0)" } ?? server.resolvedHost
        var result = ServerSnapshot(
            name: plan.name, id: id, address: address, status: status,
            currentSessions: server.activeConnections.load(ordering: .relaxed), limitSessions: plan.maxConnections,
            totalSessions: server.totalSessions.load(ordering: .relaxed),
            bytesIn: server.bytesIn.load(ordering: .relaxed), bytesOut: server.bytesOut.load(ordering: .relaxed),
            connectionErrors: server.connectionErrors.load(ordering: .relaxed),
            responseErrors: server.responseErrors.load(ordering: .relaxed),
            retries: server.retries.load(ordering: .relaxed), redispatches: server.redispatches.load(ordering: .relaxed),
            weight: server.weight.load(ordering: .relaxed), configuredWeight: plan.weight,
            checkStatus: check.flatMap { $0 == .unknown ? nil : $0.name }, checkRise: plan.rise, checkFall: plan.fall,
            responses: server.metrics.responses.snapshot(), latency: server.metrics.latency.snapshot(),
            lastChangeSeconds: changed == 0 ? nil : Int((now &- changed) / 1_000_000_000),
            checksEnabled: server.admin.checksEnabled.load(ordering: .relaxed))
        result.queueCurrent = server.waiting.load(ordering: .relaxed)
        result.queueMaximum = server.waitingMaximum.load(ordering: .relaxed)
        result.queueLimit = plan.maxQueue.flatMap { $0 > 0 ? $0 : nil }
        result.usedConnections = server.usedConnections.load(ordering: .relaxed)
        result.idleConnections = server.idleConnections.load(ordering: .relaxed)
        result.neededConnections = server.neededConnections.load(ordering: .relaxed)
        result.connectionAttempts = server.connectionAttempts.load(ordering: .relaxed)
        result.connectionReuses = server.connectionReuses.load(ordering: .relaxed)
        checkDetails(server, into: &result)
        return result
    }

    static func algorithmName(_ algorithm: BalanceAlgorithm) -> String {
        switch algorithm {
        case .roundRobin: "roundrobin"
        case .staticRoundRobin: "static-rr"
        case .leastConnections: "leastconn"
        case .first: "first"
        case .source: "source"
        case .uri: "uri"
        case .urlParameter: "url_param"
        case .header: "hdr"
        case .random: "random"
        case .rdpCookie: "rdp-cookie"
        case .other(let keyword, _): keyword
        }
    }
}
