import LBLog
import Testing
@testable import LBProxy

/// The Prometheus exporter over real sockets: counters agree with the traffic, HAProxy's query
/// parameters, content negotiation, and `promtool check metrics` accepts the output.
@Suite(.serialized) struct MetricsTests {
    static func config(port: Int, metricsPort: Int, backendPort: Int) -> String {
        """
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(port)
            default_backend be
        frontend metrics
            bind 127.0.0.1:\(metricsPort)
            http-request use-service prometheus-exporter if { path /metrics }
        backend be
            server s1 127.0.0.1:\(backendPort)
        """
    }

    @Test func countersHistogramsCSVAndLogsAllAgreeWithTheTraffic() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), metricsPort = freePort()
        let records = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, metricsPort: metricsPort, backendPort: backend.port),
                                           accessLog: records)
        let requests = 7
        for _ in 0..<requests {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        }
        _ = await records.waitFor(requests)
        let response = try fetch(port: metricsPort, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.header("content-type") == "text/plain; version=0.0.4")
        let text = response.bodyText
        let n = Double(requests)
        for series in [
            "haproxy_frontend_http_requests_total{proxy=\"fe\"}",
            "haproxy_frontend_http_responses_total{proxy=\"fe\",code=\"2xx\"}",
            "haproxy_backend_http_requests_total{proxy=\"be\"}",
            "haproxy_backend_total_time_seconds_count{proxy=\"be\"}",
            "haproxy_backend_total_time_seconds_bucket{proxy=\"be\",le=\"+Inf\"}",
            "haproxy_backend_connect_time_seconds_count{proxy=\"be\"}",
            "haproxy_server_response_time_seconds_count{proxy=\"be\",server=\"s1\"}",
            "haproxy_server_http_responses_total{proxy=\"be\",server=\"s1\",code=\"2xx\"}",
        ] {
            #expect(MetricsSupport.value(series, in: text) == n, "\(series)")
        }
        let csv = StatsPage.csv(lb.balancer.runtime.statsSnapshot()).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let reqTot = csv[0].firstIndex(of: "req_tot")!
        #expect(csv.first { $0[0] == "fe" && $0[1] == "FRONTEND" }?[reqTot] == "\(requests)")
        #expect(csv.first { $0[0] == "be" && $0[1] == "BACKEND" }?[reqTot] == "\(requests)")
        #expect(records.records.filter { $0.frontend == "fe" }.count == requests)
        let scrape = await records.waitFor(requests + 1).last
        #expect(scrape?.server == "<PROMEX>")
        #expect(scrape?.status == 200)
        await lb.stop()
        await backend.stop()
    }

    @Test(arguments: [
        ("/metrics?scope", 400),
        ("/metrics?scope=bogus", 400),
        ("/metrics?scope=backend", 200),
        ("/metrics?scope=backend&metrics=haproxy_backend_status", 200),
    ])
    func queryParameters(path: String, status: Int) async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), metricsPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, metricsPort: metricsPort, backendPort: backend.port))
        let response = try fetch(port: metricsPort, "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == status)
        if status == 200 {
            #expect(!response.bodyText.contains("haproxy_process_"))
            #expect(!response.bodyText.contains("haproxy_server_"))
            #expect(response.bodyText.contains("haproxy_backend_status{proxy=\"be\",state=\"UP\"} 1"))
            if path.contains("metrics=") { #expect(!response.bodyText.contains("haproxy_backend_sessions_total")) }
        }
        await lb.stop()
        await backend.stop()
    }

    @Test func openMetricsWhenTheScraperAsks() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), metricsPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, metricsPort: metricsPort, backendPort: backend.port))
        let response = try fetch(port: metricsPort,
                                 "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: application/openmetrics-text;version=1.0.0\r\n\r\n")
        #expect(response.header("content-type")?.hasPrefix("application/openmetrics-text") == true)
        #expect(response.bodyText.hasSuffix("# EOF\n"))
        await lb.stop()
        await backend.stop()
    }

    @Test(.enabled(if: MetricsSupport.tool("promtool") != nil))
    func promtoolAcceptsTheExposition() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), metricsPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, metricsPort: metricsPort, backendPort: backend.port))
        for _ in 0..<3 { _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        let body = try fetch(port: metricsPort, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").body
        let result = try MetricsSupport.run(MetricsSupport.tool("promtool")!, ["check", "metrics"], input: body)
        #expect(result.status == 0, "\(result.output)")
        await lb.stop()
        await backend.stop()
    }
}
