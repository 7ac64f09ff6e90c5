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
}
