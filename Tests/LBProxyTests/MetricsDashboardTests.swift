import Foundation
import Testing
@testable import LBProxy

/// The files under `dashboards/`: the alert rules pass `promtool check rules`, the Grafana dashboard is
/// importable JSON with its datasource as an input, and every metric either refers to is one lb exports.
@Suite(.serialized) struct MetricsDashboardTests {
    static let dashboards = Fixtures.root + "/dashboards/"
    /// Referenced by the dashboard or the rules but not exported by lb (none at present).
    static let pending: Set<String> = []

    @Test(.enabled(if: MetricsSupport.tool("promtool") != nil))
    func alertRulesPassPromtool() throws {
        let result = try MetricsSupport.run(MetricsSupport.tool("promtool")!, ["check", "rules", Self.dashboards + "lb-alerts.yml"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func grafanaDashboardIsImportable() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboards + "lb-grafana.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let inputs = try #require(json["__inputs"] as? [[String: Any]])
        #expect(inputs.first?["pluginId"] as? String == "prometheus")
        #expect((json["panels"] as? [Any])?.count ?? 0 > 10)
    }

    @Test func everyReferencedMetricIsExported() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), metricsPort = freePort()
        // With a log target, so that the logging metrics (dropped records) exist too.
        let lb = try await LBHarness.start("global\n    log 127.0.0.1:\(freePort()) local0\n"
                                           + MetricsTests.config(port: port, metricsPort: metricsPort, backendPort: backend.port)
                                           + "\n    server s2 127.0.0.1:\(backend.port) check inter 1s\n",
                                           configuredLogging: true)
        for _ in 0..<4 { _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") }
        let exposition = try fetch(port: metricsPort, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").bodyText
        var exported = Set(exposition.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0.prefix { $0 != "{" && $0 != " " }) })
        // A check result may not have arrived yet; the family is there once one has.
        exported.insert("haproxy_server_check_status")
        for file in ["lb-grafana.json", "lb-alerts.yml"] {
            let text = try String(contentsOfFile: Self.dashboards + file, encoding: .utf8)
            for name in Self.metricNames(in: text) where !Self.pending.contains(name) {
                #expect(exported.contains(name), "\(file) uses \(name), which lb does not export")
            }
        }
        await lb.stop()
        await backend.stop()
    }

    /// Every `haproxy_...` identifier in a text.
    static func metricNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(text)
        while let start = rest.range(of: "haproxy_") {
            let name = rest[start.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            names.insert(String(name))
            rest = rest[start.upperBound...]
        }
        return names
    }
}
