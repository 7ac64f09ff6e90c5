import LBTestSupport
import Testing
@testable import LBProxy

/// `tcp-request connection` rules at accept, `tcp-request session` rules behind the PROXY header, and
/// `tcp-request content` tracking and `req.payload` in TCP mode, over loopback; with the `dcon`, `dses`
/// and `intercepted` counters they move.
@Suite(.serialized) struct TCPRequestRulesTests {
    static let get = "GET / HTTP/1.1\r\nHost: h\r\n\r\n"

    @Test func connectionRulesTrackThenRefuseBeforeAnyByteAndLogNothing() async throws {
        let server = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, defaults: ["log global"], frontend: [
            "stick-table type ip size 1k expire 30s store conn_cnt,conn_cur,sess_cnt",
            "tcp-request connection track-sc0 src",
            "tcp-request connection reject if { sc0_conn_cnt gt 3 }",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]), accessLog: log)
        for _ in 0..<3 { #expect(try fetch(port: port, Self.get).status == 200) }
        for _ in 0..<2 {
            // Closed at accept, before the client says anything.
            let client = try RawClient(port: port)
            #expect(client.waitForClose())
            #expect(client.pending.isEmpty)
        }
        let frontend = lb.balancer.runtime.frontends[0]
        #expect(frontend.deniedConnections.load(ordering: .relaxed) == 2)
        #expect(frontend.deniedSessions.load(ordering: .relaxed) == 0)
        #expect(server.requests.count == 3)
        #expect(await log.waitFor(3).count == 3)
        let table = try #require(lb.balancer.runtime.stickTables.first)
        let counters = try #require(table.withLock { $0.counters(of: "127.0.0.1", now: ProxyRuntime.stickClock()) })
        // Tracking came before the reject: every connection counts, only the accepted ones are sessions.
        #expect(counters.connCount == 5 && counters.sessionCount == 3)
        try await waitUntil("the closed connections to let go of the entry") {
            table.withLock { $0.counters(of: "127.0.0.1", now: ProxyRuntime.stickClock())?.connCurrent } == 0
        }
        #expect(log.records.count == 3, "refused connections are not logged")
        await lb.stop()
        await server.stop()
    }

    @Test func sessionRulesSeeTheClientThePROXYHeaderNames() async throws {
        let server = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            // At accept the source is the proxy in front (127.0.0.1); the session rules see the client.
            "tcp-request connection reject if { src 192.0.2.66 }",
            "tcp-request session reject if { src 192.0.2.66 }",
            "stats enable",
            "stats uri /stats",
        ], backend: ["server s1 127.0.0.1:\(server.port)"])
            .replacingOccurrences(of: "bind 127.0.0.1:\(port)", with: "bind 127.0.0.1:\(port) accept-proxy"))
        let refused = try RawClient(port: port)
        try refused.send("PROXY TCP4 192.0.2.66 192.0.2.1 4000 80\r\n" + Self.get)
        #expect(refused.waitForClose())
        #expect(refused.pending.isEmpty)
        let allowed = try RawClient(port: port)
        try allowed.send("PROXY TCP4 192.0.2.10 192.0.2.1 4000 80\r\n" + Self.get)
        #expect(try await offloaded { try allowed.readResponse() }.status == 200)
        let frontend = lb.balancer.runtime.frontends[0]
        #expect(frontend.deniedSessions.load(ordering: .relaxed) == 1)
        #expect(frontend.deniedConnections.load(ordering: .relaxed) == 0)
        // The stats page counts the refusal among the frontend's denials, and says where it happened.
        let page = try RawClient(port: port)
        try page.send("PROXY TCP4 192.0.2.10 192.0.2.1 4001 80\r\nGET /stats HTTP/1.1\r\nHost: h\r\n\r\n")
        let html = try await offloaded { try page.readResponse() }.bodyText
        #expect(html.contains("title=\"requests: 0, connections (tcp-request connection): 0, sessions (tcp-request session): 1, intercepted requests: 1\">1</span>"))
        await lb.stop()
        await server.stop()
    }

    @Test func contentRulesTrackAndReadThePayloadInTCPMode() async throws {
        let server = try await GreetingServer.start(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, mode: "tcp", defaults: ["log global"], frontend: [
            "stick-table type ip size 1k expire 30s store conn_cnt,gpc0",
            "tcp-request inspect-delay 2s",
            "tcp-request content track-sc1 src",
            "tcp-request content sc-inc-gpc0(1) if { req.payload(0,4) -m str QUIT }",
            "tcp-request content reject if { req.payload(0,4) -m str QUIT }",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]), accessLog: log)
        let passing = try RawClient(port: port)
        try passing.send("HELO there\n")
        #expect(try await offloaded { passing.readLine() } == "s1")
        let refused = try RawClient(port: port)
        try refused.send("QUIT now\n")
        #expect(refused.waitForClose())
        #expect(refused.pending.isEmpty)
        let table = try #require(lb.balancer.runtime.stickTables.first)
        let counters = try #require(table.withLock { $0.counters(of: "127.0.0.1", now: ProxyRuntime.stickClock()) })
        #expect(counters.connCount == 2 && counters.gpc0 == 1)
        #expect(lb.balancer.runtime.frontends[0].deniedRequests.load(ordering: .relaxed) == 1)
        let records = await log.waitFor(1)
        #expect(records.first?.terminationState == "PR--", "a content reject is logged, as in HAProxy")
        try await waitUntil("lb to relay the first bytes") { server.received.first == Array("HELO there\n".utf8) }
        await lb.stop()
        await server.stop()
    }

    /// In HTTP mode content rules run once per request, before the http-request rules, and may read it.
    @Test func contentRulesRunForEachRequestInHTTPMode() async throws {
        let server = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            "stick-table type ip size 1k expire 30s store http_req_cnt",
            "tcp-request content reject if { path_beg /private }",
            "tcp-request content track-sc0 src",
            "http-request deny deny_status 429 if { sc_http_req_cnt(0) gt 2 }",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]))
        // Three requests on one connection: each is tracked, the third is over the limit.
        let client = try RawClient(port: port)
        var statuses: [Int] = []
        for _ in 0..<3 {
            try client.send(Self.get)
            statuses.append(try await offloaded { try client.readResponse() }.status)
        }
        #expect(statuses == [200, 200, 429])
        let refused = try RawClient(port: port)
        try refused.send("GET /private/x HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(refused.waitForClose())
        #expect(refused.pending.isEmpty)
        #expect(server.requests.count == 2)
        #expect(lb.balancer.runtime.frontends[0].deniedRequests.load(ordering: .relaxed) == 2)
        await lb.stop()
        await server.stop()
    }

    @Test func requestsAnsweredByLBAreCountedAsIntercepted() async throws {
        let server = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            "monitor-uri /alive",
            "stats enable",
            "stats uri /stats",
            "http-request return status 200 content-type text/plain string hi if { path /ret }",
            "http-request redirect location /elsewhere if { path /red }",
            "http-request deny if { path /deny }",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]))
        for (path, status) in [("/alive", 200), ("/ret", 200), ("/red", 302), ("/deny", 403), ("/", 200)] {
            #expect(try fetch(port: port, "GET \(path) HTTP/1.1\r\nHost: h\r\n\r\n").status == status, "\(path)")
        }
        let frontend = lb.balancer.runtime.frontends[0]
        #expect(frontend.interceptedRequests.load(ordering: .relaxed) == 3)
        // The stats page is the fourth: its CSV row says so, in HAProxy's columns 80 to 82.
        let csv = try fetch(port: port, "GET /stats;csv HTTP/1.1\r\nHost: h\r\n\r\n").bodyText
        let row = try #require(csv.split(separator: "\n").first { $0.hasPrefix("fe,FRONTEND,") })
        let fields = row.split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields[80] == "4" && fields[81] == "0" && fields[82] == "0", "\(row)")
        await lb.stop()
        await server.stop()
    }
}
