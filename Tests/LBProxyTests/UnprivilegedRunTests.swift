import Foundation
import LBTestSupport
import Testing

/// lb needs no privilege to proxy: every option it sets on a socket is one any process may set. Run as
/// root, the test takes every capability away from lb (the bounding set), so a socket option reserved
/// to administrators (SO_DEBUG needs CAP_NET_ADMIN) fails here as it would for an unprivileged user.
@Suite(.serialized) struct UnprivilegedRunTests {
    @Test func lbWithoutCapabilitiesProxiesHTTPTCPAndChecks() async throws {
        let backend = try await TestBackend(name: "app")
        let http = freePort(), tcp = freePort()
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("lb-unprivileged-\(getpid()).sock").path
        let config = """
            global
                stats socket \(socket) level admin
            defaults
                mode http
                timeout connect 5s
                timeout client 5s
                timeout server 5s
            frontend fe
                bind 127.0.0.1:\(http)
                default_backend be
            backend be
                server s1 127.0.0.1:\(backend.port) check inter 200ms
            listen raw
                mode tcp
                bind 127.0.0.1:\(tcp)
                server s1 127.0.0.1:\(backend.port)
            """
        let launcher = getuid() == 0 ? ["/usr/bin/setpriv", "--bounding-set=-all", "--inh-caps=-all", "--"] : []
        let lb = try LBProcess(config: config, name: "unprivileged", launcher: launcher)
        defer { lb.stop() }
        #expect(lb.banner.contains("Stop with"), "\(lb.banner) \(lb.errors)")
        // The test means something only if lb really runs without capabilities.
        let status = try String(contentsOfFile: "/proc/\(lb.pid)/status", encoding: .utf8)
        #expect(status.contains("CapEff:\t0000000000000000"), "\(status)")

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
}
