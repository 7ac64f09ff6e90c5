import LBTestSupport
import Testing
@testable import LBProxy

/// Stick tables over real connections: requests with the same key keep going to the server that took
/// the key first, in HTTP and TCP mode, until that server leaves.
@Suite(.serialized) struct StickTests {
    static func config(port: Int, servers: [Int], mode: String = "http", stick: String) -> String {
        TestConfig.proxy(port: port, mode: mode, backend: [
            "balance roundrobin",
            stick,
            "server s1 127.0.0.1:\(servers[0])",
            "server s2 127.0.0.1:\(servers[1])",
        ])
    }

    func get(_ port: Int, cookie: String? = nil, header: String? = nil) throws -> String {
        var request = "GET / HTTP/1.1\r\nHost: h\r\n"
        if let cookie { request += "Cookie: SID=\(cookie)\r\n" }
        if let header { request += "X-User: \(header)\r\n" }
        return try fetch(port: port, request + "\r\n").bodyText
    }

    @Test func aCookieKeyKeepsItsServerUntilTheServerLeaves() async throws {
        let s1 = try await TestBackend(name: "s1"), s2 = try await TestBackend(name: "s2")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [s1.port, s2.port], stick: """
                stick-table type string len 32 size 1k expire 30m
                stick on req.cook(SID)
            """))
        let first = try get(port, cookie: "alpha")
        let second = try get(port, cookie: "beta")
        #expect(first != second, "roundrobin placed the two new keys on different servers")
        for _ in 0..<6 {
            #expect(try get(port, cookie: "alpha") == first)
            #expect(try get(port, cookie: "beta") == second)
        }
        // Without a key the balancer alone decides: both servers get requests.
        let free = try Set((0..<4).map { _ in try get(port) })
        #expect(free == ["s1\n", "s2\n"])

        // The server of "alpha" goes to maintenance: alpha moves, and is stored with its new server.
        let runtime = lb.balancer.runtime
        let backend = runtime.backends[0]
        let alphaServer = first == "s1\n" ? 0 : 1
        #expect(runtime.setMode(.maintenance, backend: backend, index: alphaServer))
        let moved = try get(port, cookie: "alpha")
        #expect(moved != first)
        #expect(runtime.setMode(.ready, backend: backend, index: alphaServer))
        for _ in 0..<4 { #expect(try get(port, cookie: "alpha") == moved, "the key now points at its new server") }
        await lb.stop()
        await s1.stop()
        await s2.stop()
    }

    /// `stick store-response` learns the key from the server's answer; `stick match` uses it later.
    @Test func aKeyLearntFromTheResponseRoutesLaterRequests() async throws {
        let s1 = try await TestBackend(name: "s1") { _ in .send(TestBackend.ok(body: "s1\n", headers: ["X-User: u-s1"])) }
        let s2 = try await TestBackend(name: "s2") { _ in .send(TestBackend.ok(body: "s2\n", headers: ["X-User: u-s2"])) }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [s1.port, s2.port], stick: """
                stick-table type string size 1k
                stick store-response res.hdr(X-User)
                stick match req.hdr(X-User)
            """))
        // Two requests without the header: roundrobin answers from both servers, each naming its user.
        #expect(Set([try get(port), try get(port)]) == ["s1\n", "s2\n"])
        for _ in 0..<4 {
            #expect(try get(port, header: "u-s1") == "s1\n")
            #expect(try get(port, header: "u-s2") == "s2\n")
        }
        #expect(Set((0..<2).map { _ in (try? get(port, header: "unknown")) ?? "" }) == ["s1\n", "s2\n"],
                "an unknown key falls back to the balancer")
        await lb.stop()
        await s1.stop()
        await s2.stop()
    }

    /// The classic layer-4 persistence: `stick on src` in TCP mode.
    @Test func tcpClientsStickBySourceAddress() async throws {
        let s1 = try await TestBackend(name: "s1"), s2 = try await TestBackend(name: "s2")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, servers: [s1.port, s2.port], mode: "tcp", stick: """
                stick-table type ip size 100 expire 1h
                stick on src
            """))
        // Each fetch is a new TCP connection, relayed byte for byte to the server lb picked.
        let greetings = try (0..<6).map { _ in try get(port) }
        #expect(Set(greetings).count == 1, "every connection from 127.0.0.1 reached the same server: \(greetings)")
        let entries = lb.balancer.runtime.backends[0].stickTable?.withLock { $0.snapshot(now: ProxyRuntime.stickClock()) } ?? []
        #expect(entries.map(\.key) == ["127.0.0.1"])
        await lb.stop()
        await s1.stop()
        await s2.stop()
    }
}
