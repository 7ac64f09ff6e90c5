import LBTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LBProxy
import LBStats

/// Idle server connections: kept for reuse however many there are, trimmed gradually after
/// `pool-purge-delay`, forgotten when the server closes them, and reused as `http-reuse` says.
@Suite(.serialized) struct ServerConnectionPoolTests {
    static func config(port: Int, server: Int, reuse: String = "always", serverOptions: String = "",
                       global: [String] = []) -> String {
        TestConfig.proxy(port: port, timeouts: .init(connect: "2s", client: "60s", server: "60s"), global: global,
                         backend: ["http-reuse \(reuse)", "server s1 127.0.0.1:\(server) \(serverOptions)"])
    }

    /// `count` clients each send one request at once; the server answers none until all have arrived,
    /// so lb holds `count` server connections at the same time.
    static func wave(_ count: Int, port: Int, clients: [RawClient]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients.prefix(count) {
                group.addTask {
                    try await offloaded {
                        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                        let response = try client.readResponse()
                        guard response.status == 200 else { throw RawClient.Failure(description: "status \(response.status)") }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func moreThan64IdleConnectionsAreAllReused() async throws {
        let clients = 160
        let arrived = NIOLockedValueBox(0)
        let backend = try await TestBackend(name: "app") { _ in
            let count = arrived.withLockedValue { $0 += 1; return $0 }
            // Each wave is answered once all of its requests are in.
            let waveEnd = (count + clients - 1) / clients * clients
            return .sendWhen(ready: { arrived.withLockedValue { $0 } >= waveEnd }, TestBackend.ok(body: "app\n"))
        }
        let port = freePort()
        // A purge between the two waves (a slow machine can take longer than the default 5 s) would close
        // idle connections this test counts on finding.
        let lb = try await LBHarness.start(Self.config(port: port, server: backend.port, serverOptions: "pool-purge-delay 1h"))
        let server = lb.balancer.runtime.backends[0].servers[0]
        var connections: [RawClient] = []
        for _ in 0..<clients { connections.append(try RawClient(port: port)) }
        try await Self.wave(clients, port: port, clients: connections)
        try await waitUntil("every server connection back in the pools") {
            server.idleConnections.load(ordering: .relaxed) == clients
        }
        #expect(backend.connectionCount == clients)
        // The second wave finds all of them idle: not one new connection to the server.
        try await Self.wave(clients, port: port, clients: connections)
        #expect(backend.connectionCount == clients)
        #expect(server.connectionReuses.load(ordering: .relaxed) == clients)
        #expect(server.connectionAttempts.load(ordering: .relaxed) == clients)
        // `show stat` (and the CSV export) show the same counts under HAProxy's column names.
        try await waitUntil("every connection idle again") { server.idleConnections.load(ordering: .relaxed) == clients }
        let rows = StatRows.rows(lb.balancer.runtime.statsSnapshot())
        let row = try #require(rows.first { $0.fields[1] == "s1" })
        func field(_ name: String) -> String? { row.fields[StatRows.columns.firstIndex(of: name)!] }
        #expect(field("connect") == "\(clients)")
        #expect(field("reuse") == "\(clients)")
        #expect(field("idle_conn_cur") == "\(clients)")
        #expect(field("used_conn_cur") == "0")
        await lb.stop()
        await backend.stop()
    }

    @Test func idleConnectionsArePurgedGraduallyAfterTheDelay() async throws {
        let clients = 64
        let arrived = NIOLockedValueBox(0)
        let backend = try await TestBackend(name: "app") { _ in
            arrived.withLockedValue { $0 += 1 }
            return .sendWhen(ready: { arrived.withLockedValue { $0 } >= clients }, TestBackend.ok(body: "app\n"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, server: backend.port, serverOptions: "pool-purge-delay 250ms"))
        let server = lb.balancer.runtime.backends[0].servers[0]
        var connections: [RawClient] = []
        for _ in 0..<clients { connections.append(try RawClient(port: port)) }
        try await Self.wave(clients, port: port, clients: connections)
        try await waitUntil("the idle pool to empty", within: 20) { server.idleConnections.load(ordering: .relaxed) == 0 }
        // Those connections are closed on the server's side too.
        try await waitUntil("the server to see its connections closed") { backend.openConnections == 0 }
        // Never all at once: a purge closes at most half of the excess (IdleConnectionPurgeTests), so
        // emptying 64 takes at least six purges 250 ms apart. The server saw the closes spread over them;
        // a busy machine can only spread them further.
        let closes = backend.closeTimes
        #expect(closes.count == clients)
        let spanMilliseconds = (closes.last!.uptimeNanoseconds - closes.first!.uptimeNanoseconds) / 1_000_000
        #expect(spanMilliseconds >= 1000, "closes spread over \(spanMilliseconds) ms")
        await lb.stop()
        await backend.stop()
    }

    @Test func aServerClosingItsIdleConnectionsLeavesThePoolEmpty() async throws {
        // The server answers with keep-alive, then closes the connection once lb has it idle.
        let backend = try await TestBackend(name: "app") { _ in .sendAndClose(TestBackend.ok(body: "app\n")) }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, server: backend.port))
        let server = lb.balancer.runtime.backends[0].servers[0]
        for _ in 0..<20 {
            #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        }
        try await waitUntil("no idle connection left") {
            server.idleConnections.load(ordering: .relaxed) == 0 && server.usedConnections.load(ordering: .relaxed) == 0
        }
        #expect(backend.connectionCount == 20)
        await lb.stop()
        await backend.stop()
    }

    /// Which requests may take an idle connection, per `http-reuse`: each case runs client connections
    /// one after another, each sending `requests` requests, and counts the server connections opened.
    @Test(arguments: [
        ("always", [1, 1], 1),
        ("safe", [1, 1], 2),
        ("safe", [3, 1], 2),
        ("safe", [1, 3], 2),
        ("never", [2, 2], 2),
        ("aggressive", [1, 1], 2),
        ("aggressive", [2, 1], 1),
    ])
    func reuseFollowsTheMode(mode: String, requests: [Int], serverConnections: Int) async throws {
        let backend = try await TestBackend(name: "app")
        let port = freePort()
        // One event loop, so that every client connection sees the same pool.
        let lb = try await LBHarness.start(Self.config(port: port, server: backend.port, reuse: mode, global: ["nbthread 1"]))
        for count in requests {
            let client = try RawClient(port: port)
            for _ in 0..<count {
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
        }
        #expect(backend.connectionCount == serverConnections, "http-reuse \(mode), requests \(requests)")
        await lb.stop()
        await backend.stop()
    }
}
