import LBShared

/// Renders a snapshot with the names, types and labels of HAProxy's Prometheus exporter, plus lb's
/// latency histograms. Metrics lb cannot compute (queues, rates, averages over 1024 sessions) are absent.
public enum PrometheusRenderer {
    /// Every state `haproxy_server_check_status` can report, as the exporter lists them.
    static let checkStates = ["HANA", "SOCKERR", "L4OK", "L4TOUT", "L4CON", "L6OK", "L6TOUT", "L6RSP", "L7TOUT",
                              "L7RSP", "L7OK", "L7OKC", "L7STS", "PROCERR", "PROCTOUT", "PROCOK"]

    public static func render(_ snapshot: StatsSnapshot, query: PrometheusQuery = PrometheusQuery(),
                              format: PrometheusFormat = .text004) -> [UInt8] {
        let serverCount = snapshot.backends.reduce(0) { $0 + $1.servers.count }
        var exposition = Exposition(format: format, capacity: 8192 + serverCount * 6000, wants: query.wants)
        if query.scopes.contains(.global) { renderProcess(snapshot.process, into: &exposition) }
        if query.scopes.contains(.frontend) { renderFrontends(snapshot.frontends, into: &exposition) }
        if query.scopes.contains(.backend) { renderBackends(snapshot.backends, into: &exposition) }
        if query.scopes.contains(.server) { renderServers(snapshot.backends, noMaint: query.noMaint, into: &exposition) }
        if query.scopes.contains(.sticktable) { renderStickTables(snapshot.stickTables, into: &exposition) }
        return exposition.finish()
    }

    static func renderProcess(_ process: ProcessSnapshot, into e: inout Exposition) {
        e.family("haproxy_process_build_info", "Build info", .gauge)
        e.sample(Exposition.label("version", process.version), 1)
        let gauges: [(String, String, Int)] = [
            ("haproxy_process_nbthread", "Number of started threads (global.nbthread)", process.threads),
            ("haproxy_process_start_time_seconds", "Start time in seconds", process.startTimeSeconds),
            ("haproxy_process_uptime_seconds", "How long ago this worker process was started (seconds)", process.uptimeSeconds),
            ("haproxy_process_current_connections", "Number of active sessions", process.currentConnections),
            ("haproxy_process_max_connections", "Maximum number of concurrent connections", process.maxConnections),
        ]
        for (name, help, value) in gauges {
            e.family(name, help, .gauge)
            e.sample([], value)
        }
        e.family("haproxy_process_connections_total", "Total number of created sessions", .counter)
        e.sample([], process.totalConnections)
        if let rate = process.connectionRate {
            e.family("haproxy_process_current_connection_rate", "Number of front connections created over the last second", .gauge)
            e.sample([], rate.current)
        }
        e.family("haproxy_process_requests_total", "Total number of requests (TCP or HTTP)", .counter)
        e.sample([], process.totalRequests)
        if let dropped = process.droppedLogs {
            e.family("haproxy_process_dropped_logs_total", "Total number of dropped logs", .counter)
            e.sample([], dropped)
        }
    }

    /// Labelled by table name and key type, as HAProxy's exporter does.
    static func renderStickTables(_ tables: [StickTableSnapshot], into e: inout Exposition) {
        guard !tables.isEmpty else { return }
        let labels = tables.map { Exposition.labels(["name": $0.name, "type": $0.type]) }
        e.family("haproxy_sticktable_size", "Stick table size", .gauge)
        for (index, table) in tables.enumerated() { e.sample(labels[index], table.size) }
        e.family("haproxy_sticktable_used", "Number of entries used in this stick table", .gauge)
        for (index, table) in tables.enumerated() { e.sample(labels[index], table.used) }
    }

    static func renderFrontends(_ frontends: [FrontendSnapshot], into e: inout Exposition) {
        guard !frontends.isEmpty else { return }
        let labels = frontends.map { Exposition.label("proxy", $0.name) }
        e.family("haproxy_frontend_status", "Current status of the service", .gauge)
        for index in frontends.indices {
            e.sample(labels[index], extra: "state=\"DOWN\"", 0)
            e.sample(labels[index], extra: "state=\"UP\"", 1)
        }
        let table: [(String, String, Exposition.Kind, (FrontendSnapshot) -> Int?)] = [
            ("haproxy_frontend_current_sessions", "Number of current sessions", .gauge, { $0.currentSessions }),
            ("haproxy_frontend_limit_sessions", "Configured session limit", .gauge, { $0.limitSessions }),
            ("haproxy_frontend_sessions_total", "Total number of sessions", .counter, { $0.totalSessions }),
            ("haproxy_frontend_connections_total", "Total number of connections", .counter, { $0.totalSessions }),
            ("haproxy_frontend_bytes_in_total", "Current total of incoming bytes", .counter, { $0.bytesIn }),
            ("haproxy_frontend_bytes_out_total", "Current total of outgoing bytes", .counter, { $0.bytesOut }),
            ("haproxy_frontend_requests_denied_total", "Total number of denied requests", .counter, { $0.deniedRequests }),
            ("haproxy_frontend_responses_denied_total", "Total number of denied responses", .counter,
             { $0.isHTTP ? $0.deniedResponses : nil }),
            ("haproxy_frontend_denied_connections_total", "Total number of requests denied by \"tcp-request connection\" rules.",
             .counter, { $0.deniedConnections }),
            ("haproxy_frontend_denied_sessions_total", "Total number of requests denied by \"tcp-request session\" rules.",
             .counter, { $0.deniedSessions }),
            ("haproxy_frontend_intercepted_requests_total", "Total number of intercepted HTTP requests", .counter,
             { $0.isHTTP ? $0.interceptedRequests : nil }),
            ("haproxy_frontend_request_errors_total", "Total number of request errors", .counter, { $0.requestErrors }),
            ("haproxy_frontend_http_requests_total", "Total number of HTTP requests received", .counter,
             { $0.isHTTP ? $0.totalRequests : nil }),
            ("haproxy_frontend_max_session_rate", "Maximum observed number of sessions per second", .gauge,
             { $0.sessionRate?.maximum }),
            ("haproxy_frontend_connections_rate_max", "Maximum observed number of connections per second", .gauge,
             { $0.sessionRate?.maximum }),
            ("haproxy_frontend_http_requests_rate_max", "Maximum observed number of HTTP requests per second", .gauge,
             { $0.requestRate?.maximum }),
        ]
        for (name, help, kind, value) in table {
            guard e.family(name, help, kind) else { continue }
            for index in frontends.indices {
                if let v = value(frontends[index]) { e.sample(labels[index], v) }
            }
        }
        if e.family("haproxy_frontend_http_responses_total", "Total number of HTTP responses", .counter) {
            for index in frontends.indices where frontends[index].isHTTP {
                responses(frontends[index].responses, labels[index], into: &e)
            }
        }
        renderFrontendTLS(frontends, labels: labels, into: &e)
    }

    /// The handshakes of frontends with `ssl` binds (the others have none, and no series). HAProxy 2.6's
    /// exporter has no TLS metric per frontend; 3.x exports the `show stat` columns (`ssl_sess`...) only
    /// on request and without the `_total` suffix counters need. lb names them after those columns, as
    /// counters, and adds the handshake time as a histogram laid out like the latency ones.
    static func renderFrontendTLS(_ frontends: [FrontendSnapshot], labels: [[UInt8]], into e: inout Exposition) {
        let secured = frontends.indices.compactMap { index in frontends[index].tls.map { (labels[index], $0) } }
        guard let first = secured.first else { return }
        let counters: [(String, String, (TLSSnapshot) -> Int)] = [
            ("haproxy_frontend_ssl_sessions_total", "TLS handshakes completed (ssl_sess)", { $0.handshakes }),
            ("haproxy_frontend_ssl_reused_sessions_total", "TLS handshakes that resumed a session (ssl_reused_sess)",
             { $0.resumed }),
            ("haproxy_frontend_ssl_failed_handshakes_total", "TLS handshakes that failed (ssl_failed_handshake)",
             { $0.failed }),
        ]
        for (name, help, value) in counters {
            guard e.family(name, help, .counter) else { continue }
            for (labels, tls) in secured { e.sample(labels, value(tls)) }
        }
        if e.family("haproxy_frontend_ssl_handshake_time_seconds", "Histogram of TLS handshake times, from the accept (Th)",
                    .histogram) {
            let bucketLabels = Exposition.bucketLabels(first.1.handshakeTime.layout)
            for (labels, tls) in secured {
                e.histogram(labels, counts: tls.handshakeTime.counts, sumMicroseconds: tls.handshakeTime.sumMicroseconds,
                            bucketLabels: bucketLabels)
            }
        }
    }

    static func renderBackends(_ backends: [BackendSnapshot], into e: inout Exposition) {
        guard !backends.isEmpty else { return }
        let labels = backends.map { Exposition.label("proxy", $0.name) }
        e.family("haproxy_backend_status", "Current status of the service", .gauge)
        for index in backends.indices {
            let up = backends[index].isUp
            e.sample(labels[index], extra: "state=\"DOWN\"", up ? 0 : 1)
            e.sample(labels[index], extra: "state=\"UP\"", up ? 1 : 0)
        }
        let table: [(String, String, Exposition.Kind, (BackendSnapshot) -> Int?)] = [
            ("haproxy_backend_current_sessions", "Number of current sessions", .gauge, { $0.currentSessions }),
            ("haproxy_backend_sessions_total", "Total number of sessions", .counter, { $0.totalSessions }),
            ("haproxy_backend_max_session_rate", "Maximum observed number of sessions per second", .gauge,
             { $0.sessionRate?.maximum }),
            ("haproxy_backend_current_queue", "Number of current queued connections", .gauge, { $0.queueCurrent }),
            ("haproxy_backend_max_queue", "Maximum observed number of queued connections", .gauge, { $0.queueMaximum }),
            ("haproxy_backend_bytes_in_total", "Current total of incoming bytes", .counter, { $0.bytesIn }),
            ("haproxy_backend_bytes_out_total", "Current total of outgoing bytes", .counter, { $0.bytesOut }),
            ("haproxy_backend_responses_denied_total", "Total number of denied responses", .counter,
             { $0.isHTTP ? $0.deniedResponses : nil }),
            ("haproxy_backend_connection_errors_total", "Total number of connection errors", .counter, { $0.connectionErrors }),
            ("haproxy_backend_response_errors_total", "Total number of response errors", .counter, { $0.responseErrors }),
            ("haproxy_backend_retry_warnings_total", "Total number of retry warnings", .counter, { $0.retries }),
            ("haproxy_backend_redispatch_warnings_total", "Total number of redispatch warnings", .counter, { $0.redispatches }),
            ("haproxy_backend_weight", "Service weight", .gauge, { $0.weight }),
            ("haproxy_backend_uweight", "Server's user weight, or sum of active servers' user weights for a backend", .gauge,
             { $0.configuredWeight }),
            ("haproxy_backend_active_servers", "Current number of active servers", .gauge, { $0.activeServers }),
            ("haproxy_backend_backup_servers", "Current number of backup servers", .gauge, { $0.backupServers }),
            ("haproxy_backend_http_requests_total", "Total number of HTTP requests received", .counter,
             { $0.isHTTP ? $0.totalRequests : nil }),
            ("haproxy_backend_connection_attempts_total", "Total number of connection establishment attempts", .counter,
             { $0.servers.reduce(0) { $0 + $1.connectionAttempts } }),
            ("haproxy_backend_connection_reuses_total", "Total number of connection reuses", .counter,
             { $0.servers.reduce(0) { $0 + $1.connectionReuses } }),
        ]
        for (name, help, kind, value) in table {
            guard e.family(name, help, kind) else { continue }
            for index in backends.indices {
                if let v = value(backends[index]) { e.sample(labels[index], v) }
            }
        }
        if e.family("haproxy_backend_http_responses_total", "Total number of HTTP responses", .counter) {
            for index in backends.indices where backends[index].isHTTP {
                responses(backends[index].responses, labels[index], into: &e)
            }
        }
        histograms(prefix: "haproxy_backend_", entities: backends.indices.filter { backends[$0].isHTTP }.map {
            (labels[$0], backends[$0].latency)
        }, into: &e)
    }

    static func renderServers(_ backends: [BackendSnapshot], noMaint: Bool, into e: inout Exposition) {
        var servers: [ServerSnapshot] = []
        var labels: [[UInt8]] = []
        var http: [Bool] = []
        for backend in backends {
            let proxy = Exposition.label("proxy", backend.name)
            for server in backend.servers where !(noMaint && server.status.state == .maint) {
                servers.append(server)
                labels.append(proxy + Array(",".utf8) + Exposition.label("server", server.name))
                http.append(backend.isHTTP)
            }
        }
        guard !servers.isEmpty else { return }
        if e.family("haproxy_server_status", "Current status of the service", .gauge) {
            for index in servers.indices {
                let state = servers[index].status.state
                for candidate in ServerState.allCases {
                    e.sample(labels[index], extra: "state=\"\(candidate.rawValue)\"", candidate == state ? 1 : 0)
                }
            }
        }
        let table: [(String, String, Exposition.Kind, (ServerSnapshot) -> Int?)] = [
            ("haproxy_server_current_sessions", "Number of current sessions", .gauge, { $0.currentSessions }),
            ("haproxy_server_limit_sessions", "Configured session limit", .gauge, { $0.limitSessions }),
            ("haproxy_server_sessions_total", "Total number of sessions", .counter, { $0.totalSessions }),
            ("haproxy_server_max_session_rate", "Maximum observed number of sessions per second", .gauge,
             { $0.sessionRate?.maximum }),
            ("haproxy_server_current_queue", "Number of current queued connections", .gauge, { $0.queueCurrent }),
            ("haproxy_server_max_queue", "Maximum observed number of queued connections", .gauge, { $0.queueMaximum }),
            ("haproxy_server_queue_limit", "Configured maxqueue for the server (0 meaning no limit)", .gauge,
             { $0.queueLimit ?? 0 }),
            ("haproxy_server_bytes_in_total", "Current total of incoming bytes", .counter, { $0.bytesIn }),
            ("haproxy_server_bytes_out_total", "Current total of outgoing bytes", .counter, { $0.bytesOut }),
            ("haproxy_server_connection_errors_total", "Total number of connection errors", .counter, { $0.connectionErrors }),
            ("haproxy_server_response_errors_total", "Total number of response errors", .counter, { $0.responseErrors }),
            ("haproxy_server_retry_warnings_total", "Total number of retry warnings", .counter, { $0.retries }),
            ("haproxy_server_redispatch_warnings_total", "Total number of redispatch warnings", .counter, { $0.redispatches }),
            ("haproxy_server_weight", "Service weight", .gauge, { $0.weight }),
            ("haproxy_server_uweight", "Server's user weight, or sum of active servers' user weights for a backend", .gauge,
             { $0.configuredWeight }),
            ("haproxy_server_connection_attempts_total", "Total number of connection establishment attempts", .counter,
             { $0.connectionAttempts }),
            ("haproxy_server_connection_reuses_total", "Total number of connection reuses", .counter, { $0.connectionReuses }),
            ("haproxy_server_idle_connections_current", "Current number of idle connections available for reuse", .gauge,
             { $0.idleConnections }),
            ("haproxy_server_used_connections_current", "Current number of connections in use", .gauge, { $0.usedConnections }),
            ("haproxy_server_need_connections_current", "Estimated needed number of connections", .gauge,
             { $0.neededConnections }),
            ("haproxy_server_check_code", "layer5-7 code, if available of the last health check.", .gauge, { $0.checkCode }),
        ]
        for (name, help, kind, value) in table {
            guard e.family(name, help, kind) else { continue }
            for index in servers.indices {
                if let v = value(servers[index]) { e.sample(labels[index], v) }
            }
        }
        if e.family("haproxy_server_check_status", "Status of last health check, per state value", .gauge) {
            for index in servers.indices {
                guard let current = servers[index].checkStatus else { continue }
                for state in checkStates {
                    e.sample(labels[index], extra: "state=\"\(state)\"", state == current ? 1 : 0)
                }
            }
        }
        if e.family("haproxy_server_http_responses_total", "Total number of HTTP responses", .counter) {
            for index in servers.indices where http[index] {
                responses(servers[index].responses, labels[index], into: &e)
            }
        }
        histograms(prefix: "haproxy_server_", entities: servers.indices.filter { http[$0] }.map {
            (labels[$0], servers[$0].latency)
        }, into: &e)
    }

    static let codeLabels = ResponseCounts.codeLabels.map { "code=\"\($0)\"" }

    static func responses(_ counts: ResponseCounts, _ labels: [UInt8], into e: inout Exposition) {
        for index in 0..<6 { e.sample(labels, extra: codeLabels[index], counts.counts[index]) }
    }

    static func histograms(prefix: String, entities: [([UInt8], LatencySnapshot)], into e: inout Exposition) {
        guard let first = entities.first else { return }
        let bucketLabels = Exposition.bucketLabels(first.1.total.layout)
        for (which, stem) in ["connect_time_seconds", "response_time_seconds", "total_time_seconds"].enumerated() {
            let help = ["Histogram of connect times (Tc)", "Histogram of response times (Tr)",
                        "Histogram of total active times of requests (Ta)"][which]
            guard e.family(prefix + stem, help, .histogram) else { continue }
            for (labels, latency) in entities {
                let histogram = which == 0 ? latency.connect : which == 1 ? latency.response : latency.total
                e.histogram(labels, counts: histogram.counts, sumMicroseconds: histogram.sumMicroseconds, bucketLabels: bucketLabels)
            }
        }
    }
}
