import LBTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LBProxy

/// Health checks over TLS: `check-ssl` (or `ssl` with checks to the traffic's address) makes a connect
/// check a handshake that passes at layer 6 (`L6OK`) or fails (`L6RSP`), and `option httpchk` sends
/// its request over HTTPS.
@Suite(.serialized) struct ServerTLSCheckTests {
    static let defaults = ServerTLSTests.defaults

    @Test func checkSSLPassesAtLayer6AndFailsOnABadCertificate() async throws {
        let peer = try await TLSPeer.start()
        let stranger = try TestCertificate(name: "backend.test")
        defer { stranger.remove() }
        let port = freePort()
        let address = "127.0.0.1:\(peer.backend.port)"
        let lb = try await LBHarness.start(Self.defaults + """

            frontend fe
                bind 127.0.0.1:\(port)
                default_backend be
            backend be
                retries 0
                # A handshake may take longer than the 50 ms interval on a busy machine.
                timeout check 2s
                server trusted \(address) check check-ssl inter 50ms rise 1 fall 1 verify required ca-file \(peer.certificate.certificatePath) check-sni backend.test
                server untrusted \(address) check check-ssl inter 50ms rise 1 fall 1 verify required ca-file \(stranger.certificatePath) check-sni backend.test
            """)
        let trusted = lb.balancer.runtime.backends[0].servers[0], untrusted = lb.balancer.runtime.backends[0].servers[1]
        try await waitUntil("a check of the untrusted server to fail its handshake") {
            !untrusted.healthy.load(ordering: .relaxed)
        }
        try await waitUntil("a check of the trusted server to pass at layer 6") {
            trusted.lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer6OK.rawValue
        }
        #expect(trusted.healthy.load(ordering: .relaxed) == true)
        #expect(untrusted.lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer6InvalidResponse.rawValue)
        #expect(peer.serverNames.withLockedValue { $0 }.allSatisfy { $0 == "backend.test" })
        // check-ssl alone leaves the traffic in clear: the server is up, but a request would not speak TLS.
        #expect(trusted.trafficTLS == nil)
        await lb.stop()
        await peer.stop()
    }

    @Test func sslServersAreCheckedOverHTTPSWithHTTPChk() async throws {
        let healthy = NIOLockedValueBox(true)
        let peer = try await TLSPeer.start { request in
            if request.path == "/health" {
                return .send(TestBackend.response(status: healthy.withLockedValue { $0 } ? 200 : 503, body: "x"))
            }
            return .send(TestBackend.ok(body: "s1\n"))
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.defaults + """

            frontend fe
                bind 127.0.0.1:\(port)
                default_backend be
            backend be
                timeout check 2s
                option httpchk GET /health
                server s1 127.0.0.1:\(peer.backend.port) ssl verify none check inter 50ms rise 1 fall 1
            """)
        let server = lb.balancer.runtime.backends[0].servers[0]
        try await waitUntil("an HTTPS check to pass") {
            server.lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer7OK.rawValue
        }
        healthy.withLockedValue { $0 = false }
        try await waitUntil("an HTTPS check to mark the server DOWN") { !server.healthy.load(ordering: .relaxed) }
        #expect(server.lastCheck.load(ordering: .relaxed) == CheckResult.Status.layer7WrongStatus.rawValue)
        healthy.withLockedValue { $0 = true }
        try await waitUntil("an HTTPS check to bring it back UP") { server.healthy.load(ordering: .relaxed) }
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").bodyText == "s1\n")
        #expect(peer.backend.requests.contains { $0.requestLine == "GET /health HTTP/1.0" })
        await lb.stop()
        await peer.stop()
    }
}
