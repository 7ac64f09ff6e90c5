import LBShared
import LBStats
import Testing

struct PrometheusQueryTests {
    typealias Scope = PrometheusQuery.Scope

    @Test(arguments: [
        ("", Set(Scope.allCases)),
        ("scope=backend", [.backend]),
        ("scope=backend&scope=server", [.backend, .server]),
        ("scope=*", Set(Scope.allCases)),
        ("scope=", []),
        ("scope=global&other=1", [.global]),
    ] as [(String, Set<Scope>)])
    func scopesFollowHAProxy(query: String, expected: Set<Scope>) throws {
        #expect(try PrometheusQuery.parse(Substring(query)).scopes == expected)
    }

    @Test(arguments: ["scope", "scope=nope", "scope=backend&scope", "metrics"])
    func invalidQueriesAreRejected(query: String) {
        #expect(throws: PrometheusQuery.Invalid.self) { try PrometheusQuery.parse(Substring(query)) }
    }

    @Test func metricsFilterKeepsOrDrops() throws {
        let keep = try PrometheusQuery.parse("metrics=haproxy_backend_status,haproxy_server_status")
        #expect(keep.wants("haproxy_backend_status"))
        #expect(!keep.wants("haproxy_process_uptime_seconds"))
        let drop = try PrometheusQuery.parse("metrics=-haproxy_backend_status")
        #expect(!drop.wants("haproxy_backend_status"))
        #expect(drop.wants("haproxy_server_status"))
        #expect(try PrometheusQuery.parse("no-maint").noMaint)
    }

    @Test(arguments: [
        (nil, PrometheusFormat.text004),
        ("text/plain", .text004),
        ("application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5", .openMetrics),
    ] as [(String?, PrometheusFormat)])
    func formatFollowsAccept(accept: String?, expected: PrometheusFormat) {
        #expect(PrometheusFormat.negotiate(accept: accept) == expected)
    }
}
