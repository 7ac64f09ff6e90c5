import Foundation
import LBTestSupport
@testable import LBProxy
import Testing

/// A closed connection leaves nothing behind: after thousands of connections of every kind have come and
/// gone, no session, exchange or server connection is still alive (each counts itself in `LiveObjects`).
@Suite struct LiveObjectTests {
    /// Connections of each kind below.
    static let rounds = 250

    @Test func nothingOutlivesItsConnection() async throws {
        let app = try await TestBackend(name: "app") { request in
            switch request.path {
            case "/hang": return .hang
            case "/close": return .close
            default: return .send(TestBackend.ok(body: "app\n"))
            }
        }
        let websocket = try await EchoServer.start(upgradeFirst: true)
        let echo = try await EchoServer.start()
        let dead = freePort()
        let (web, hurried, tunnel, nowhere) = (freePort(), freePort(), freePort(), freePort())
        let (tcp, stats) = (freePort(), freePort())
        let lb = try await LBHarness.start("""
            defaults
                mode http
                timeout connect 2s
                timeout client 10s
                timeout server 10s
            frontend web
                bind 127.0.0.1:\(web)
                default_backend app
            # Only the 408 clients meet this short timeout: on a loaded machine it would also cut the
            # other kinds' requests short, and they would be answered 408 instead of what they test.
            frontend hurried
                bind 127.0.0.1:\(hurried)
                timeout http-request 300ms
                default_backend app
            frontend tunnel
                bind 127.0.0.1:\(tunnel)
                default_backend ws
            frontend nowhere
                bind 127.0.0.1:\(nowhere)
                default_backend dead
            frontend stats
                bind 127.0.0.1:\(stats)
                stats enable
                stats uri /stats
            frontend tcp
                mode tcp
                bind 127.0.0.1:\(tcp)
                default_backend echo
            backend app
                server a 127.0.0.1:\(app.port)
            backend ws
                server w 127.0.0.1:\(websocket.port)
            backend dead
                retries 0
                server d 127.0.0.1:\(dead)
            backend echo
                mode tcp
                server e 127.0.0.1:\(echo.port)
            """)

        let oversized = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"
        let kinds: [(String, @Sendable () throws -> Void)] = [
            ("keep-alive", {
                let client = try RawClient(port: web)
                for _ in 0..<3 {
                    try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    try expectStatus(200, try client.readResponse())
                }
            }),
            ("close", {
                try expectStatus(200, try fetch(port: web, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
            }),
            ("400 oversized head", {
                try expectStatus(400, try fetch(port: web, oversized))
            }),
            ("502 server closed", {
                try expectStatus(502, try fetch(port: web, "GET /close HTTP/1.1\r\nHost: x\r\n\r\n"))
            }),
            ("503 server refused", {
                try expectStatus(503, try fetch(port: nowhere, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
            }),
            ("client reset while the server thinks", {
                let client = try RawClient(port: web)
                try client.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
                client.reset()
            }),
            ("tunnel", {
                let client = try RawClient(port: tunnel)
                try client.send("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                try expectStatus(101, try client.readResponse())
                try client.send("ping")
                let started = ContinuousClock.now
                while client.pending.count < 4, client.fill() {}
                #expect(client.pending == Array("ping".utf8),
                        "closed: \(client.peerClosed) after \(ContinuousClock.now - started), errno \(errno)")
            }),
            ("tcp", {
                let client = try RawClient(port: tcp)
                try client.send("hello")
                while client.pending.count < 5, client.fill() {}
                #expect(client.pending == Array("hello".utf8))
            }),
            ("stats page", {
                try expectStatus(200, try fetch(port: stats, "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n"))
            }),
        ]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (_, run) in kinds {
                group.addTask { try await offloaded { for _ in 0..<Self.rounds { try run() } } }
            }
            // 408: each waits for `timeout http-request`, so many wait at once.
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { slow in
                    for _ in 0..<25 {
                        slow.addTask {
                            try await offloaded {
                                for _ in 0..<(Self.rounds / 25) {
                                    let client = try RawClient(port: hurried)
                                    try client.send("GET / HTTP/1.1\r\nHost:")
                                    try expectStatus(408, try client.readResponse())
                                }
                            }
                        }
                    }
                    try await slow.waitForAll()
                }
            }
            try await group.waitForAll()
        }

        // Every client is gone: the sessions and exchanges must be too (server connections may sit in
        // the idle pool until lb stops).
        let live = lb.balancer.runtime.live
        try await waitUntil("every session and exchange released: \(live.all)") {
            live.count(.httpSession) == 0 && live.count(.tcpSession) == 0 && live.count(.exchange) == 0
        }
        await lb.stop()
        try await waitUntil("every server connection released: \(live.all)") {
            live.all.allSatisfy { $0.1 == 0 }
        }
        await app.stop()
        await websocket.stop()
        await echo.stop()
    }
}

private func expectStatus(_ status: Int, _ response: RawClient.Response) throws {
    guard response.status == status else {
        throw RawClient.Failure(description: "expected \(status), got \(response.status)")
    }
}
