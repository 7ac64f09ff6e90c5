import LBTestSupport
import NIOCore
import Testing
@testable import LBProxy

/// Connections are served by lb's own epoll loops unless the configuration says `noepoll`, as HAProxy's
/// `noepoll` turns its epoll poller off; either way a request goes through, in HTTP and in TCP mode.
struct EventLoopChoiceTests {
    private func sessionLoops(_ lb: LBHarness, after request: () throws -> Void) async throws -> [String] {
        try request()
        var kinds: [String] = []
        for (loop, box) in lb.balancer.runtime.allLoopContexts {
            let sessions = try await loop.submit { box.value.sessions.count }.get()
            if sessions > 0 { kinds.append(loop is EpollLoop ? "epoll" : "nio") }
        }
        return kinds
    }

    @Test(arguments: [("", "epoll"), ("noepoll", "nio")])
    func connectionsAreServedOnTheConfiguredLoops(global: String, expected: String) async throws {
        let backend = try await TestBackend(name: "app")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, global: global.isEmpty ? [] : [global], backend: ["server s1 127.0.0.1:\(backend.port)"]))
        let client = try RawClient(port: port)
        let kinds = try await sessionLoops(lb) {
            try client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        #expect(kinds == [expected])
        #expect(lb.balancer.epollLoops.isEmpty == (expected == "nio"))
        await lb.stop()
        await backend.stop()
    }

    @Test(arguments: ["", "noepoll"])
    func tcpModeRelaysBothWaysOnEitherLoop(global: String) async throws {
        let echo = try await EchoServer.start()
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, mode: "tcp", global: global.isEmpty ? [] : [global], backend: ["server s1 127.0.0.1:\(echo.port)"]))
        let client = try RawClient(port: port)
        try client.send("ping through lb\n")
        #expect(client.readLine() == "ping through lb")
        // The client's FIN reaches the server, whose goodbye and FIN come back through lb.
        client.shutdownWrite()
        #expect(String(decoding: client.readToEnd(), as: UTF8.self) == "bye")
        #expect(client.peerClosed)
        await lb.stop()
        await echo.stop()
    }
}
