import Foundation
import LBTestSupport
import Testing

/// lb needs no privilege to proxy: every option it sets on a socket is one any process may set. Run as
/// root, the test takes every capability away from lb (the bounding set), so a socket option reserved
/// to administrators (SO_DEBUG needs CAP_NET_ADMIN) fails here as it would for an unprivileged user.
@Suite(.serialized) struct UnprivilegedRunTests {
    /// A backend with a health check and a TCP listener, both to `backend`, and an admin socket.
    private static func config(http: Int, tcp: Int, backend: Int, socket: String, global: [String] = []) -> String {
        """
        global
            stats socket \(socket) level admin
        \(global.map { "    " + $0 }.joined(separator: "\n"))
        defaults
            mode http
            timeout connect 5s
            timeout client 5s
            timeout server 5s
        frontend fe
            bind 127.0.0.1:\(http)
            default_backend be
        backend be
            server s1 127.0.0.1:\(backend) check inter 200ms
        listen raw
            mode tcp
            bind 127.0.0.1:\(tcp)
            server s1 127.0.0.1:\(backend)
        """
    }

    /// Requests through both listeners answer, and the health check passes.
    private static func expectProxying(http: Int, tcp: Int, socket: String) async throws {
        for port in [http, tcp] {
            let curl = try await ExternalTool.run("curl", ["-sS", "--max-time", "10", "http://127.0.0.1:\(port)/"])
            #expect(curl.status == 0 && curl.output.contains("app"), "port \(port): \(curl.output) \(curl.errors)")
        }
        // The health check connects on its own path: its last result is a passed layer-4 check.
        var row = ""
        try await waitUntil("a passed check on be/s1 (last: \(row))", within: 10) {
            row = (try? RuntimeAPITests.socat(socket, "show stat\n"))?
                .split(separator: "\n").first { $0.hasPrefix("be,s1,") }.map(String.init) ?? ""
            return row.contains(",L4OK,")
        }
    }

    private static func socketPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lb-\(name)-\(getpid()).sock").path
    }

    @Test func lbWithoutCapabilitiesProxiesHTTPTCPAndChecks() async throws {
        let backend = try await TestBackend(name: "app")
        let http = freePort(), tcp = freePort(), socket = Self.socketPath("no-capabilities")
        let launcher = getuid() == 0 ? ["/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"] : []
        let lb = try LBProcess(config: Self.config(http: http, tcp: tcp, backend: backend.port, socket: socket),
                               name: "no-capabilities", launcher: launcher)
        defer { lb.stop() }
        #expect(lb.banner.contains("Stop with"), "\(lb.banner) \(lb.errors)")
        // The test means something only if lb really runs without capabilities.
        let status = try String(contentsOfFile: "/proc/\(lb.pid)/status", encoding: .utf8)
        #expect(status.contains("CapEff:\t0000000000000000"), "\(status)")
        try await Self.expectProxying(http: http, tcp: tcp, socket: socket)
    }

    /// HAProxy's packaged configuration starts as root and names the user to become (`user haproxy`):
    /// lb binds its listeners, then serves as that user.
    @Test(.enabled(if: getuid() == 0, "switching users needs root"))
    func lbStartedAsRootServesAsTheConfiguredUser() async throws {
        let backend = try await TestBackend(name: "app")
        let http = freePort(), tcp = freePort(), socket = Self.socketPath("user-line")
        let lb = try LBProcess(config: Self.config(http: http, tcp: tcp, backend: backend.port, socket: socket,
                                                   global: ["user nobody", "group nogroup"]),
                               name: "user-line")
        defer { lb.stop() }
        #expect(lb.banner.contains("Stop with"), "\(lb.banner) \(lb.errors)")
        let status = try String(contentsOfFile: "/proc/\(lb.pid)/status", encoding: .utf8)
        let ids = status.split(separator: "\n").filter { $0.hasPrefix("Uid:") || $0.hasPrefix("Gid:") }
        #expect(ids == ["Uid:\t65534\t65534\t65534\t65534", "Gid:\t65534\t65534\t65534\t65534"], "\(ids)")
        try await Self.expectProxying(http: http, tcp: tcp, socket: socket)
    }

    /// The log directory belongs to root, as a pasted configuration's often does, and lb serves as
    /// nobody: renaming the file at its rotation size fails. lb says so and keeps appending to the file
    /// it has open; no record is lost.
    @Test(.enabled(if: getuid() == 0, "switching users needs root"))
    func aLogFileLbCanNoLongerRotateKeepsEveryRecord() async throws {
        let backend = try await TestBackend(name: "app")
        let http = freePort(), tcp = freePort(), socket = Self.socketPath("log-rotation")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lb-root-logs-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/access.log.gz"
        let config = Self.config(http: http, tcp: tcp, backend: backend.port, socket: socket, global: [
            "user nobody", "group nogroup",
            "log file@\(file) rotate-size=1k keep=3 flush-interval=100ms local0",
        ]).replacingOccurrences(of: "    mode http\n", with: "    mode http\n    log global\n    option httplog\n")
        let lb = try LBProcess(config: config, name: "log-rotation")
        defer { lb.stop() }
        #expect(lb.banner.contains("Stop with"), "\(lb.banner) \(lb.errors)")

        func logged() throws -> Int {
            let lines = try ExternalTool.run("zcat", [file])
            return lines.output.split(separator: "\n").filter { $0.contains(" fe be/s1 ") }.count
        }
        let client = try RawClient(port: http)
        var sent = 0
        // Rounds of requests, each flushed as a gzip member of its own before the next: the file passes
        // its rotation size halfway (a round of near-identical lines compresses to a few hundred bytes).
        for _ in 0..<12 {
            for _ in 0..<20 {
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                sent += 1
            }
            var seen = 0
            try await waitUntil("\(sent) records in \(file) (seen \(seen))", within: 10) {
                seen = (try? logged()) ?? 0
                return seen == sent
            }
        }
        #expect(lb.errors.contains("still writing to \(file)"), "\(lb.errors)")
        let info = try RuntimeAPITests.socat(socket, "show info\n")
        #expect(info.contains("DroppedLogs: 0\n"), "\(info)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["access.log.gz"])
    }
}
