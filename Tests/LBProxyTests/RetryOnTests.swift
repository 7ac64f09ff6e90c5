import Atomics
import LBLog
import LBTestSupport
import Testing

/// `retry-on`: which failures of an attempt lb retries, over real connections to misbehaving servers.
@Suite(.serialized) struct RetryOnTests {
    static func config(port: Int, servers: [Int], backendExtra: String, serverTimeout: String = "5s") -> String {
        let serverLines = servers.enumerated().map { "server s\($0.offset + 1) 127.0.0.1:\($0.element)" }
        return TestConfig.proxy(port: port, timeouts: .init(connect: "300ms", server: serverTimeout),
                                backend: [backendExtra] + serverLines)
    }

    /// A server that misbehaves with `failure` on its first `failures` requests, then answers 200.
    static func flaky(_ failures: Int, _ failure: TestBackend.Action) async throws -> TestBackend {
        let seen = ManagedAtomic<Int>(0)
        return try await TestBackend(name: "s1") { _ in
            seen.loadThenWrappingIncrement(ordering: .relaxed) < failures ? failure : .send(TestBackend.ok(body: "fine\n"))
        }
    }

    static let unavailable = TestBackend.Action.send(TestBackend.response(status: 503, reason: "Unavailable", body: "busy\n"))

    @Test(arguments: [
        ("retry-on 503", unavailable),
        ("retry-on empty-response", TestBackend.Action.close),
        ("retry-on junk-response", TestBackend.Action.sendAndClose(Array("NOT HTTP AT ALL\r\n\r\n".utf8))),
        ("retry-on all-retryable-errors", unavailable),
    ])
    func aListedFailureIsRetried(retryOn: String, failure: TestBackend.Action) async throws {
        let server = try await Self.flaky(1, failure)
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [server.port], backendExtra: "retries 2\n    \(retryOn)"),
                                           accessLog: log)
        let response = try fetch(port: port, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(response.status == 200, "\(retryOn)")
        #expect(response.bodyText == "fine\n")
        #expect(server.requests.count == 2)
        let record = try #require(await log.waitFor(1).first)
        #expect(record.retries == 1)
        #expect(record.terminationState == "----")
        await lb.stop()
        await server.stop()
    }

    @Test func aResponseTimeoutIsRetried() async throws {
        let server = try await Self.flaky(1, .hang)
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [server.port],
                                                       backendExtra: "retries 1\n    retry-on response-timeout", serverTimeout: "200ms"))
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 200)
        #expect(server.requests.count == 2)
        await lb.stop()
        await server.stop()
    }

    /// Without `retry-on`, only connection failures are retried: the default is `conn-failure`.
    @Test func byDefaultOnlyConnectFailuresAreRetried() async throws {
        let server = try await Self.flaky(1, Self.unavailable)
        let closing = try await Self.flaky(1, .close)
        let port = freePort(), closingPort = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [server.port], backendExtra: "retries 2"), accessLog: log)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 503)
        #expect(server.requests.count == 1)
        let other = try await LBHarness.start(Self.config(port: closingPort, servers: [closing.port], backendExtra: "retries 2"))
        #expect(try fetch(port: closingPort, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 502)
        #expect(closing.requests.count == 1)
        await lb.stop()
        await other.stop()
        await server.stop()
        await closing.stop()
    }

    @Test func retriesRunOutAndTheLastAnswerIsRelayed() async throws {
        let server = try await Self.flaky(10, Self.unavailable)
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [server.port], backendExtra: "retries 2\n    retry-on 503"),
                                           accessLog: log)
        let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(response.status == 503)
        #expect(response.bodyText == "busy\n", "the server's own last answer, not lb's error page")
        #expect(server.requests.count == 3)
        #expect(try #require(await log.waitFor(1).first).retries == 2)
        await lb.stop()
        await server.stop()
    }

    /// A request whose body already went to the server cannot be sent again: its 503 is relayed.
    @Test func aRequestWithABodyIsNotReplayed() async throws {
        let server = try await Self.flaky(1, Self.unavailable)
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [server.port], backendExtra: "retries 2\n    retry-on 503"))
        let response = try fetch(port: port, "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello")
        #expect(response.status == 503)
        #expect(server.requests.count == 1)
        await lb.stop()
        await server.stop()
    }

    /// With `option redispatch`, the last retry goes to another server.
    @Test func aRetryRedispatchesToAnotherServer() async throws {
        let broken = try await TestBackend(name: "s1") { _ in Self.unavailable }
        let healthy = try await TestBackend(name: "s2")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [broken.port, healthy.port],
                                                       backendExtra: "balance first\n    retries 1\n    retry-on 503\n    option redispatch"),
                                           accessLog: log)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 200)
        let record = try #require(await log.waitFor(1).first)
        #expect(record.server == "s2")
        #expect(record.redispatched)
        #expect(record.retries == 1)
        await lb.stop()
        await broken.stop()
        await healthy.stop()
    }

    /// `retry-on none` turns off even connection-failure retries.
    @Test func noneDisablesConnectRetries() async throws {
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [freePort()], backendExtra: "retries 3\n    retry-on none"),
                                           accessLog: log)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 503)
        let record = try #require(await log.waitFor(1).first)
        #expect(record.retries == 0)
        #expect(record.terminationState == "SC--")
        await lb.stop()
    }
}
