import LBShared
import LBStats
import Testing

/// A frontend's TLS handshakes in the three views: `show stat`'s `ssl_*` columns, the stats page's TLS
/// group, and the `haproxy_frontend_ssl_*` metrics.
@Suite struct TLSStatsTests {
    static func snapshot(tls: Bool) -> StatsSnapshot {
        var snapshot = StatsFixtures.snapshot()
        guard tls else { return snapshot }
        var time = HistogramSnapshot.empty()
        time.counts[0] = 3
        time.counts[2] = 1
        time.sumMicroseconds = 6_500
        snapshot.frontends[0].tls = TLSSnapshot(handshakes: 4, resumed: 1, failed: 2, handshakeTime: time)
        return snapshot
    }

    static func field(_ line: Substring, _ name: String) -> Substring {
        line.split(separator: ",", omittingEmptySubsequences: false)[StatRows.columns.firstIndex(of: name)!]
    }

    @Test func csvFillsTheSSLColumnsOfFrontends() {
        let lines = StatsFixtures.text(CSVRenderer.render(Self.snapshot(tls: true))).split(separator: "\n")
        let frontend = lines.first { $0.hasPrefix("fe_main,FRONTEND,") }!
        #expect([Self.field(frontend, "ssl_sess"), Self.field(frontend, "ssl_reused_sess"),
                 Self.field(frontend, "ssl_failed_handshake")] == ["4", "1", "2"])
        // Servers and backends: lb counts no TLS towards servers yet, so nothing is printed.
        let backend = lines.first { $0.hasPrefix("be_app,BACKEND,") }!
        #expect(Self.field(backend, "ssl_sess") == "")
        // A frontend without `ssl` binds made no handshake: 0, as HAProxy prints it.
        let plain = StatsFixtures.text(CSVRenderer.render(Self.snapshot(tls: false))).split(separator: "\n")
        #expect(Self.field(plain.first { $0.hasPrefix("fe_main,FRONTEND,") }!, "ssl_sess") == "0")
    }

    @Test func jsonHasTheSSLFieldsAndNotTheSeparator() {
        let text = StatsFixtures.text(JSONRenderer.render(Self.snapshot(tls: true)))
        #expect(text.contains("\"ssl_sess\":4,\"ssl_reused_sess\":1,\"ssl_failed_handshake\":2"))
        #expect(!text.contains("\"-\""))
    }

    @Test func pageShowsATLSGroupOnlyForFrontendsWithSSLBinds() {
        let page = StatsFixtures.text(HTMLRenderer.render(Self.snapshot(tls: true), options: HTMLPageOptions(uri: "/stats")))
        #expect(page.contains("<th colspan=\"5\">TLS handshakes</th>"))
        // Total, resumed, failed, then p50 and p99 of the handshake time.
        #expect(page.contains("<td>4</td><td>1</td><td>2</td><td>0.6ms</td><td>4.9ms</td></tr>"), "\(page)")
        let plain = StatsFixtures.text(HTMLRenderer.render(Self.snapshot(tls: false), options: HTMLPageOptions(uri: "/stats")))
        #expect(!plain.contains("TLS handshakes"))
    }

    @Test func prometheusHasCountersAndAHistogramForTLSFrontends() {
        let text = StatsFixtures.text(PrometheusRenderer.render(Self.snapshot(tls: true)))
        let lines = text.split(separator: "\n").map(String.init)
        for line in [
            "# TYPE haproxy_frontend_ssl_sessions_total counter",
            "haproxy_frontend_ssl_sessions_total{proxy=\"fe_main\"} 4",
            "haproxy_frontend_ssl_reused_sessions_total{proxy=\"fe_main\"} 1",
            "haproxy_frontend_ssl_failed_handshakes_total{proxy=\"fe_main\"} 2",
            "# TYPE haproxy_frontend_ssl_handshake_time_seconds histogram",
            "haproxy_frontend_ssl_handshake_time_seconds_bucket{proxy=\"fe_main\",le=\"0.001\"} 3",
            "haproxy_frontend_ssl_handshake_time_seconds_bucket{proxy=\"fe_main\",le=\"+Inf\"} 4",
            "haproxy_frontend_ssl_handshake_time_seconds_count{proxy=\"fe_main\"} 4",
            "haproxy_frontend_ssl_handshake_time_seconds_sum{proxy=\"fe_main\"} 0.0065",
        ] {
            #expect(lines.contains(line), "missing: \(line)")
        }
        let plain = StatsFixtures.text(PrometheusRenderer.render(Self.snapshot(tls: false)))
        #expect(!plain.contains("haproxy_frontend_ssl_"))
    }
}
