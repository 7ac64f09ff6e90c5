import LBTestSupport
import Testing
@testable import LBProxy

/// `http-response track-scN`, `sc-inc-gpc0` and `sc-set-gpt0`: counters moved by what servers answer,
/// read back by the request rules of later requests.
@Suite(.serialized) struct ResponseCounterTests {
    @Test func responsesTrackAndCountForLaterRequests() async throws {
        let server = try await TestBackend(name: "s1") { request in
            .send(request.path == "/missing" ? TestBackend.response(status: 404, body: "no\n") : TestBackend.ok(body: "s1\n"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            "stick-table type ip size 1k expire 30s store gpc0,gpt0,http_req_cnt",
            "http-request deny deny_status 429 if { src_get_gpc0 ge 2 }",
            "http-request deny deny_status 403 if { src_get_gpt0 eq 5 } { path /gpt }",
            "http-response track-sc0 src",
            "http-response sc-inc-gpc0(0) if { status 404 }",
            "http-response sc-set-gpt0(0) 5",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]))
        func status(_ path: String) throws -> Int { try fetch(port: port, "GET \(path) HTTP/1.1\r\nHost: h\r\n\r\n").status }
        #expect(try status("/gpt") == 200, "nothing tracked yet")
        #expect(try status("/missing") == 404)
        #expect(try status("/gpt") == 403, "the first response set gpt0")
        #expect(try status("/missing") == 404)
        #expect(try status("/") == 429, "two 404 answers counted in gpc0")
        let table = try #require(lb.balancer.runtime.stickTables.first)
        let counters = table.withLock { $0.counters(of: "127.0.0.1", now: ProxyRuntime.stickClock()) }
        #expect(counters?.gpc0 == 2 && counters?.gpt0 == 5)
        #expect(counters?.httpRequestCount == 3, "each response that tracked counted its request")
        await lb.stop()
        await server.stop()
    }
}
