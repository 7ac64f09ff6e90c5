import LBTestSupport
import Testing
@testable import LBProxy

/// Malformed or dangerous requests and responses, each refused as documented in the README:
/// requests with 400 (408 when too slow), responses with 502.
@Suite(.serialized) struct HardeningTests {
    static func config(port: Int, backend: Int, global: [String] = [], httpRequestTimeout: String = "2s") -> String {
        TestConfig.proxy(port: port, timeouts: .init(connect: "2s"), global: global,
                         defaults: ["timeout http-request \(httpRequestTimeout)"],
                         backend: ["server s1 127.0.0.1:\(backend)"])
    }

    static let badRequests: [(String, String)] = [
        ("Content-Length with Transfer-Encoding",
         "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("invalid Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello"),
        ("negative Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
        ("empty Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"),
        ("two different Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
        ("Content-Length list with different values", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!"),
        ("Transfer-Encoding not ending in chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        ("Transfer-Encoding gzip only", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
        ("Transfer-Encoding in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("empty header name", "GET / HTTP/1.1\r\nHost: x\r\n: value\r\n\r\n"),
        ("space in header name", "GET / HTTP/1.1\r\nHost: x\r\nBad Name: value\r\n\r\n"),
        ("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
        ("forbidden character in header name", "GET / HTTP/1.1\r\nHost: x\r\nBad\u{7f}Name: v\r\n\r\n"),
        ("control character in header value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{01}b\r\n\r\n"),
        ("obsolete line folding", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"),
        ("malformed request line", "GET /\r\nHost: x\r\n\r\n"),
        ("unknown HTTP version", "GET / HTTP/2.0\r\nHost: x\r\n\r\n"),
        ("bad chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
    ]

    @Test func malformedRequestsGet400AndNeverReachTheServer() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        for (name, request) in Self.badRequests {
            let response = try fetch(port: port, request)
            #expect(response.status == 400, "\(name)")
            #expect(response.header("connection") == "close", "\(name)")
        }
        // The chunked case reached the server with its head before the bad chunk: every other did not.
        #expect(backend.requests.count <= 1)
        await lb.stop()
        await backend.stop()
    }

    @Test func headersOverTheLimitsGet400() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, global: ["tune.bufsize 4096", "tune.http.maxhdr 10"]))
        let big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 5000))\r\n\r\n"
        #expect(try fetch(port: port, big).status == 400)
        let many = "GET / HTTP/1.1\r\nHost: x\r\n" + (1...10).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(try fetch(port: port, many).status == 400)
        let fine = "GET / HTTP/1.1\r\nHost: x\r\n" + (1...9).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(try fetch(port: port, fine).status == 200)
        #expect(backend.requests.count == 1)
        await lb.stop()
        await backend.stop()
    }

    @Test func defaultLimitsAre16KiBAnd101Headers() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let tooMany = "GET / HTTP/1.1\r\n" + (1...102).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(try fetch(port: port, tooMany).status == 400)
        let tooBig = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 16500))\r\n\r\n"
        #expect(try fetch(port: port, tooBig).status == 400)
        await lb.stop()
        await backend.stop()
    }

    @Test func slowHeadersGet408() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, httpRequestTimeout: "300ms"))
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHo")
        // Keep dripping bytes: activity must not extend `timeout http-request`.
        for _ in 0..<3 {
            try? client.send("s")
            try await Task.sleep(nanoseconds: 150_000_000)
        }
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(backend.requests.isEmpty)
        await lb.stop()
        await backend.stop()
    }

    static let badResponses: [(String, String)] = [
        ("Content-Length with Transfer-Encoding", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("invalid Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"),
        ("two different Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        ("Transfer-Encoding not ending in chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        ("empty header name", "HTTP/1.1 200 OK\r\n: v\r\nContent-Length: 0\r\n\r\n"),
        ("forbidden character in header name", "HTTP/1.1 200 OK\r\nBad(Name: v\r\nContent-Length: 0\r\n\r\n"),
        ("malformed status line", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"),
        ("not HTTP at all", "SSH-2.0-OpenSSH\r\n\r\n"),
        ("headers over tune.bufsize", "HTTP/1.1 200 OK\r\nX-Big: \(String(repeating: "b", count: 17000))\r\nContent-Length: 0\r\n\r\n"),
        ("closed before headers", ""),
        ("bare LF after a chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"),
        ("bare LF after chunk data", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n"),
    ]

    @Test func malformedResponsesGet502() async throws {
        for (name, raw) in Self.badResponses {
            let backend = try await TestBackend(name: "s1") { _ in raw.isEmpty ? .close : .sendAndClose(Array(raw.utf8)) }
            let port = freePort()
            let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
            let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(response.status == 502, "\(name)")
            await lb.stop()
            await backend.stop()
        }
    }

    /// A request target with bytes of 0x80 and above is malformed (haproxy: 400): refused before any
    /// server sees it, logged `PR`, counted as a request error. Percent-encoded, the same path passes.
    @Test func targetWithBytesAbove0x7FGets400() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port), accessLog: log)
        let targets: [[UInt8]] = [Array("/caf\u{E9}".utf8), Array("/a?q=\u{20AC}".utf8), Array("/caf".utf8) + [0xE9], Array("/".utf8) + [0x80]]
        for target in targets {
            let client = try RawClient(port: port)
            try client.send(Array("GET ".utf8) + target + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let response = try client.readResponse()
            #expect(response.status == 400, "\(target)")
            #expect(response.header("connection") == "close")
        }
        #expect(backend.requests.isEmpty)
        let records = await log.waitFor(targets.count)
        #expect(records.map(\.status) == Array(repeating: 400, count: targets.count))
        #expect(records.allSatisfy { $0.terminationState.hasPrefix("PR") }, "\(records.map(\.terminationState))")
        #expect(lb.balancer.runtime.frontends[0].requestErrors.load(ordering: .relaxed) == targets.count)
        #expect(try fetch(port: port, "GET /caf%C3%A9 HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        #expect(backend.requests.map(\.path) == ["/caf%C3%A9"])
        await lb.stop()
        await backend.stop()
    }

    /// A head whose first bytes cannot begin a request line is refused as they arrive, with no line end
    /// and long before `timeout http-request` (30 s here; the client gives up reading after 5 s).
    @Test func garbageBeforeAnyLineEndGets400AtOnce() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, httpRequestTimeout: "30s"))
        let heads: [(String, [UInt8])] = [
            ("binary", [0x00, 0xFF, 0x13, 0x37, 0x00, 0x01]),
            ("TLS ClientHello", [0x16, 0x03, 0x01, 0x00, 0xA5, 0x01, 0x00, 0x00, 0xA1, 0x03, 0x03]),
            ("control byte in the target", Array("GET /a\u{1}".utf8)),
            ("not an HTTP version", Array("GET / XTTP".utf8)),
        ]
        for (name, head) in heads {
            let client = try RawClient(port: port, timeoutMilliseconds: 5000)
            let started = ContinuousClock.now
            try client.send(head)
            let response = try client.readResponse()
            #expect(response.status == 400, "\(name)")
            #expect(ContinuousClock.now - started < .seconds(5), "\(name)")
        }
        #expect(backend.requests.isEmpty)
        await lb.stop()
        await backend.stop()
    }

    /// Chunk framing lines must end in CRLF: lb forwards the framing as it came, and a server that does
    /// not take a bare LF as a line end would see the body end elsewhere (request smuggling).
    @Test func bareLFInRequestChunkFramingGets400() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        for body in ["5\nhello\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello\r\n0\n\r\n", "5\r\nhello\r\n0\r\n\n"] {
            let response = try fetch(port: port, head + body)
            #expect(response.status == 400, "\(body.debugDescription)")
            #expect(response.header("connection") == "close")
        }
        #expect(lb.balancer.runtime.frontends[0].requestErrors.load(ordering: .relaxed) == 4)
        let fine = try fetch(port: port, head + "5\r\nhello\r\n0\r\n\r\n")
        #expect(fine.status == 200)
        #expect(backend.requests.last?.body == Array("hello".utf8))
        await lb.stop()
        await backend.stop()
    }

    /// Basic credentials are base64 decoded strictly: a valid value with extra padding, or without its
    /// padding, is not the user's credentials (401), as with haproxy.
    @Test func basicAuthNeedsExactBase64() async throws {
        let port = freePort()
        let lb = try await LBHarness.start("""
            defaults
                mode http
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            listen stats
                bind 127.0.0.1:\(port)
                stats enable
                stats uri /stats
                stats auth admin:admin
            """)
        func status(_ credentials: String) throws -> Int {
            try fetch(port: port, "GET /stats HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(credentials)\r\n\r\n").status
        }
        #expect(try status("YWRtaW46YWRtaW4=") == 200)
        for bad in ["YWRtaW46YWRtaW4=====", "YWRtaW46YWRtaW4==", "YWRtaW46YWRtaW4", "YWRtaW46YWRtaW4=QUJD", "YWRtaW46YWRtaW5=", "YWRtaW46YWRtaW4=!"] {
            #expect(try status(bad) == 401, "\(bad)")
        }
        await lb.stop()
    }
}
