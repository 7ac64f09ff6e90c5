import Foundation
import LBLog
import LBTestSupport
import Testing
@testable import LBProxy

/// What lb tells about TLS, over loopback with real clients (curl, `openssl s_client`) and a certificate
/// made at test time: the log records (`fe~`, `%sslv`, `%sslc`, Th, `option httpslog`, JSON `ssl_*`
/// keys), `show stat`'s `ssl_*` columns and the Prometheus handshake counters and histogram.
@Suite(.serialized) struct TLSObservabilityTests {
    static let tls13Ciphers: Set<String> = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]

    static func defaults(_ backendPort: Int) -> String {
        """
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        backend be
            server s1 127.0.0.1:\(backendPort)
        """
    }

    /// The message of a syslog datagram (after `tag[pid]: `).
    static func message(_ datagram: String) -> String {
        guard let range = datagram.range(of: "]: ") else { return datagram }
        return String(datagram[range.upperBound...].prefix { $0 != "\n" })
    }

    @Test func recordsCarryTheSessionTheMarkedFrontendAndTheHandshakeTime() async throws {
        let peer = try TLSTestPeer()
        defer { peer.remove() }
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let records = RecordCollector()
        let lb = try await LBHarness.start(Self.defaults(backend.port) + """

            frontend fe
                bind 127.0.0.1:\(port) ssl crt \(peer.pem)
                default_backend be
            """, accessLog: records)
        // Two requests over one TLS 1.3 connection, then one over TLS 1.2.
        _ = try await offloaded { try peer.curl(port: port, ["/a", "/b"]) }
        _ = try await offloaded { try peer.curl(port: port, ["/c"], ["--tls-max", "1.2"]) }
        try await waitUntil("three records") { records.records.count == 3 }
        let byPath = Dictionary(uniqueKeysWithValues: records.records.map { ($0.uri ?? "", $0) })
        let (a, b, c) = (try #require(byPath["/a"]), try #require(byPath["/b"]), try #require(byPath["/c"]))
        for record in [a, b, c] {
            #expect(record.frontendIsTLS)
            #expect(record.sslServerName == TLSTestPeer.serverName)
            #expect(!record.sslResumed)
        }
        #expect(a.sslVersion == "TLSv1.3" && b.sslVersion == "TLSv1.3")
        #expect(Self.tls13Ciphers.contains(a.sslCipher ?? ""), "\(a.sslCipher ?? "nil")")
        #expect(c.sslVersion == "TLSv1.2")
        #expect(c.sslCipher?.hasPrefix("ECDHE-ECDSA-") == true, "\(c.sslCipher ?? "nil")")
        // Th belongs to a connection's first request; Tt = Th + Ti + Ta.
        #expect(b.timeHandshake == 0)
        #expect(a.timeTotal == a.timeHandshake + a.timeIdle + a.timeActive)
        let counters = lb.balancer.runtime.frontends[0].tls
        #expect(counters.handshakes.load(ordering: .relaxed) == 2)
        await lb.stop()
        await backend.stop()
    }

    @Test func httpslogLogFormatJSONAndTCPLinesTellTheTLSFacts() async throws {
        let peer = try TLSTestPeer()
        defer { peer.remove() }
        let backend = try await TestBackend(name: "s1")
        let (httpsPort, plainPort, formatPort, jsonPort, tcpPort) = (freePort(), freePort(), freePort(), freePort(), freePort())
        let httpsLog = UDPReceiver(), formatLog = UDPReceiver(), jsonLog = UDPReceiver(), tcpLog = UDPReceiver()
        let lb = try await LBHarness.start(Self.defaults(backend.port) + """

            frontend fe_s
                bind 127.0.0.1:\(httpsPort) ssl crt \(peer.pem)
                log 127.0.0.1:\(httpsLog.port) local0
                option httpslog
                default_backend be
            frontend fe_p
                bind 127.0.0.1:\(plainPort)
                log 127.0.0.1:\(httpsLog.port) local0
                option httpslog
                default_backend be
            frontend fe_f
                bind 127.0.0.1:\(formatPort) ssl crt \(peer.pem)
                log 127.0.0.1:\(formatLog.port) local0
                log-format "%ft %f %sslv %[ssl_fc_sni] %[ssl_fc_is_resumed] %Th"
                default_backend be
            frontend fe_j
                bind 127.0.0.1:\(jsonPort) ssl crt \(peer.pem)
                log 127.0.0.1:\(jsonLog.port) local0
                option httplog json
                default_backend be
            frontend fe_t
                mode tcp
                bind 127.0.0.1:\(tcpPort) ssl crt \(peer.pem)
                log 127.0.0.1:\(tcpLog.port) local0
                log-format "%ft %sslv %sslc"
                default_backend be_tcp
            backend be_tcp
                mode tcp
                server s1 127.0.0.1:\(backend.port)
            """, configuredLogging: true)

        _ = try await offloaded { try peer.curl(port: httpsPort) }
        #expect(try fetch(port: plainPort, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        let lines = try await offloaded { httpsLog.receive(count: 2) }.map(Self.message)
        let https = try #require(lines.first { $0.contains(" fe_s~ ") }, "\(lines)")
        // httplog, then connection/TLS/certificate/chain errors and resumption, then SNI/version/cipher.
        let words = https.split(separator: " ")
        #expect(words[words.count - 2] == "0/0000000000000000/0/0/0", "\(https)")
        let tail = words[words.count - 1].split(separator: "/")
        #expect(tail.count == 3 && tail[0] == "a.example" && tail[1] == "TLSv1.3" && Self.tls13Ciphers.contains(String(tail[2])), "\(https)")
        #expect(https.contains(#" "GET / HTTP/1.1" 0/"#))
        let plain = try #require(lines.first { $0.contains(" fe_p ") }, "\(lines)")
        #expect(plain.hasSuffix(#" "GET / HTTP/1.1" 0/-/-/-/- -/-/-"#), "\(plain)")

        _ = try await offloaded { try peer.curl(port: formatPort) }
        let formatted = try await offloaded { formatLog.receive(count: 1) }.map(Self.message)
        let fields = formatted.first?.split(separator: " ") ?? []
        #expect(fields.count == 6 && fields[0...4] == ["fe_f~", "fe_f", "TLSv1.3", "a.example", "0"] && Int(fields[5]) != nil,
                "\(formatted)")

        _ = try await offloaded { try peer.curl(port: jsonPort) }
        let json = try await offloaded { jsonLog.receive(count: 1) }.map(Self.message).first ?? ""
        #expect(json.contains(#""frontend":"fe_j","frontend_is_tls":true"#), "\(json)")
        #expect(json.contains(#""ssl_version":"TLSv1.3","ssl_cipher":"TLS_"#), "\(json)")
        #expect(json.contains(#""ssl_sni":"a.example","ssl_resumed":false"#), "\(json)")

        _ = try await offloaded { try peer.curl(port: tcpPort) }
        let tcp = try await offloaded { tcpLog.receive(count: 1) }.map(Self.message).first ?? ""
        #expect(tcp.hasPrefix("fe_t~ TLSv1.3 TLS_"), "\(tcp)")
        await lb.stop()
        await backend.stop()
    }

    @Test func statsAndMetricsCountHandshakesResumedAndFailed() async throws {
        let peer = try TLSTestPeer()
        defer { peer.remove() }
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), metricsPort = freePort()
        let lb = try await LBHarness.start(Self.defaults(backend.port) + """

            frontend fe
                bind 127.0.0.1:\(port) ssl crt \(peer.pem)
                default_backend be
            frontend metrics
                bind 127.0.0.1:\(metricsPort)
                http-request use-service prometheus-exporter if { path /metrics }
            """)
        _ = try await offloaded { try peer.curl(port: port) }
        // A TLS 1.2 session saved by one s_client and resumed by the next.
        let first = try await offloaded { try peer.handshake(port: port, session: "s", resume: false) }
        #expect(first.contains("New, TLSv1.2"), "\(first)")
        let again = try await offloaded { try peer.handshake(port: port, session: "s", resume: true) }
        #expect(again.contains("Reused, TLSv1.2"), "\(again)")
        // Plain text where a ClientHello should be.
        let garbage = try RawClient(port: port)
        try garbage.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(garbage.waitForClose())

        let counters = lb.balancer.runtime.frontends[0].tls
        try await waitUntil("3 handshakes and 1 failure counted") {
            counters.handshakes.load(ordering: .relaxed) == 3 && counters.failed.load(ordering: .relaxed) == 1
        }
        let csv = StatsPage.csv(lb.balancer.runtime.statsSnapshot()).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = csv[0]
        let row = try #require(csv.first { $0[0] == "fe" && $0[1] == "FRONTEND" })
        func column(_ name: String) -> Substring? { header.firstIndex(of: Substring(name)).map { row[$0] } }
        #expect(column("ssl_sess") == "3")
        #expect(column("ssl_reused_sess") == "1")
        #expect(column("ssl_failed_handshake") == "1")

        let text = try fetch(port: metricsPort, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").bodyText
        for (series, value) in [
            ("haproxy_frontend_ssl_sessions_total{proxy=\"fe\"}", 3.0),
            ("haproxy_frontend_ssl_reused_sessions_total{proxy=\"fe\"}", 1),
            ("haproxy_frontend_ssl_failed_handshakes_total{proxy=\"fe\"}", 1),
            ("haproxy_frontend_ssl_handshake_time_seconds_count{proxy=\"fe\"}", 3),
            ("haproxy_frontend_ssl_handshake_time_seconds_bucket{proxy=\"fe\",le=\"+Inf\"}", 3),
        ] {
            #expect(MetricsSupport.value(series, in: text) == value, "\(series)")
        }
        // The metrics frontend has no `ssl` bind, hence no TLS series.
        #expect(!text.contains("haproxy_frontend_ssl_sessions_total{proxy=\"metrics\"}"))
        if let promtool = MetricsSupport.tool("promtool") {
            let result = try MetricsSupport.run(promtool, ["check", "metrics"], input: Array(text.utf8))
            #expect(result.status == 0, "\(result.output)")
        }
        await lb.stop()
        await backend.stop()
    }

    @Test func listeningSocketsTellHTTPSFromHTTP() async throws {
        let peer = try TLSTestPeer()
        defer { peer.remove() }
        let (tlsPort, plainPort, tcpPort) = (freePort(), freePort(), freePort())
        let lb = try await LBHarness.start(Self.defaults(1) + """

            frontend fe_tls
                bind 127.0.0.1:\(tlsPort) ssl crt \(peer.pem)
                default_backend be
            frontend fe_plain
                bind 127.0.0.1:\(plainPort)
                default_backend be
            frontend fe_tcp
                mode tcp
                bind 127.0.0.1:\(tcpPort) ssl crt \(peer.pem)
                default_backend be_tcp
            backend be_tcp
                mode tcp
                server s1 127.0.0.1:1
            """)
        let schemes = Dictionary(uniqueKeysWithValues: lb.sockets.map { ($0.frontend, $0.scheme) })
        #expect(schemes == ["fe_tls": "https", "fe_plain": "http", "fe_tcp": "tls"])
        await lb.stop()
    }
}
