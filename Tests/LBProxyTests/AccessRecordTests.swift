import LBLog
import LBTestSupport
import Testing

/// The record each request produces: names, timers with HAProxy's -1 rules, status, bytes and the
/// termination state, for every kind of outcome lb produces.
@Suite(.serialized) struct AccessRecordTests {
    /// Short connect and request timeouts by default, for the tests of those phases; tests of other
    /// outcomes pass long ones, so that a machine too busy to run lb for 300 ms does not end them early.
    static func config(port: Int, backend: Int, extra: String = "", backendExtra: String = "", serverTimeout: String = "5s",
                       phaseTimeout: String = "300ms") -> String {
        TestConfig.proxy(port: port, timeouts: .init(connect: phaseTimeout, server: serverTimeout),
                         defaults: ["timeout http-request \(phaseTimeout)", "timeout http-keep-alive 5s"],
                         frontend: [extra], backend: [backendExtra, "server s1 127.0.0.1:\(backend)"])
    }

    @Test func normalRequestsOnAKeptAliveConnection() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, phaseTimeout: "5s"), accessLog: log)
        let client = try RawClient(port: port)
        try client.send("GET /first?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")
        _ = try client.readResponse()
        try await Task.sleep(nanoseconds: 50_000_000)  // an idle gap that Ti must show
        try client.send("POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc")
        _ = try client.readResponse()
        let records = await log.waitFor(2)
        #expect(records.count == 2)
        let first = records[0], second = records[1]
        #expect(first.frontend == "fe" && first.backend == "be" && first.server == "s1")
        #expect(first.status == 200)
        #expect(first.terminationState == "----")
        #expect(first.requestLine == "GET /first?x=1 HTTP/1.1")
        #expect(first.clientAddress == "127.0.0.1" && first.clientPort > 0)
        #expect(first.timeRequest >= 0 && first.timeQueue >= 0 && first.timeConnect >= 0 && first.timeResponse >= 0)
        #expect(first.timeActive >= first.timeResponse)
        #expect(first.bytesToClient == Int64(TestBackend.ok(body: "s1\n").count))
        #expect(first.bytesFromClient == Int64("GET /first?x=1 HTTP/1.1\r\nHost: h\r\n\r\n".utf8.count))
        #expect(first.retries == 0 && !first.redispatched)
        #expect(second.requestLine == "POST /second HTTP/1.1")
        #expect(second.timeIdle >= 50)
        #expect(second.requestDateMilliseconds >= first.requestDateMilliseconds + 50)
        await lb.stop()
        await backend.stop()
    }

    @Test func badRequestIsLoggedAsBADREQWithPR() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, phaseTimeout: "5s"), accessLog: log)
        _ = try fetch(port: port, "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n")
        let record = try #require(await log.waitFor(1).first)
        #expect(record.status == 400)
        #expect(record.terminationState == "PR--")
        #expect(record.backend == "fe" && record.server == "<NOSRV>")
        #expect(record.requestLine == nil)
        #expect(record.timeRequest == -1 && record.timeQueue == -1 && record.timeConnect == -1 && record.timeResponse == -1)
        await lb.stop()
        await backend.stop()
    }

    @Test func refusedServerGivesSCWithRetries() async throws {
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: freePort(), backendExtra: "retries 2"), accessLog: log)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 503)
        let record = try #require(await log.waitFor(1).first)
        #expect(record.status == 503)
        #expect(record.terminationState == "SC--")
        #expect(record.server == "s1")
        #expect(record.retries == 2)
        #expect(record.timeConnect == -1 && record.timeResponse == -1)
        #expect(record.timeQueue >= 0)
        await lb.stop()
    }

    @Test func serverTimeoutGivessH() async throws {
        let backend = try await TestBackend(name: "s1") { _ in .hang }
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, serverTimeout: "200ms", phaseTimeout: "5s"), accessLog: log)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 504)
        let record = try #require(await log.waitFor(1).first)
        #expect(record.terminationState == "sH--")
        #expect(record.timeConnect >= 0 && record.timeResponse == -1)
        #expect(record.timeActive >= 200)
        await lb.stop()
        await backend.stop()
    }

    @Test func localAnswersAndDenialsAreLoggedWithoutAServer() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, extra: """
            http-request deny if { path /deny }
                http-request return status 200 string "ok" if { path /ok }
            """, phaseTimeout: "5s"), accessLog: log)
        _ = try fetch(port: port, "GET /deny HTTP/1.1\r\nHost: h\r\n\r\n")
        _ = try fetch(port: port, "GET /ok HTTP/1.1\r\nHost: h\r\n\r\n")
        let records = await log.waitFor(2)
        let deny = try #require(records.first { $0.requestLine == "GET /deny HTTP/1.1" })
        #expect(deny.status == 403 && deny.terminationState == "PR--" && deny.server == "<NOSRV>")
        #expect(deny.timeQueue == -1)
        let ok = try #require(records.first { $0.requestLine == "GET /ok HTTP/1.1" })
        #expect(ok.status == 200 && ok.terminationState == "LR--" && ok.server == "<NOSRV>" && ok.backend == "fe")
        await lb.stop()
        await backend.stop()
    }

    @Test func slowHeadIscRAndClientAbortIsCH() async throws {
        let backend = try await TestBackend(name: "s1") { request in request.path == "/hang" ? .hang : .send(TestBackend.ok(body: "x")) }
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port), accessLog: log)
        let slow = try RawClient(port: port)
        try slow.send("GET / HTTP/1.1\r\nHo")
        #expect(try slow.readResponse().status == 408)
        let leaving = try RawClient(port: port)
        try leaving.send("GET /hang HTTP/1.1\r\nHost: h\r\n\r\n")
        try await waitUntil("the server to receive the request") { !backend.requests.isEmpty }
        leaving.reset()
        let records = await log.waitFor(2)
        #expect(records.contains { $0.status == 408 && $0.terminationState == "cR--" })
        #expect(records.contains { $0.requestLine == "GET /hang HTTP/1.1" && $0.terminationState == "CH--" && $0.timeResponse == -1 })
        await lb.stop()
        await backend.stop()
    }

    @Test func tcpSessionsAreLoggedWithTcplogFields() async throws {
        let echo = try await EchoServer.start()
        let port = freePort(), deadPort = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start("""
            defaults
                mode tcp
                retries 1
                timeout connect 300ms
                timeout client 5s
                timeout server 5s
            listen tcp_echo
                bind 127.0.0.1:\(port)
                server echo 127.0.0.1:\(echo.port)
            listen tcp_dead
                bind 127.0.0.1:\(deadPort)
                server dead 127.0.0.1:\(freePort())
            """, accessLog: log)
        let client = try RawClient(port: port)
        try client.send("12345")
        while client.pending.count < 5, client.fill() {}
        client.shutdownWrite()
        _ = client.readToEnd()
        let dead = try RawClient(port: deadPort)
        _ = dead.waitForClose()
        let records = await log.waitFor(2)
        let session = try #require(records.first { $0.frontend == "tcp_echo" })
        #expect(!session.isHTTP)
        #expect(session.backend == "tcp_echo" && session.server == "echo")
        #expect(session.bytesFromClient == 5 && session.bytesToClient == 8)  // "12345" echoed, then "bye"
        #expect(session.terminationState.prefix(2) == "--")
        #expect(session.timeQueue >= 0 && session.timeConnect >= 0 && session.timeTotal >= session.timeConnect)
        let failed = try #require(records.first { $0.frontend == "tcp_dead" })
        #expect(failed.terminationState.prefix(2) == "SC")
        #expect(failed.timeConnect == -1 && failed.retries == 1)
        await lb.stop()
        await echo.stop()
    }

    @Test func capturesFillTheRecordAndTheHttplogLine() async throws {
        let backend = try await TestBackend(name: "s1") { _ in
            .send(TestBackend.ok(body: "x", headers: ["Content-Type: text/plain", "Set-Cookie: SID=abc123; Path=/"]))
        }
        let receiver = UDPReceiver()
        let port = freePort()
        let log = RecordCollector()
        let config = TestConfig.proxy(port: port, global: ["log 127.0.0.1:\(receiver.port) local0"],
                                      defaults: ["log global", "option httplog"], frontend: [
                                          "capture request header Host len 5",
                                          "capture request header User-Agent len 32",
                                          "capture request header X-Missing len 8",
                                          "capture response header Content-Type len 20",
                                          "capture cookie SID len 10",
                                      ], backend: ["server s1 127.0.0.1:\(backend.port)"])
        let lb = try await LBHarness.start(config, accessLog: log)
        _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\nCookie: a=1; SID=zz9\r\n\r\n")
        let record = try #require(await log.waitFor(1).first)
        #expect(record.capturedRequestHeaders == ["examp", "curl/8.0", ""])
        #expect(record.capturedResponseHeaders == ["text/plain"])
        #expect(record.capturedRequestCookie == "SID=zz9")
        #expect(record.capturedResponseCookie == "SID=abc123")
        await lb.stop()

        let logged = try await LBHarness.start(config, configuredLogging: true)
        _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\n\r\n")
        let line = try #require(receiver.receive(count: 1).first)
        #expect(line.contains(" - SID=abc123 ----"), "\(line)")
        #expect(line.contains(" {examp|curl/8.0|} {text/plain} \"GET / HTTP/1.1\""), "\(line)")
        await logged.stop()
        await backend.stop()
    }
}
