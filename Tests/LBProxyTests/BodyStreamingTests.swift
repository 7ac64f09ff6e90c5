import LBTestSupport
import Testing

/// Bodies in both directions: Content-Length, chunked, read-until-close, large transfers with
/// backpressure, bodiless responses, 100-continue.
@Suite(.serialized) struct BodyStreamingTests {
    static func config(port: Int, backend: Int) -> String {
        TestConfig.proxy(port: port, timeouts: .init(connect: "2s", client: "10s", server: "10s"),
                         backend: ["server s1 127.0.0.1:\(backend)"])
    }

    @Test func requestBodiesArriveIntactWithEitherFraming() async throws {
        let backend = try await TestBackend(name: "s1") { request in
            .send(TestBackend.ok(body: "got \(request.body.count) bytes: \(String(decoding: request.body.prefix(20), as: UTF8.self))"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let client = try RawClient(port: port)
        try client.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
        #expect(try client.readResponse().bodyText == "got 11 bytes: hello world")
        try client.send("POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        #expect(try client.readResponse().bodyText == "got 11 bytes: hello world")
        // The chunked body went to the server as chunked, trailers included.
        #expect(backend.requests.last?.header("transfer-encoding") == "chunked")
        await lb.stop()
        await backend.stop()
    }

    @Test func largeBodiesStreamBothWays() async throws {
        let size = 8 * 1024 * 1024
        let payload = String(repeating: "0123456789abcdef", count: size / 16)
        let backend = try await TestBackend(name: "s1") { request in
            .send(TestBackend.ok(body: request.body.count == size ? payload : "wrong size \(request.body.count)"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let client = try RawClient(port: port, timeoutMilliseconds: 20000)
        try client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n")
        try client.send(payload)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.body.count == size)
        #expect(response.bodyText == payload)
        await lb.stop()
        await backend.stop()
    }

    @Test func chunkedAndUntilCloseResponsesAreRelayed() async throws {
        let backend = try await TestBackend(name: "s1") { request in
            if request.path == "/chunked" {
                return .sendInParts([
                    Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n".utf8),
                    Array("5\r\npedia\r\n0\r\n\r\n".utf8),
                ], pauseMilliseconds: 50)
            }
            return .sendAndClose(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close body".utf8))
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let client = try RawClient(port: port)
        try client.send("GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n")
        let chunked = try client.readResponse()
        #expect(chunked.bodyText == "Wikipedia")
        #expect(chunked.header("transfer-encoding") == "chunked")
        // Same connection: a body delimited by close forces lb to close the client connection after it.
        try client.send("GET /close HTTP/1.1\r\nHost: x\r\n\r\n")
        let untilClose = try client.readResponse()
        #expect(untilClose.bodyText == "until close body")
        #expect(untilClose.header("connection") == "close")
        #expect(client.waitForClose())
        await lb.stop()
        await backend.stop()
    }

    @Test func headAnd204And304HaveNoBody() async throws {
        let backend = try await TestBackend(name: "s1") { request in
            switch request.path {
            case "/204": return .send(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
            case "/304": return .send(Array("HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n".utf8))
            default: return .send(Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".utf8))  // HEAD: length, no body
            }
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let client = try RawClient(port: port)
        try client.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n")
        let head = try client.readResponse(method: "HEAD")
        #expect(head.status == 200)
        #expect(head.header("content-length") == "1000")
        try client.send("GET /204 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 204)
        try client.send("GET /304 HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 304)
        // The connection is still usable and nothing stray is pending on it.
        try client.send("HEAD /y HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse(method: "HEAD").status == 200)
        #expect(client.pending.isEmpty)
        #expect(backend.connectionCount == 1)
        await lb.stop()
        await backend.stop()
    }

    @Test func expectContinueIsRelayed() async throws {
        // A server that sends its interim 100 before reading the body.
        let continuing = try await ContinueServer.start()
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: continuing.port))
        let client = try RawClient(port: port)
        try client.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        try client.send("data")
        let final = try client.readResponse()
        #expect(final.status == 201)
        #expect(final.bodyText == "stored 4")
        await lb.stop()
        await continuing.stop()
    }
}
