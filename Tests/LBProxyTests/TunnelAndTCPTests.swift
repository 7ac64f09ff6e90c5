import LBTestSupport
import Testing

/// Protocol switches (WebSocket) in HTTP mode, and plain TCP mode.
@Suite(.serialized) struct TunnelAndTCPTests {
    @Test func upgradeSwitchesToATunnel() async throws {
        let echo = try await EchoServer.start(upgradeFirst: true)
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(
            port: port, timeouts: .init(connect: "2s"), defaults: ["timeout tunnel 1h"],
            backend: ["server ws 127.0.0.1:\(echo.port)"]))
        let client = try RawClient(port: port)
        try client.send("GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let switched = try client.readResponse()
        #expect(switched.status == 101)
        #expect(switched.header("upgrade") == "websocket")
        #expect(switched.header("connection") == "Upgrade")
        // Arbitrary bytes now flow both ways untouched, including ones that are not HTTP.
        let frame: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        try client.send(frame)
        while client.pending.count < frame.count, client.fill() {}
        #expect(client.pending == frame)
        await lb.stop()
        await echo.stop()
    }

    static func tcpConfig(port: Int, backend: Int) -> String {
        """
        defaults
            mode tcp
            timeout connect 2s
            timeout client 5s
            timeout server 5s
        listen tcp_echo
            bind 127.0.0.1:\(port)
            server echo 127.0.0.1:\(backend)
        """
    }

    @Test func tcpModeForwardsBytesBothWays() async throws {
        let echo = try await EchoServer.start()
        let port = freePort()
        let lb = try await LBHarness.start(Self.tcpConfig(port: port, backend: echo.port))
        let client = try RawClient(port: port, timeoutMilliseconds: 20000)
        var expected: [UInt8] = []
        for round in 0..<50 {
            let chunk = [UInt8](repeating: UInt8(round), count: 100_000)
            try client.send(chunk)
            expected += chunk
        }
        while client.pending.count < expected.count, client.fill() {}
        #expect(client.pending.count == expected.count)
        #expect(client.pending == expected)
        await lb.stop()
        await echo.stop()
    }

    @Test func tcpModePropagatesHalfClose() async throws {
        let echo = try await EchoServer.start()
        let port = freePort()
        let lb = try await LBHarness.start(Self.tcpConfig(port: port, backend: echo.port))
        let client = try RawClient(port: port)
        try client.send("ping")
        while client.pending.count < 4, client.fill() {}
        client.shutdownWrite()
        // The server sees our FIN, answers "bye" and closes its side: both reach the client.
        let rest = client.readToEnd()
        #expect(String(decoding: client.pending + rest, as: UTF8.self).hasSuffix("bye") || String(decoding: rest, as: UTF8.self) == "bye")
        #expect(client.peerClosed)
        await lb.stop()
        await echo.stop()
    }

    @Test func tcpModeClosesTheClientWhenNoServerAnswers() async throws {
        let port = freePort()
        let lb = try await LBHarness.start("""
            defaults
                mode tcp
                retries 1
                timeout connect 200ms
                timeout client 5s
                timeout server 5s
            listen tcp_dead
                bind 127.0.0.1:\(port)
                server dead 127.0.0.1:\(freePort())
            """)
        let client = try RawClient(port: port)
        #expect(client.waitForClose())
        await lb.stop()
    }
}
