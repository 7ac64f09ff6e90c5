import Atomics
import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// A real Prometheus scrapes lb's exporter behind basic auth while traffic flows; every PromQL expression
/// of the Grafana dashboard and of the alert rules is evaluated through Prometheus' HTTP API and must
/// return data.
@Suite(.serialized) struct PrometheusScrapeInteropTests {
    static let dashboards = Fixtures.root + "/dashboards/"

    static func config(port: Int, metricsPort: Int, backendPort: Int, logPort: Int) -> String {
        """
        global
            log 127.0.0.1:\(logPort) local0
        userlist metrics_users
            user prometheus insecure-password scrape-secret
        defaults
            mode http
            log global
            option httplog
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(port)
            default_backend be
        frontend metrics
            bind 127.0.0.1:\(metricsPort)
            http-request auth realm metrics unless { http_auth(metrics_users) }
            http-request use-service prometheus-exporter if { path /metrics }
        backend be
            server s1 127.0.0.1:\(backendPort) check inter 500ms
            server s2 127.0.0.1:\(backendPort) check inter 500ms
        """
    }

    static func prometheusConfig(metricsPort: Int) -> String {
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - \(dashboards)lb-alerts.yml
        scrape_configs:
          - job_name: lb
            basic_auth:
              username: prometheus
              password: scrape-secret
            static_configs:
              - targets: ["127.0.0.1:\(metricsPort)"]
          - job_name: lb-wrong-password
            basic_auth:
              username: prometheus
              password: not-the-secret
            static_configs:
              - targets: ["127.0.0.1:\(metricsPort)"]
        """
    }

    @Test(.enabled(if: PrometheusServer.path != nil && MetricsSupport.tool("curl") != nil))
    func everyDashboardAndAlertExpressionReturnsData() async throws {
        // Most answers are 200, one in five a 500, so that the error panels have both classes.
        let backend = try await TestBackend(name: "s1") { request in
            .send(request.path == "/fail" ? TestBackend.response(status: 500, reason: "Internal Server Error", body: "no\n")
                                          : TestBackend.ok(body: "ok\n"))
        }
        let port = freePort(), metricsPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, metricsPort: metricsPort, backendPort: backend.port,
                                                       logPort: freePort()),
                                           configuredLogging: true)
        let directory = NSTemporaryDirectory() + "lb-prometheus-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // Traffic for the whole test, paced so that every scrape interval sees requests.
        let stop = ManagedAtomic(false), sent = ManagedAtomic(0)
        let traffic = Thread {
            var count = 0
            while !stop.load(ordering: .relaxed) {
                count += 1
                _ = try? fetch(port: port, "GET \(count % 5 == 0 ? "/fail" : "/") HTTP/1.1\r\nHost: x\r\n\r\n")
                sent.wrappingIncrement(ordering: .relaxed)
                usleep(5_000)
            }
        }
        traffic.start()
        let prometheus = try await PrometheusServer(configuration: Self.prometheusConfig(metricsPort: metricsPort),
                                                    directory: directory)
        defer {
            stop.store(true, ordering: .relaxed)
            prometheus.stop()
        }

        // Enough scrapes for rates over the dashboards' windows, and a rule evaluation after them.
        try await Self.waitFor("eight scrapes of lb") {
            try prometheus.query("count_over_time(up{job=\"lb\"}[1m]) >= 8").samples.count == 1
        }
        // Basic auth is enforced: the right password scrapes, the wrong one is refused.
        #expect(try prometheus.query("up{job=\"lb\"}").samples.first?.value == "1", "\((try? prometheus.get("/api/v1/targets")) ?? "")")
        #expect(try prometheus.query("up{job=\"lb-wrong-password\"}").samples.first?.value == "0")
        #expect(try prometheus.query("haproxy_process_start_time_seconds{job=\"lb-wrong-password\"}").samples.isEmpty)

        // The dashboard: every panel's query, and its backend variable's values.
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboards + "lb-grafana.json"))
        let expressions = PromQLText.expressions(inDashboard: try JSONSerialization.jsonObject(with: data))
        #expect(expressions.count > 20)
        for expression in expressions {
            let query = PromQLText.resolvingGrafanaVariables(expression)
            let result = try prometheus.query(query)
            #expect(result.status == "success", "\(query): \(result.error ?? "")")
            #expect(!result.samples.isEmpty, "no data for the dashboard's \(query)")
        }
        let backends = try prometheus.get("/api/v1/label/proxy/values", query: ["match[]": "haproxy_backend_status"])
        #expect(backends.contains("\"be\""), "\(backends)")

        // The alert rules: Prometheus loaded and evaluated each without error; the quantity each compares
        // with its threshold has data.
        try await Self.waitFor("every rule to be evaluated") {
            let rules = try prometheus.rules()
            return rules.count == 6 && rules.allSatisfy { ($0["lastEvaluation"] as? String)?.hasPrefix("0001") == false }
        }
        for rule in try prometheus.rules() {
            let name = rule["name"] as? String ?? "?"
            #expect(rule["health"] as? String == "ok", "\(name): \(rule["lastError"] ?? "")")
            let quantity = PromQLText.withoutThreshold(rule["query"] as? String ?? "")
            let result = try prometheus.query(quantity)
            #expect(result.status == "success", "\(name): \(quantity): \(result.error ?? "")")
            #expect(!result.samples.isEmpty, "no data for \(name): \(quantity)")
        }
        // The error ratio the rule computes reflects the traffic: one answer in five is a 500.
        let ratio = try prometheus.query("sum(rate(haproxy_backend_http_responses_total{proxy=\"be\",code=\"5xx\"}[1m]))"
                                         + " / sum(rate(haproxy_backend_http_responses_total{proxy=\"be\"}[1m]))")
        let value = try #require(Double(ratio.samples.first?.value ?? ""))
        #expect(value > 0.1 && value < 0.3, "5xx ratio \(value)")
        #expect(sent.load(ordering: .relaxed) > 0)

        stop.store(true, ordering: .relaxed)
        try await waitUntil("the traffic thread to end") { traffic.isFinished }
        await lb.stop()
        await backend.stop()
    }

    @Test func thresholdsAreCutAtTheTopLevelOnly() {
        #expect(PromQLText.withoutThreshold("haproxy_backend_status{state=\"UP\"} == 0") == "haproxy_backend_status{state=\"UP\"}")
        #expect(PromQLText.withoutThreshold("a{x!=\"1\",y=~\">\"} / clamp_min(b, 1e-9) > 0.05") == "a{x!=\"1\",y=~\">\"} / clamp_min(b, 1e-9)")
        #expect(PromQLText.withoutThreshold("sum(rate(x[5m])) >= 2") == "sum(rate(x[5m]))")
        #expect(PromQLText.withoutThreshold("rate(x[1m])") == "rate(x[1m])")
    }

    /// Polls `condition` every 100 ms for up to 30 s (Prometheus scrapes once a second).
    static func waitFor(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if (try? condition()) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RawClient.Failure(description: "timed out waiting for \(what)")
    }
}
