import LBTestSupport
import Testing
@testable import LBProxy

/// What the client sees when servers refuse, stall or break: 503 after retries, 504, truncation.
@Suite(.serialized) struct ServerFailureTests {
    @Test func refusedConnectsAreRetriedThen503() async throws {
        let deadPort = freePort()
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(connect: "200ms"), backend: ["retries 2", "server dead 127.0.0.1:\(deadPort)"]))
        let started = ContinuousClock.now
        let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 503)
        // Two retries, each after a pause of min(timeout connect, 1s) = 200 ms.
        #expect(ContinuousClock.now - started >= .milliseconds(400))
        let server = lb.balancer.runtime.backends[0].servers[0]
        #expect(server.connectionErrors.load(ordering: .relaxed) == 3)
        #expect(server.retries.load(ordering: .relaxed) == 2)
        await lb.stop()
    }

    @Test func redispatchMovesTheLastRetryToAnotherServer() async throws {
        let alive = try await TestBackend(name: "alive")
        let deadPort = freePort()
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, timeouts: .init(connect: "200ms"), backend: [
            "balance first",
            "retries 2",
            "option redispatch",
            "server dead 127.0.0.1:\(deadPort)",
            "server alive 127.0.0.1:\(alive.port)",
        ]))
        let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 200)
        #expect(response.bodyText == "alive\n")
        let dead = lb.balancer.runtime.backends[0].servers[0]
        #expect(dead.redispatches.load(ordering: .relaxed) == 1)
        await lb.stop()
        await alive.stop()
    }

    @Test func silentServerGets504() async throws {
        let backend = try await TestBackend(name: "slow") { _ in .hang }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(server: "300ms"), backend: ["server s1 127.0.0.1:\(backend.port)"]))
        let response = try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 504)
        await lb.stop()
        await backend.stop()
    }

    @Test func truncatedBodyClosesTheClientConnection() async throws {
        let backend = try await TestBackend(name: "s1") { _ in
            .sendAndClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part".utf8))
        }
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: ["server s1 127.0.0.1:\(backend.port)"]))
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let bytes = client.readToEnd()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(text.hasSuffix("only part"))
        #expect(client.peerClosed)
        await lb.stop()
        await backend.stop()
    }

    @Test func noUsableServerGives503() async throws {
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: ["server s1 127.0.0.1:9 disabled"]))
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 503)
        await lb.stop()
    }
}
