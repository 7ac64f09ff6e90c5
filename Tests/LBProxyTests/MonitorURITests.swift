import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// `monitor-uri` and `monitor fail`, as a keepalived `vrrp_script` or another balancer asks them: lb
/// answers itself, logs nothing, and says 503 when a condition fails or a stop began.
@Suite(.serialized) struct MonitorURITests {
    static func config(port: Int, backend: Int, failIf: String = "{ nbsrv(be) lt 1 }") -> String {
        TestConfig.proxy(port: port, defaults: ["log global", "option httplog"],
                         frontend: ["monitor-uri /health", "monitor fail if \(failIf)"],
                         backend: ["server s1 127.0.0.1:\(backend)"])
    }

    @Test func theMonitorURIIsAnsweredByLBAndNotLogged() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port), accessLog: log)
        let client = try RawClient(port: port)
        try client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        let ready = try await offloaded { try client.readResponse() }
        #expect(ready.status == 200)
        #expect(ready.bodyText == "<html><body><h1>200 OK</h1>\nService ready.\n</body></html>\n")
        // The same connection goes on: a normal request reaches the server and is logged.
        try client.send("GET /health?full HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await offloaded { try client.readResponse() }
        let records = await log.waitFor(1)
        #expect(records.map(\.requestLine) == ["GET /health?full HTTP/1.1"])
        #expect(backend.requests.map(\.path) == ["/health?full"])
        await lb.stop()
        await backend.stop()
    }

    /// A monitor URI written as a path also answers absolute-form requests for that path; one written
    /// as an absolute URI answers only requests sent with that very target.
    @Test func absoluteFormRequestsAndAbsoluteMonitorURIs() async throws {
        let port = freePort(), port2 = freePort()
        let config = TestConfig.proxy(port: port, frontend: ["monitor-uri /health"], backend: ["server s1 127.0.0.1:\(freePort())"])
            + "\nfrontend fe2\n    bind 127.0.0.1:\(port2)\n    monitor-uri http://www.haproxy.org/health\n    default_backend be\n"
        let lb = try await LBHarness.start(config)
        func status(_ port: Int, _ target: String) async throws -> Int {
            let client = try RawClient(port: port)
            try client.send("GET \(target) HTTP/1.1\r\nHost: www.haproxy.org\r\nConnection: close\r\n\r\n")
            return try await offloaded { try client.readResponse() }.status
        }
        // 503 is the backend's answer: its only server is not listening.
        #expect(try await status(port, "/health") == 200)
        #expect(try await status(port, "http://www.haproxy.org/health") == 200)
        #expect(try await status(port, "/hEAlth") == 503)
        #expect(try await status(port2, "http://www.haproxy.org/health") == 200)
        #expect(try await status(port2, "/health") == 503)
        await lb.stop()
    }

    @Test func monitorFailAnswers503WhileItsConditionHolds() async throws {
        let port = freePort()
        // No server listens on the backend's port, and its check marks it down.
        let dead = freePort()
        let config = TestConfig.proxy(port: port, frontend: ["monitor-uri /health", "monitor fail if { nbsrv(be) lt 1 }"],
                                      backend: ["server s1 127.0.0.1:\(dead) check inter 100 fall 1"])
        let lb = try await LBHarness.start(config)
        let backend = lb.balancer.runtime.backends[0]
        try await waitUntil("the server to be marked down") { backend.usableServerCount == 0 }
        let client = try RawClient(port: port)
        try client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        let failing = try await offloaded { try client.readResponse() }
        #expect(failing.status == 503)
        #expect(failing.bodyText.contains("No server is available"))
        await lb.stop()
    }

    @Test func aStoppingLBFailsItsMonitorURI() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, failIf: "FALSE"))
        let client = try RawClient(port: port)
        try client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try client.readResponse() }.status == 200)
        // A soft stop: the connection is still open and its next monitor request says 503.
        for (loop, box) in lb.balancer.runtime.allLoopContexts {
            try await loop.submit { box.value.beginDrain() }.get()
        }
        try client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try client.readResponse() }.status == 503)
        await lb.stop()
        await backend.stop()
    }
}

/// `grace`: after a soft stop the frontend keeps serving for a while, its monitor URI failing, so that
/// whatever watches it moves traffic away before lb stops taking connections.
@Suite(.serialized) struct GraceTests {
    @Test func duringGraceLBServesButItsMonitorURIFails() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        // A grace long enough for the requests below to fall in it on a busy machine, where a task can wait
        // seconds for a thread.
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: ["monitor-uri /health", "grace 15s"],
                                                            backend: ["server s1 127.0.0.1:\(backend.port)"]))
        let client = try RawClient(port: port)
        try client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try client.readResponse() }.status == 200)
        let stop = Task { await lb.balancer.shutdown(grace: .seconds(20)) }
        try await waitUntil("the stop to be announced") { lb.balancer.runtime.stopAnnounced.load(ordering: .relaxed) }
        // Still serving: the kept-alive connection and new ones; only the monitor URI says 503.
        try client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try client.readResponse() }.status == 503)
        let fresh = try RawClient(port: port)
        try fresh.send("GET /app HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = try await offloaded { try fresh.readResponse() }
        #expect(answer.status == 200)
        #expect(backend.requests.map(\.path) == ["/app"])
        await stop.value
        // After the grace the listeners closed.
        #expect(throws: (any Error).self) { _ = try RawClient(port: port) }
        await backend.stop()
    }
}
