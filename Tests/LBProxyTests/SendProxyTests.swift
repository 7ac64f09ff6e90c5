import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// `server ... send-proxy | send-proxy-v2`: lb opens each server connection with a PROXY header naming
/// the client, and a real haproxy behind it with `accept-proxy` sees that client. Health checks send a
/// header naming no one (haproxy takes the socket's addresses then).
@Suite(.serialized, .enabled(if: RuntimeAPIInterop.haproxyPath != nil, "needs haproxy (Debian package haproxy)"))
struct SendProxyTests {
    /// haproxy answering every request itself with the client and the address it reached, as it sees them.
    static func echoingHAProxy(port: Int) -> String {
        """
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        frontend echo
            bind 127.0.0.1:\(port) accept-proxy
            http-request return status 200 content-type text/plain lf-string "%[src]:%[src_port] %[dst]:%[dst_port]"
        """
    }

    @Test(arguments: ["http", "tcp"], ["send-proxy", "send-proxy-v2"])
    func haproxyBehindLBSeesTheClient(mode: String, option: String) async throws {
        let haproxyPort = freePort(), port = freePort()
        let haproxy = try await HAProxyPeer(config: Self.echoingHAProxy(port: haproxyPort), listening: haproxyPort)
        defer { haproxy.stop() }
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, mode: mode, backend: [
            "server h 127.0.0.1:\(haproxyPort) \(option)",
        ]))
        let outcome = try await offloaded {
            try ExternalTool.run("curl", ["-s", "-w", " %{local_port}", "http://127.0.0.1:\(port)/"])
        }
        let fields = outcome.output.split(separator: " ")
        #expect(fields.count == 3, "\(outcome.output) \(outcome.errors)")
        #expect(fields.first.map(String.init) == "127.0.0.1:\(fields.last ?? "")")
        #expect(fields.dropFirst().first == "127.0.0.1:\(port)")
        await lb.stop()
    }

    @Test func theClientAnAcceptProxyBindLearnedIsPassedOn() async throws {
        let haproxyPort = freePort(), port = freePort()
        let haproxy = try await HAProxyPeer(config: Self.echoingHAProxy(port: haproxyPort), listening: haproxyPort)
        defer { haproxy.stop() }
        let lb = try await LBHarness.start(
            TestConfig.proxy(port: port, defaults: ["default-server send-proxy-v2"], backend: ["server h 127.0.0.1:\(haproxyPort)"])
                .replacingOccurrences(of: "bind 127.0.0.1:\(port)", with: "bind 127.0.0.1:\(port) accept-proxy"))
        let client = try RawClient(port: port)
        try client.send("PROXY TCP6 2001:db8::7 2001:db8::1 40000 443\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try await offloaded { try client.readResponse() }
        #expect(response.status == 200)
        #expect(response.bodyText == "2001:db8::7:40000 2001:db8::1:443")
        await lb.stop()
    }

    @Test(arguments: ["send-proxy", "send-proxy-v2"])
    func httpChecksSpeakThePROXYProtocolToo(option: String) async throws {
        let haproxyPort = freePort(), port = freePort()
        let haproxy = try await HAProxyPeer(config: Self.echoingHAProxy(port: haproxyPort), listening: haproxyPort)
        defer { haproxy.stop() }
        // haproxy closes a connection that does not start with a header: the check passes only with one.
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "option httpchk GET /",
            // A loaded machine may take longer than `inter` to answer; the verdicts must not be timeouts.
            "timeout check 3s",
            "server plain 127.0.0.1:\(haproxyPort) check inter 50ms rise 1 fall 1",
            "server proxied 127.0.0.1:\(haproxyPort) check inter 50ms rise 1 fall 1 \(option)",
            "server forced 127.0.0.1:\(haproxyPort) check inter 50ms rise 1 fall 1 port \(haproxyPort) check-send-proxy",
        ]))
        let servers = lb.balancer.runtime.backends[0].servers
        try await waitUntil("checks to judge every server") { servers.allSatisfy { $0.lastCheck.load(ordering: .relaxed) != 0 } }
        try await waitUntil("the plain check to fail") { !servers[0].healthy.load(ordering: .relaxed) }
        #expect(servers[1].lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer7OK.rawValue)
        #expect(servers[2].lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer7OK.rawValue)
        #expect(servers[1].healthy.load(ordering: .relaxed) && servers[2].healthy.load(ordering: .relaxed))
        await lb.stop()
    }

    @Test func aPooledConnectionServesOnlyTheClientItsHeaderNames() async throws {
        let haproxyPort = freePort(), port = freePort()
        let haproxy = try await HAProxyPeer(config: Self.echoingHAProxy(port: haproxyPort), listening: haproxyPort)
        defer { haproxy.stop() }
        let lb = try await LBHarness.start(TestConfig.proxy(port: port, backend: [
            "http-reuse always",
            "server h 127.0.0.1:\(haproxyPort) send-proxy",
        ]).replacingOccurrences(of: "bind 127.0.0.1:\(port)", with: "bind 127.0.0.1:\(port) accept-proxy"))
        for (index, client) in ["192.0.2.1", "192.0.2.2", "192.0.2.1"].enumerated() {
            let connection = try RawClient(port: port)
            try connection.send("PROXY TCP4 \(client) 192.0.2.100 5000 80\r\nGET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await offloaded { try connection.readResponse() }
            #expect(response.bodyText == "\(client):5000 192.0.2.100:80")
        }
        await lb.stop()
    }
}
