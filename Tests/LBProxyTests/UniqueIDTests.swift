import LBConfig
import LBCore
import LBLog
@testable import LBProxy
import LBTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `unique-id-format` and `unique-id-header` over loopback: the id the server receives is the one the
/// log shows (`%ID`, JSON `unique_id`), the `unique-id` fetch reads it in rules, and a format that does
/// not compile is refused at its line.
@Suite(.serialized) struct UniqueIDTests {
    /// HAProxy's documented format: client, frontend address, accept time, request counter and pid.
    static let format = #"%{+X}o\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid"#

    /// The message of a syslog datagram (after `tag[pid]: `).
    static func message(_ datagram: String) -> Substring {
        guard let range = datagram.range(of: "]: ") else { return datagram[...] }
        return datagram[range.upperBound...].prefix { $0 != "\n" }
    }

    static func hex(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    @Test func theServerAndTheLogSeeTheSameID() async throws {
        let backend = try await TestBackend(name: "s1")
        let textPort = freePort(), jsonPort = freePort()
        let textLog = UDPReceiver(), jsonLog = UDPReceiver()
        let lb = try await LBHarness.start("""
            defaults
                mode http
                timeout connect 1s
                timeout client 5s
                timeout server 5s
                unique-id-format \(Self.format)
                unique-id-header X-Unique-ID
            frontend fe_text
                bind 127.0.0.1:\(textPort)
                log 127.0.0.1:\(textLog.port) local0
                log-format "%ID %ST %{+Q}r"
                default_backend be
            frontend fe_json
                bind 127.0.0.1:\(jsonPort)
                # A JSON record is longer than the default 1024-byte datagram.
                log 127.0.0.1:\(jsonLog.port) len 4096 local0
                option httplog json
                default_backend be
            backend be
                server s1 127.0.0.1:\(backend.port)
            """, configuredLogging: true)

        let client = try RawClient(port: textPort)
        for path in ["/one", "/two"] {
            try client.send("GET \(path) HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        #expect(try fetch(port: jsonPort, "GET /three HTTP/1.1\r\nHost: h\r\n\r\n").status == 200)

        let seen = backend.requests.compactMap { $0.header("X-Unique-ID") }
        try #require(seen.count == 3, "\(backend.requests.map(\.head))")
        for id in seen {
            let parts = id.split(separator: "_")
            #expect(parts.count == 4, "\(id)")
            #expect(parts[0].hasPrefix("7F000001:") && parts[0].count == 13, "\(id)")
            #expect(parts[3].hasSuffix(":" + Self.hex(Int(getpid()), digits: 4)), "\(id)")
        }
        #expect(seen[0].split(separator: "_")[1] == "7F000001:" + Self.hex(textPort, digits: 4))
        #expect(seen[2].split(separator: "_")[1] == "7F000001:" + Self.hex(jsonPort, digits: 4))
        // Same connection, same second at most: the request counter alone keeps the ids apart.
        #expect(Set(seen).count == 3)

        let lines = try await offloaded { textLog.receive(count: 2) }.map(Self.message)
        #expect(lines == ["\(seen[0]) 200 \"GET /one HTTP/1.1\"", "\(seen[1]) 200 \"GET /two HTTP/1.1\""])
        let json = try #require(try await offloaded { jsonLog.receive(count: 1) }.first)
        #expect(json.contains(#""unique_id":"\#(seen[2])""#), "\(json)")
        await lb.stop()
        await backend.stop()
    }

    @Test func rulesReadTheIDAndEveryRecordHasOne() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            "unique-id-format req-%rt",
            "http-request set-header X-Copy %[unique-id]",
            "http-response set-header X-Response-ID %[unique-id]",
            "http-request deny if { path /denied }",
        ], backend: ["server s1 127.0.0.1:\(backend.port)"]), accessLog: log)
        let first = try fetch(port: port, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n")
        let second = try fetch(port: port, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n")
        #expect(try fetch(port: port, "GET /denied HTTP/1.1\r\nHost: h\r\n\r\n").status == 403)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nBad Header: x\r\n\r\n").status == 400)

        // No unique-id-header: the server sees the id only through the rule.
        #expect(backend.requests.map { $0.header("X-Unique-ID") } == [nil, nil])
        let copies = backend.requests.compactMap { $0.header("X-Copy") }
        #expect(copies == [first.header("X-Response-ID"), second.header("X-Response-ID")].compactMap { $0 })
        #expect(copies.count == 2 && copies[0] != copies[1] && copies.allSatisfy { $0.hasPrefix("req-") })

        let records = await log.waitFor(4)
        #expect(records.map(\.uniqueID) == copies + records.dropFirst(2).map(\.uniqueID))
        // The denied request and the bad one get ids too (the bad one when it is logged), all distinct.
        #expect(records.count == 4 && records.allSatisfy { $0.uniqueID?.hasPrefix("req-") == true })
        #expect(Set(records.compactMap(\.uniqueID)).count == 4)
        #expect(records.map(\.requestCounter).allSatisfy { $0 != nil })
        await lb.stop()
        await backend.stop()
    }

    @Test func withoutAFormatNothingIsAddedOrCounted() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: ["server s1 127.0.0.1:\(backend.port)"]),
                                           accessLog: log)
        _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        let record = try #require(await log.waitFor(1).first)
        #expect(record.uniqueID == nil && record.requestCounter == nil)
        #expect(lb.balancer.runtime.requestCounter.load(ordering: .relaxed) == 0)
        await lb.stop()
        await backend.stop()
    }

    static func plan(_ text: String) throws -> ProxyPlan {
        let loaded = ConfigurationLoader.parse(text, name: "test.cfg")
        let configuration = try #require(loaded.configuration, "\(loaded.diagnostics)")
        let compiled = ProxyPlan.compile(configuration)
        return try #require(compiled.plan, "\(compiled.diagnostics)")
    }

    @Test func formatsThatDoNotCompileAreRefusedAtTheirLine() async throws {
        let text = """
            defaults
                mode http
                timeout connect 1s
                timeout client 5s
                timeout server 5s
                unique-id-format %ci_%zz
            frontend a
                bind 127.0.0.1:\(freePort())
                default_backend be
            frontend b
                bind 127.0.0.1:\(freePort())
                log-format "%ci %{+W}r"
                default_backend be
            backend be
                server s1 127.0.0.1:1
            """
        let diagnostics = LogFormatCheck.diagnostics(for: try Self.plan(text))
        // The defaults' format is inherited by both frontends and reported once, at its own line.
        #expect(diagnostics.map(\.description) == [
            "test.cfg:6: error: unique-id-format: log-format '%ci_%zz': unknown variable '%zz'",
            "test.cfg:12: error: log-format '%ci %{+W}r': unknown flag 'W' (lb supports Q, X, E and json)",
        ])
        do {
            _ = try await LBHarness.start(text)
            Issue.record("lb started with a bad unique-id-format")
        } catch {
            #expect("\(error)".hasPrefix("test.cfg:6: error: unique-id-format:"), "\(error)")
        }
    }

    @Test func samplesInTheFormatAreCompiledAtStart() throws {
        let diagnostics = LogFormatCheck.diagnostics(for: try Self.plan("""
            defaults
                mode http
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend a
                bind 127.0.0.1:\(freePort())
                unique-id-format %[src]-%[uuid(7)]
                default_backend be
            frontend b
                bind 127.0.0.1:\(freePort())
                unique-id-format %[req.ssl_ver]-%[nbsrv(be)]-%rt
                default_backend be
            backend be
                server s1 127.0.0.1:1
            """))
        #expect(diagnostics.map(\.description) == [
            "test.cfg:8: error: unique-id-format: uuid: version '7' is not supported\n    hint: lb makes version 4 (random) UUIDs: write uuid or uuid(4)",
            "test.cfg:12: warning: unique-id-format: fetch 'req.ssl_ver' is not implemented yet; it prints '-'",
        ])
    }

    @Test func samplesAreEvaluatedPerRequest() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, frontend: [
            "unique-id-format %[uuid]_%[req.hdr(host),lower]_%[src]",
            "unique-id-header X-Request-ID",
        ], backend: ["server s1 127.0.0.1:\(backend.port)"]))
        for _ in 0..<2 { _ = try fetch(port: port, "GET / HTTP/1.1\r\nHost: Example.COM\r\n\r\n") }
        let ids = backend.requests.compactMap { $0.header("X-Request-ID") }
        try #require(ids.count == 2)
        for id in ids {
            let parts = id.split(separator: "_")
            #expect(parts.count == 3 && parts[1] == "example.com" && parts[2] == "127.0.0.1", "\(id)")
            let uuid = Array(parts[0].utf8)
            #expect(uuid.count == 36 && uuid[8] == UInt8(ascii: "-") && uuid[14] == UInt8(ascii: "4"), "\(id)")
            #expect("89ab".utf8.contains(uuid[19]), "\(id)")
        }
        #expect(ids[0] != ids[1])
        await lb.stop()
        await backend.stop()
    }
}
