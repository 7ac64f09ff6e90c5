import NIOConcurrencyHelpers
import LBTestSupport
import Testing
@testable import LBProxy

/// Health checks take failing servers out of rotation and bring them back (rise/fall).
@Suite(.serialized) struct HealthCheckTests {
    @Test func tcpCheckMarksADeadServerDownAndTrafficAvoidsIt() async throws {
        let alive = try await TestBackend(name: "alive")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "500ms"), backend: [
            "retries 0",
            "server dead 127.0.0.1:\(freePort()) check inter 50ms fall 1 rise 1",
            "server alive 127.0.0.1:\(alive.port) check inter 50ms fall 1 rise 1",
        ]))
        let dead = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("checks to mark the dead server DOWN") { !dead.healthy.load(ordering: .relaxed) }
        for _ in 0..<6 {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText == "alive\n")
        }
        #expect(dead.connectionErrors.load(ordering: .relaxed) == 0)
        await lb.stop()
        await alive.stop()
    }

    @Test func httpCheckJudgesTheStatusAndRiseBringsTheServerBack() async throws {
        let failing = NIOLockedValueBox(true)
        let backend = try await TestBackend(name: "s1") { request in
            if request.path == "/health" {
                return .send(TestBackend.response(status: failing.withLockedValue { $0 } ? 500 : 200, body: "x"))
            }
            return .send(TestBackend.ok(body: "s1\n"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "500ms"), backend: [
            "option httpchk GET /health",
            "server s1 127.0.0.1:\(backend.port) check inter 50ms fall 2 rise 2",
        ]))
        let server = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("checks to mark the server DOWN") { !server.healthy.load(ordering: .relaxed) }
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 503)
        #expect(server.lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer7WrongStatus.rawValue)
        failing.withLockedValue { $0 = false }
        try await waitUntil("rise checks to bring the server back UP") { server.healthy.load(ordering: .relaxed) }
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText == "s1\n")
        #expect(backend.requests.contains { $0.requestLine == "GET /health HTTP/1.0" })
        await lb.stop()
        await backend.stop()
    }
}
