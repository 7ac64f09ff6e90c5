import Foundation
import LBTestSupport
import Testing
@testable import LBProxy

/// `tcp-request inspect-delay` and `tcp-request content` in TCP mode: TLS passthrough routed on the SNI of
/// the ClientHello (`req.ssl_sni`), which lb reads without terminating TLS, and connections rejected on
/// their first bytes.
@Suite(.serialized) struct ContentInspectionTests {
    @Test func tlsPassthroughIsRoutedOnTheSNI() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let alpha = try certificates.server("alpha", names: ["alpha.example"])
        let beta = try certificates.server("beta", names: ["beta.example"])
        // Two TLS servers (lb instances terminating TLS), each answering with its name.
        let alphaPort = freePort(), betaPort = freePort(), port = freePort()
        func tlsServer(_ port: Int, _ pem: String, _ name: String) -> String {
            TestConfig.proxy(port: port, frontend: ["http-request return status 200 content-type text/plain string \(name)"],
                             backend: ["server unused 127.0.0.1:1"])
                .replacingOccurrences(of: "bind 127.0.0.1:\(port)", with: "bind 127.0.0.1:\(port) ssl crt \(pem)")
        }
        let alphaServer = try await LBHarness.start(tlsServer(alphaPort, alpha, "alpha"))
        let betaServer = try await LBHarness.start(tlsServer(betaPort, beta, "beta"))
        let router = try await LBHarness.start("""
            defaults
                mode tcp
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend tls_in
                bind 127.0.0.1:\(port)
                tcp-request inspect-delay 30s
                tcp-request content reject if { req.len gt 0 } !{ req.ssl_hello_type 1 }
                tcp-request content accept if { req.ssl_hello_type 1 }
                use_backend beta if { req.ssl_sni -m end .beta.example } || { req.ssl_sni beta.example }
                default_backend alpha
            backend alpha
                server a 127.0.0.1:\(alphaPort)
            backend beta
                server b 127.0.0.1:\(betaPort)
            """)
        let answers = try await offloaded {
            try ["alpha.example", "beta.example", "www.beta.example"].map { name in
                try ExternalTool.run("curl", ["-sk", "--resolve", "\(name):\(port):127.0.0.1", "https://\(name):\(port)/"], limit: 20).output
            }
        }
        #expect(answers == ["alpha", "beta", "beta"])
        // Plain text instead of a ClientHello is rejected at once, without waiting for the delay.
        let plain = try RawClient(port: port)
        try plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        let started = ContinuousClock.now
        #expect(try await offloaded { plain.readToEnd() }.isEmpty)
        // Long before the 30 s delay: the bytes themselves decided.
        #expect(started.duration(to: .now) < .seconds(20))
        #expect(router.balancer.runtime.frontends[0].deniedRequests.load(ordering: .relaxed) == 1)
        await router.stop()
        await alphaServer.stop()
        await betaServer.stop()
    }
}
