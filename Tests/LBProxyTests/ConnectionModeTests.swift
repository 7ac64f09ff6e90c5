import LBTestSupport
import Testing

/// Keep-alive, server-close and close modes; pipelining; HTTP/1.0 clients.
@Suite(.serialized) struct ConnectionModeTests {
    static func config(port: Int, backend: Int, option: String) -> String {
        TestConfig.proxy(port: port, timeouts: .init(connect: "2s"), frontend: [option],
                         backend: ["server s1 127.0.0.1:\(backend)"])
    }

    @Test func keepAliveReusesBothConnections() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, option: "option http-keep-alive"))
        let client = try RawClient(port: port)
        for index in 0..<5 {
            try client.send("GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("connection") == nil)
        }
        #expect(backend.requests.count == 5)
        // One client connection, one server connection (nbthread may spread only across clients).
        #expect(backend.connectionCount == 1)
        #expect(backend.requests.allSatisfy { $0.header("connection") == nil })
        await lb.stop()
        await backend.stop()
    }

    @Test func serverCloseKeepsTheClientButClosesTheServer() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, option: "option http-server-close"))
        let client = try RawClient(port: port)
        for index in 0..<3 {
            try client.send("GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("connection") == nil)
        }
        #expect(backend.connectionCount == 3)
        #expect(backend.requests.allSatisfy { $0.header("connection") == "close" })
        await lb.stop()
        await backend.stop()
    }

    @Test func httpcloseClosesTheClientAfterTheResponse() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, option: "option httpclose"))
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("connection") == "close")
        #expect(client.waitForClose())
        await lb.stop()
        await backend.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let backend = try await TestBackend(name: "s1") { request in
            // Answer the first request slowly so that a reordering would show.
            let body = "answer for \(request.path)\n"
            if request.path == "/1" { return .sendInParts([TestBackend.ok(body: body)], pauseMilliseconds: 0) }
            return .send(TestBackend.ok(body: body))
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, option: ""))
        let client = try RawClient(port: port)
        try client.send((1...4).map { "GET /\($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
        for index in 1...4 {
            let response = try client.readResponse()
            #expect(response.bodyText == "answer for /\(index)\n")
        }
        await lb.stop()
        await backend.stop()
    }

    @Test func http10ClientsGetKeepAliveOnlyWhenAsked() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, option: ""))
        let plain = try RawClient(port: port)
        try plain.send("GET / HTTP/1.0\r\n\r\n")
        let first = try plain.readResponse()
        #expect(first.status == 200)
        #expect(first.header("connection") == "close")
        #expect(plain.waitForClose())

        let keep = try RawClient(port: port)
        for _ in 0..<2 {
            try keep.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let response = try keep.readResponse()
            #expect(response.status == 200)
            #expect(response.header("connection") == "keep-alive")
        }
        #expect(backend.requests.first?.requestLine == "GET / HTTP/1.0")
        await lb.stop()
        await backend.stop()
    }

    @Test func forwardForHonoursExcept() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port, option: "option forwardfor except 127.0.0.0/8"))
        _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(backend.requests.last?.header("x-forwarded-for") == nil)
        await lb.stop()

        let port2 = freePort()
        let lb2 = try await LBHarness.start(Self.config(port: port2, backend: backend.port, option: "option forwardfor header X-Client"))
        _ = try fetch(port: port2, "GET / HTTP/1.1\r\nHost: x\r\nX-Client: 10.0.0.1\r\n\r\n")
        #expect(backend.requests.last?.headers("x-client") == ["10.0.0.1", "127.0.0.1"])
        await lb2.stop()
        await backend.stop()
    }
}
