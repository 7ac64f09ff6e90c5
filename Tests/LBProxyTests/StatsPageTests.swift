import Testing
@testable import LBProxy

/// The stats page over real sockets: basic auth, the URI modifiers, and admin actions guarded against
/// cross-site requests.
@Suite(.serialized) struct StatsPageTests {
    static func config(port: Int, backendPort: Int, admin: Bool = true) -> String {
        """
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        listen app
            bind 127.0.0.1:\(port)
            stats enable
            stats uri /stats
            stats realm lb\\ stats
            stats auth admin:s3cret
            stats auth ops:other
            stats refresh 5s
            \(admin ? "stats admin if LOCALHOST" : "")
            server web1 127.0.0.1:\(backendPort)
            server web<2> 127.0.0.1:\(backendPort)
        """
    }

    @Test func scopeLimitsTheProxiesShown() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let config = Self.config(port: port, backendPort: backend.port).replacingOccurrences(of: "    stats refresh 5s",
                                                                                             with: "    stats scope .\n    stats scope other")
            + "\nbackend other\n    server o1 127.0.0.1:\(backend.port)\nbackend hidden\n    server h1 127.0.0.1:\(backend.port)\n"
        let lb = try await LBHarness.start(config)
        let csv = try fetch(port: port, "GET /stats;csv HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n").bodyText
        let proxies = Set(csv.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) })
        #expect(proxies == ["app", "other"])
        let page = try fetch(port: port, "GET /stats HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n").bodyText
        #expect(page.contains("data-proxy=\"other\"") && !page.contains("data-proxy=\"hidden\""))
        await lb.stop()
        await backend.stop()
    }

    /// The page's scope box (`?scope=NAME`, a part of the name, in any case) and modifiers after the `?`,
    /// as HAProxy's page writes its links (`/stats?;csv;scope=NAME`).
    @Test func scopeParameterAndModifiersAfterTheQueryMark() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let config = Self.config(port: port, backendPort: backend.port)
            + "\nbackend other\n    server o1 127.0.0.1:\(backend.port)\nbackend b2\n    server h1 127.0.0.1:\(backend.port)\n"
        let lb = try await LBHarness.start(config)
        func proxies(_ target: String) throws -> [String] {
            let csv = try fetch(port: port, "GET \(target) HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n").bodyText
            #expect(csv.hasPrefix("# pxname,svname,"), "\(target)")
            return Array(Set(csv.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) })).sorted()
        }
        #expect(try proxies("/stats?;csv;scope=b2") == ["b2"])
        #expect(try proxies("/stats;csv?scope=OTH") == ["other"])
        #expect(try proxies("/stats?x=1&scope=b2&;csv") == ["b2"])
        #expect(try proxies("/stats;csv?scope=") == ["app", "b2", "other"])
        await lb.stop()
        await backend.stop()
    }

    static let auth = "Authorization: Basic \(MetricsSupport.basic("admin", "s3cret"))\r\n"

    @Test(arguments: [("", 401), ("Authorization: Basic \(MetricsSupport.basic("admin", "wrong"))\r\n", 401),
                      (auth, 200), ("Authorization: Basic \(MetricsSupport.basic("ops", "other"))\r\n", 200)])
    func basicAuthGuardsThePage(header: String, status: Int) async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backendPort: backend.port))
        let response = try fetch(port: port, "GET /stats HTTP/1.1\r\nHost: x\r\n\(header)\r\n")
        #expect(response.status == status)
        if status == 401 { #expect(response.header("www-authenticate") == "Basic realm=\"lb stats\"") }
        if status == 200 {
            #expect(response.header("refresh") == "5")
            #expect(response.bodyText.contains("data-name=\"web&lt;2&gt;\""))
            #expect(!response.bodyText.contains("web<2>"))
        }
        await lb.stop()
        await backend.stop()
    }

    @Test func modifiersSelectCSVJSONAndNoRefresh() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backendPort: backend.port))
        let csv = try fetch(port: port, "GET /stats;csv HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n")
        #expect(csv.header("content-type") == "text/plain")
        #expect(csv.bodyText.hasPrefix("# pxname,svname,"))
        #expect(csv.bodyText.contains("\napp,web1,"))
        // The same columns as haproxy 2.6's page and `show stat`: lb's, then the statistics modules'.
        let header = csv.bodyText.split(separator: "\n")[0]
        #expect(header.hasSuffix(",agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,"), "\(header)")
        let json = try fetch(port: port, "GET /stats;json HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n")
        #expect(json.header("content-type") == "application/json")
        #expect(json.bodyText.contains("\"svname\":\"web1\""))
        let quiet = try fetch(port: port, "GET /stats;norefresh HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n")
        #expect(quiet.header("refresh") == nil)
        await lb.stop()
        await backend.stop()
    }

    func post(_ port: Int, _ body: String, origin: String?) throws -> RawClient.Response {
        let originHeader = origin.map { "Origin: \($0)\r\n" } ?? ""
        return try fetch(port: port, "POST /stats HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\(Self.auth)\(originHeader)"
                         + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)",
                         method: "POST")
    }

    @Test func adminActionsAreSameOriginOnly() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backendPort: backend.port))
        let page = try fetch(port: port, "GET /stats HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n").bodyText
        #expect(page.contains("name=\"token\" value=\"\(StatsAdmin.token)\""))
        let server = lb.balancer.runtime.backends[0].servers[0]
        let form = "s=web1&action=maint&b=%231&token=\(StatsAdmin.token)"

        let foreign = try post(port, form, origin: "http://evil.example")
        #expect(foreign.status == 303)
        #expect(foreign.header("location") == "/stats;st=DENY")
        #expect(server.admin.mode == .ready)

        let noToken = try post(port, "s=web1&action=maint&b=%231", origin: "http://127.0.0.1:\(port)")
        #expect(noToken.header("location") == "/stats;st=DENY")
        #expect(server.admin.mode == .ready)

        let same = try post(port, form, origin: "http://127.0.0.1:\(port)")
        #expect(same.status == 303)
        #expect(same.header("location") == "/stats;st=DONE")
        #expect(server.admin.mode == .maintenance)
        let csv = try fetch(port: port, "GET /stats;csv HTTP/1.1\r\nHost: x\r\n\(Self.auth)\r\n").bodyText
        #expect(csv.contains("\napp,web1,") && csv.split(separator: "\n").first { $0.hasPrefix("app,web1,") }?.contains(",MAINT,") == true)

        let ready = try post(port, "s=web1&action=ready&b=%231&token=\(StatsAdmin.token)", origin: nil)
        #expect(ready.header("location") == "/stats;st=DONE")
        #expect(server.admin.mode == .ready)
        await lb.stop()
        await backend.stop()
    }

    @Test func withoutStatsAdminPostsAreDenied() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backendPort: backend.port, admin: false))
        let response = try post(port, "s=web1&action=maint&b=%231&token=\(StatsAdmin.token)", origin: nil)
        #expect(response.header("location") == "/stats;st=DENY")
        #expect(lb.balancer.runtime.backends[0].servers[0].admin.mode == .ready)
        await lb.stop()
        await backend.stop()
    }
}
