import LBStats
import Testing

struct PrometheusRendererTests {
    let text = StatsFixtures.text(PrometheusRenderer.render(StatsFixtures.snapshot()))

    @Test(arguments: [
        "# TYPE haproxy_process_uptime_seconds gauge",
        "haproxy_process_build_info{version=\"0.1.0\"} 1",
        "# TYPE haproxy_frontend_http_requests_total counter",
        "haproxy_frontend_http_requests_total{proxy=\"fe_main\"} 2",
        "haproxy_frontend_http_responses_total{proxy=\"fe_main\",code=\"2xx\"} 2",
        "haproxy_backend_status{proxy=\"be_app\",state=\"UP\"} 1",
        "haproxy_server_status{proxy=\"be_app\",server=\"s1\",state=\"UP\"} 1",
        "haproxy_server_status{proxy=\"be_app\",server=\"s1\",state=\"MAINT\"} 0",
        "haproxy_server_check_status{proxy=\"be_app\",server=\"s1\",state=\"L4OK\"} 1",
        "# TYPE haproxy_backend_total_time_seconds histogram",
        "haproxy_backend_total_time_seconds_bucket{proxy=\"be_app\",le=\"0.001\"} 0",
        "haproxy_backend_total_time_seconds_bucket{proxy=\"be_app\",le=\"0.0025\"} 1",
        "haproxy_backend_total_time_seconds_bucket{proxy=\"be_app\",le=\"+Inf\"} 2",
        "haproxy_backend_total_time_seconds_sum{proxy=\"be_app\"} 0.0315",
        "haproxy_backend_total_time_seconds_count{proxy=\"be_app\"} 2",
        "haproxy_server_response_time_seconds_count{proxy=\"be_app\",server=\"s1\"} 2",
    ])
    func containsHAProxyNamesAndLabels(line: String) {
        #expect(text.split(separator: "\n").contains(Substring(line)), "missing: \(line)")
    }

    @Test(arguments: ["queue_time", "haproxy_server_up", "haproxy_backend_up", "rate", "average"])
    func leavesOutWhatLbDoesNotMeasure(fragment: String) {
        #expect(!text.contains(fragment))
    }

    @Test func everyFamilyHasHelpAndTypeBeforeItsSamples() {
        var declared: Set<String> = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") { declared.insert(String(line.split(separator: " ")[2])) }
            if line.hasPrefix("#") { continue }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            let family = ["_bucket", "_sum", "_count"].reduce(name) { name, suffix in
                name.hasSuffix(suffix) && declared.contains(String(name.dropLast(suffix.count))) ? String(name.dropLast(suffix.count)) : name
            }
            #expect(declared.contains(family), "\(name) sampled before its TYPE")
        }
    }

    @Test func scopesAndNoMaintFilter() throws {
        let snapshot = StatsFixtures.snapshot(servers: [StatsFixtures.server("up"), StatsFixtures.server("m", id: 2, admin: .maint)])
        let servers = StatsFixtures.text(PrometheusRenderer.render(snapshot, query: try PrometheusQuery.parse("scope=server&no-maint")))
        #expect(servers.contains("server=\"up\""))
        #expect(!servers.contains("server=\"m\""))
        #expect(!servers.contains("haproxy_process_"))
        #expect(!servers.contains("haproxy_backend_"))
        let none = PrometheusRenderer.render(snapshot, query: try PrometheusQuery.parse("scope="))
        #expect(none.isEmpty)
    }

    @Test func labelValuesAreEscaped() {
        let snapshot = StatsFixtures.snapshot(backendName: "a\"b\\c")
        let text = StatsFixtures.text(PrometheusRenderer.render(snapshot))
        #expect(text.contains("proxy=\"a\\\"b\\\\c\""))
    }

    @Test func openMetricsDropsTotalFromCounterFamiliesAndEnds() {
        let text = StatsFixtures.text(PrometheusRenderer.render(StatsFixtures.snapshot(), format: .openMetrics))
        #expect(text.contains("# TYPE haproxy_frontend_http_requests counter\n"))
        #expect(text.contains("haproxy_frontend_http_requests_total{proxy=\"fe_main\"} 2\n"))
        #expect(text.hasSuffix("# EOF\n"))
    }
}
