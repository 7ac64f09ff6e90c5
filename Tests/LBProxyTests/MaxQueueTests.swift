import NIOConcurrencyHelpers
import LBTestSupport
import Testing
@testable import LBProxy

/// Server `maxqueue`: requests that persistence binds to a full server wait for it, up to `maxqueue` of
/// them; the next ones are served by another server (persistence broken, the redispatch counted).
@Suite(.serialized) struct MaxQueueTests {
    static func config(port: Int, a: Int, b: Int) -> String {
        TestConfig.proxy(port: port, timeouts: .init(client: "60s", server: "60s"),
                         defaults: ["timeout queue 60s"], backend: [
            "cookie SRV",
            "server a 127.0.0.1:\(a) cookie a maxconn 1 maxqueue 1",
            "server b 127.0.0.1:\(b) cookie b",
        ])
    }

    @Test func pastMaxQueueAPersistentRequestGoesElsewhere() async throws {
        let release = NIOLockedValueBox(false)
        let a = try await TestBackend(name: "a") { _ in
            .sendWhen(ready: { release.withLockedValue { $0 } }, TestBackend.ok(body: "a\n"))
        }
        let b = try await TestBackend(name: "b")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, a: a.port, b: b.port), accessLog: log)
        let server = lb.balancer.runtime.backends[0].servers[0]

        // The first request holds a's only slot; the second waits for a (its queue is then full).
        let first = try RawClient(port: port)
        try first.send("GET /1 HTTP/1.1\r\nHost: x\r\nCookie: SRV=a\r\n\r\n")
        try await waitUntil("server a to receive the first request") { !a.requests.isEmpty }
        let second = try RawClient(port: port)
        try second.send("GET /2 HTTP/1.1\r\nHost: x\r\nCookie: SRV=a\r\n\r\n")
        try await waitUntil("a request waiting for server a") { server.waiting.load(ordering: .relaxed) >= 1 }

        // The third cannot wait for a: b answers it at once, while a still holds the first.
        let third = try await offloaded { try fetch(port: port, "GET /3 HTTP/1.1\r\nHost: x\r\nCookie: SRV=a\r\n\r\n") }
        #expect(third.status == 200)
        #expect(third.bodyText == "b\n")
        #expect(b.requests.map(\.path) == ["/3"])

        release.withLockedValue { $0 = true }
        #expect(try await offloaded { try first.readResponse() }.bodyText == "a\n")
        #expect(try await offloaded { try second.readResponse() }.bodyText == "a\n")
        #expect(a.requests.map(\.path) == ["/1", "/2"])

        // The stats show a's queue (one waited at most; none now) and the redispatch.
        let snapshot = lb.balancer.runtime.statsSnapshot().backends[0].servers[0]
        #expect(snapshot.queueCurrent == 0 && snapshot.queueMaximum == 1 && snapshot.queueLimit == 1)
        #expect(snapshot.redispatches == 1)
        let records = await log.waitFor(3)
        let redispatched = try #require(records.first { $0.requestLine == "GET /3 HTTP/1.1" })
        #expect(redispatched.server == "b")
        await lb.stop()
        await a.stop()
        await b.stop()
    }
}
