import LBTestSupport
import Testing
@testable import LBProxy

/// The web's most common HAProxy snippet, over loopback: a stick table of request rates, tracking by
/// source address, and a 429 above 20 requests in 10 s; then `tarpit` and `reject`.
@Suite(.serialized) struct RateLimitTests {
    @Test func theTwentyFirstQuickRequestIsDenied() async throws {
        let server = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            "stick-table type ip size 100k expire 30s store http_req_rate(10s)",
            "http-request track-sc0 src",
            "http-request deny deny_status 429 if { sc_http_req_rate(0) gt 20 }",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]))
        var statuses: [Int: Int] = [:]
        for _ in 0..<100 {
            statuses[try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status, default: 0] += 1
        }
        // haproxy 2.6 answers the same traffic with 20 × 200 and 80 × 429.
        #expect(statuses == [200: 20, 429: 80])
        #expect(lb.balancer.runtime.frontends[0].deniedRequests.load(ordering: .relaxed) == 80)
        await lb.stop()
        await server.stop()
    }

    @Test func tarpitHoldsThenAnswers500AndRejectCloses() async throws {
        let server = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            "timeout tarpit 300ms",
            "http-request tarpit if { path /slow }",
            "http-request reject if { path /drop }",
        ], backend: ["server s1 127.0.0.1:\(server.port)"]))
        let start = ContinuousClock.now
        let held = try fetch(port: port, "GET /slow HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(held.status == 500)
        #expect(ContinuousClock.now - start >= .milliseconds(300), "the answer waited for timeout tarpit")
        let client = try RawClient(port: port)
        try client.send("GET /drop HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(client.waitForClose())
        #expect(client.pending.isEmpty, "reject sends nothing")
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 200)
        #expect(lb.balancer.runtime.frontends[0].deniedRequests.load(ordering: .relaxed) == 2)
        await lb.stop()
        await server.stop()
    }
}
