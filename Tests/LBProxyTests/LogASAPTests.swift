@testable import LBProxy
import LBLog
import LBTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `option logasap` over loopback: the record leaves with the response head (times and bytes so far,
/// marked with `+`), and a request still produces exactly one record, whatever happens after.
@Suite(.serialized) struct LogASAPTests {
    static func config(port: Int, server: Int) -> String {
        TestConfig.proxy(port: port, timeouts: .init(client: "30s", server: "30s"), frontend: ["option logasap"],
                         backend: ["retries 0", "server s1 127.0.0.1:\(server)"])
    }

    /// Waits, with a deadline, until `condition` holds.
    static func eventually(milliseconds: Int = 5000, _ condition: () -> Bool) async -> Bool {
        var waited = 0
        while !condition() && waited < milliseconds {
            try? await Task.sleep(nanoseconds: 5_000_000)
            waited += 5
        }
        return condition()
    }

    @Test func aLargeBodyIsLoggedWhenItsHeadLeavesAndOnlyOnce() async throws {
        let size = 32 << 20
        let bulk = try await BulkServer(size: size)
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, server: bulk.port), accessLog: log)
        let client = try RawClient(port: port, timeoutMilliseconds: 10000)
        try client.send("GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

        // The client reads nothing: the body is stuck in the buffers, yet the record is already out.
        #expect(await Self.eventually { log.records.count == 1 })
        #expect(!bulk.bodyFullyWritten)
        let early = try #require(log.records.first)
        #expect(early.logASAP && early.status == 200 && early.terminationState == "----")
        #expect(early.bytesToClient > 0 && early.bytesToClient < 200, "only the head so far: \(early.bytesToClient)")
        #expect(early.timeResponse >= 0 && early.timeActive >= early.timeResponse)
        let line = LogFormat.httplog.string(early)
        #expect(line.contains("/+\(early.timeActive) 200 +\(early.bytesToClient) "), "\(line)")

        // The whole body, then the close that follows the end of the exchange: no second record.
        let received = try await offloaded { () -> Int in
            var total = client.pending.count
            client.pending.removeAll()
            while client.fill() {
                total += client.pending.count
                client.pending.removeAll()
            }
            return total
        }
        #expect(received > size && client.peerClosed)
        #expect(log.records.count == 1)
        await lb.stop()
        await bulk.stop()
    }

    @Test func keptAliveRequestsGetOneRecordEach() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, server: backend.port), accessLog: log)
        let client = try RawClient(port: port)
        var bodies: [String] = []
        for index in 1...3 {
            try client.send("GET /r\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
            bodies.append(try client.readResponse().bodyText)
        }
        // Each record left before its response's first byte and each exchange ended before the next
        // request was read: what is there now is final.
        let records = log.records
        #expect(bodies == ["s1\n", "s1\n", "s1\n"])
        #expect(records.map(\.requestLine) == ["GET /r1 HTTP/1.1", "GET /r2 HTTP/1.1", "GET /r3 HTTP/1.1"])
        #expect(records.allSatisfy { $0.logASAP && $0.status == 200 })
        await lb.stop()
        await backend.stop()
    }

    @Test func aClientThatLeavesMidBodyDoesNotAddARecord() async throws {
        let size = 32 << 20
        let bulk = try await BulkServer(size: size)
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, server: bulk.port), accessLog: log)
        let client = try RawClient(port: port)
        try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await Self.eventually { log.records.count == 1 })
        client.reset()
        // The abort has been handled once lb holds no connection for the frontend any more.
        let frontend = lb.balancer.runtime.frontends[0]
        #expect(await Self.eventually { frontend.currentConnections.load(ordering: .relaxed) == 0 })
        #expect(log.records.count == 1)
        #expect(log.records.first?.terminationState == "----")
        await lb.stop()
        await bulk.stop()
    }

    @Test func answersWithoutAServerResponseAreLoggedAtTheirEnd() async throws {
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, server: freePort()), accessLog: log)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 503)
        let records = await log.waitFor(1)
        #expect(records.count == 1)
        let record = try #require(records.first)
        #expect(record.terminationState == "SC--" && record.logASAP)
        // As in HAProxy, the frontend's setting marks its lines, early or not.
        #expect(LogFormat.httplog.string(record).contains(" 503 +\(record.bytesToClient) "))
        await lb.stop()
    }

    /// In TCP mode the record leaves once the server connection is up (as haproxy does): the session is
    /// still open, the times and bytes are those so far, marked `+`; closing it adds no second record.
    @Test func tcpSessionsAreLoggedWhenTheServerConnectionIsUp() async throws {
        let echo = try await EchoServer.start()
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start("""
            defaults
                mode tcp
                option tcplog
                option logasap
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            listen tcp_echo
                bind 127.0.0.1:\(port)
                server echo 127.0.0.1:\(echo.port)
            """, accessLog: log)
        let client = try RawClient(port: port)
        try client.send("12345")
        while client.pending.count < 5, client.fill() {}
        // The connection is open, and its record is already there.
        let early = await log.waitFor(1)
        let record = try #require(early.first)
        #expect(record.logASAP)
        #expect(record.terminationState == "----")
        #expect(record.timeConnect >= 0 && record.timeTotal >= record.timeConnect)
        #expect(LogFormat.tcplog.string(record).contains("/+\(record.timeTotal) +\(record.bytesToClient) -- "),
                "\(LogFormat.tcplog.string(record))")
        client.shutdownWrite()
        _ = client.readToEnd()
        try await waitUntil("lb to see the session end") { lb.balancer.currentConnections == 0 }
        #expect(log.records.count == 1)
        await lb.stop()
        await echo.stop()
    }
}
