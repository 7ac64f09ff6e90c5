import LBStats

/// Snapshots built by hand for the renderer tests.
enum StatsFixtures {
    static func histogram(_ observations: [Int]) -> HistogramSnapshot {
        var snapshot = HistogramSnapshot.empty()
        for value in observations {
            snapshot.counts[snapshot.layout.bucketIndex(microseconds: value)] += 1
            snapshot.sumMicroseconds += value
        }
        return snapshot
    }

    static func server(_ name: String, id: Int = 1, healthy: Bool = true, checked: Bool = true, admin: AdminState = .ready,
                       backup: Bool = false, progress: HealthProgress? = nil, requests: [Int] = []) -> ServerSnapshot {
        let latency = LatencySnapshot(connect: histogram(requests.map { _ in 200 }), response: histogram(requests),
                                      total: histogram(requests))
        var responses = ResponseCounts()
        responses.counts[1] = requests.count
        return ServerSnapshot(
            name: name, id: id, address: "127.0.0.1:80",
            status: ServerStatusInput(admin: admin, configuredDisabled: false, checked: checked, healthy: healthy,
                                      backup: backup, progress: progress),
            currentSessions: 0, limitSessions: nil, totalSessions: requests.count, bytesIn: 10, bytesOut: 20,
            connectionErrors: 1, responseErrors: 0, retries: 2, redispatches: 0, weight: 1, configuredWeight: 1,
            checkStatus: checked ? (healthy ? "L4OK" : "L4CON") : nil, checkRise: 2, checkFall: 3,
            responses: responses, latency: latency)
    }

    static func snapshot(servers: [ServerSnapshot] = [server("s1", requests: [1500, 30_000])],
                         backendName: String = "be_app", frontendName: String = "fe_main") -> StatsSnapshot {
        let process = ProcessSnapshot(version: "0.1.0", pid: 42, threads: 2, startTimeSeconds: 1_700_000_000,
                                      uptimeSeconds: 65, currentConnections: 1, maxConnections: 100,
                                      totalConnections: 5, totalRequests: 2)
        var responses = ResponseCounts()
        responses.counts[1] = 2
        let frontend = FrontendSnapshot(name: frontendName, id: 1, isHTTP: true, currentSessions: 1, limitSessions: 100,
                                        totalSessions: 5, totalRequests: 2, requestErrors: 0, deniedRequests: 0,
                                        bytesIn: 100, bytesOut: 200, responses: responses)
        var latency = LatencySnapshot.empty()
        for server in servers { latency.add(server.latency) }
        let backend = BackendSnapshot(name: backendName, id: 1, isHTTP: true, algorithm: "roundrobin", servers: servers,
                                      totalSessions: 2, totalRequests: 2, responses: responses, latency: latency)
        return StatsSnapshot(process: process, frontends: [frontend], backends: [backend])
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
