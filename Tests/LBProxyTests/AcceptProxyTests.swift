import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// `bind ... accept-proxy`: the PROXY protocol header names the real client, and lb logs, routes and
/// matches on it; a connection without a valid header is closed. Against haproxy's own `send-proxy` and
/// `send-proxy-v2` too.
@Suite(.serialized) struct AcceptProxyTests {
    static func config(port: Int, backend: Int, timeouts: TestConfig.Timeouts = TestConfig.Timeouts()) -> String {
        TestConfig.proxy(port: port, timeouts: timeouts, defaults: ["log global", "option httplog"],
                         frontend: ["http-request add-header X-Client %[src]:%[src_port]"],
                         backend: ["server s1 127.0.0.1:\(backend)"])
            .replacingOccurrences(of: "bind 127.0.0.1:\(port)", with: "bind 127.0.0.1:\(port) accept-proxy")
    }

    @Test func theHeaderNamesTheClientForLogsAndRules() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let log = RecordCollector()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port), accessLog: log)
        let v1 = try RawClient(port: port)
        try v1.send("PROXY TCP4 192.0.2.10 198.51.100.1 56324 80\r\nGET /one HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { try v1.readResponse() }.status == 200)
        let v2 = try RawClient(port: port)
        let addresses: [UInt8] = [203, 0, 113, 7, 198, 51, 100, 1, 0x30, 0x39, 0x00, 0x50]
        try v2.send([0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0, 12] + addresses
                    + Array("GET /two HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(try await offloaded { try v2.readResponse() }.status == 200)
        #expect(backend.requests.map { $0.headers("x-client") } == [["192.0.2.10:56324"], ["203.0.113.7:12345"]])
        let records = await log.waitFor(2)
        #expect(Set(records.map(\.clientAddress)) == ["192.0.2.10", "203.0.113.7"])
        #expect(Set(records.map(\.clientPort)) == [56324, 12345])
        await lb.stop()
        await backend.stop()
    }

    @Test func aConnectionWithoutAHeaderIsClosed() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await offloaded { client.readToEnd() }.isEmpty)
        #expect(backend.requests.isEmpty)
        await lb.stop()
        await backend.stop()
    }

    @Test func aConnectionThatSendsNothingIsClosedAfterTimeoutClient() async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port,
                                                       timeouts: TestConfig.Timeouts(client: "300ms")))
        // Connected, and silent: neither a header nor anything else comes.
        let client = try RawClient(port: port)
        let started = ContinuousClock.now
        #expect(try await offloaded { client.readToEnd() }.isEmpty)
        let waited = started.duration(to: .now)
        #expect(waited >= .milliseconds(250) && waited < .seconds(4), "closed after \(waited)")
        #expect(client.peerClosed)
        #expect(backend.requests.isEmpty)
        await lb.stop()
        await backend.stop()
    }

    @Test(arguments: ["send-proxy", "send-proxy-v2"])
    func haproxySendingThePROXYHeader(option: String) async throws {
        let backend = try await TestBackend(name: "s1")
        let port = freePort(), haproxyPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, backend: backend.port))
        let directory = NSTemporaryDirectory() + "lb-accept-proxy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let haproxyConfig = """
            defaults
                mode http
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            listen edge
                bind 127.0.0.1:\(haproxyPort)
                server lb 127.0.0.1:\(port) \(option)
            """
        // haproxy refuses a file whose last line has no line end.
        try (haproxyConfig + "\n").write(toFile: directory + "/haproxy.cfg", atomically: true, encoding: .utf8)
        let haproxy = ChildProcess()
        haproxy.executableURL = URL(fileURLWithPath: try #require(RuntimeAPIInterop.haproxyPath, "haproxy is not installed"))
        haproxy.arguments = ["-f", directory + "/haproxy.cfg", "-db"]
        haproxy.standardOutput = FileHandle.nullDevice
        haproxy.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(haproxy)
        defer { haproxy.terminate(); haproxy.waitUntilExit() }
        try await waitUntil("haproxy to listen") { (try? RawClient(port: haproxyPort)) != nil }
        // The client's own port, as curl saw it, must reach the server through haproxy and lb.
        let outcome = try await offloaded {
            try ExternalTool.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{local_port}", "http://127.0.0.1:\(haproxyPort)/"])
        }
        let fields = outcome.output.split(separator: " ")
        #expect(fields.first == "200", "\(outcome.output) \(outcome.errors)")
        #expect(backend.requests.last?.headers("x-client") == ["127.0.0.1:\(fields.last ?? "")"])
        await lb.stop()
        await backend.stop()
    }
}
