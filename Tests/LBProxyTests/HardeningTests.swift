import Testing

/// Malformed or dangerous requests and responses, each refused as documented in the README:
/// requests with 400 (408 when too slow), responses with 502.
@Suite(.serialized) struct HardeningTests {
    static func config(port: Int, backend: Int, extraGlobal: String = "", httpRequestTimeout: String = "2s") -> String {
        """
        global
            \(extraGlobal)
        defaults
            mode http
            timeout connect 2s
            timeout client 5s
            timeout server 5s
            timeout http-request \(httpRequestTimeout)
        frontend fe
            bind 127.0.0.1:\(port)
            default_backend be
        backend be
            server s1 127.0.0.1:\(backend)
        """
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
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, extraGlobal: "tune.bufsize 4096\n    tune.http.maxhdr 10"))
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
}
