import LBTestSupport
import NIOConcurrencyHelpers
import Testing
@testable import LBProxy

/// `server ... ssl`: requests reach a TLS server over loopback, its certificate is verified against
/// `ca-file` and the SNI sent (`sni`), a refused handshake is a connect failure (503 `SC`), and TLS
/// connections are pooled per server name.
@Suite(.serialized) struct ServerTLSTests {
    static let defaults = """
        global
            nbthread 1
        defaults
            mode http
            timeout connect 1s
            timeout client 5s
            timeout server 5s
        """

    @Test func aRequestReachesTheServerOverTLS() async throws {
        let peer = try await TLSPeer.start()
        let port = freePort()
        let lb = try await LBHarness.start(Self.defaults + """

            frontend fe
                bind 127.0.0.1:\(port)
                default_backend be
            backend be
                server s1 127.0.0.1:\(peer.backend.port) ssl verify none
            """)
        let response = try fetch(port: port, "GET /tls HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 200 && response.bodyText == "s1\n")
        #expect(peer.backend.requests.map(\.path) == ["/tls"])
        // Without `sni` no server name is sent.
        #expect(peer.serverNames.withLockedValue { $0 } == [nil])
        await lb.stop()
        await peer.stop()
    }

    @Test func keepAliveRequestsReuseThePooledTLSConnectionPerServerName() async throws {
        let peer = try await TLSPeer.start()
        let port = freePort()
        let lb = try await LBHarness.start(Self.defaults + """

            frontend fe
                bind 127.0.0.1:\(port)
                default_backend be
            backend be
                http-reuse always
                server s1 127.0.0.1:\(peer.backend.port) ssl verify none sni req.hdr(host)
            """)
        let client = try RawClient(port: port)
        for host in ["a.test", "a.test", "b.test", "a.test", "b.test"] {
            try client.send("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n")
            #expect(try client.readResponse().status == 200)
        }
        // One handshake per name: a connection made for a.test never carries b.test's requests.
        #expect(peer.backend.connectionCount == 2)
        #expect(peer.serverNames.withLockedValue { $0 } == ["a.test", "b.test"])
        let byConnection = Dictionary(grouping: peer.backend.requests, by: \.connectionNumber)
            .mapValues { Set($0.compactMap { $0.header("host") }) }
        #expect(byConnection.values.allSatisfy { $0.count == 1 })
        await lb.stop()
        await peer.stop()
    }

    @Test func verifyRequiredAcceptsTheRightCertificateAndRefusesOthers() async throws {
        let peer = try await TLSPeer.start()
        let stranger = try TestCertificate(name: "backend.test")
        defer { stranger.remove() }
        let port = freePort()
        let records = RecordCollector()
        let server = "127.0.0.1:\(peer.backend.port) ssl verify required"
        let lb = try await LBHarness.start(Self.defaults + """

            frontend fe
                bind 127.0.0.1:\(port)
                use_backend be_wrong_ca if { path /wrong-ca }
                use_backend be_wrong_name if { path /wrong-name }
                use_backend be_verifyhost if { path /verifyhost }
                default_backend be_good
            backend be_good
                retries 0
                server s1 \(server) ca-file \(peer.certificate.certificatePath) sni str(backend.test)
            backend be_wrong_ca
                retries 0
                server s1 \(server) ca-file \(stranger.certificatePath) sni str(backend.test)
            backend be_wrong_name
                retries 0
                server s1 \(server) ca-file \(peer.certificate.certificatePath) sni str(other.test)
            backend be_verifyhost
                retries 0
                server s1 \(server) ca-file \(peer.certificate.certificatePath) verifyhost other.test
            """, accessLog: records)
        #expect(try fetch(port: port, "GET /good HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        for path in ["/wrong-ca", "/wrong-name", "/verifyhost"] {
            #expect(try fetch(port: port, "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n").status == 503, "\(path)")
        }
        let logged = await records.waitFor(4)
        #expect(logged.count == 4)
        for record in logged.dropFirst() {
            // As HAProxy logs a refused server handshake: a connection failure, server known, no Tc.
            #expect(record.status == 503 && record.terminationState.hasPrefix("SC") && record.server == "s1", "\(record.backend)")
            #expect(record.timeConnect == -1)
        }
        #expect(logged.first?.terminationState == "----")
        // Only the verified connection carried a request; the refused ones sent nothing after the handshake.
        #expect(peer.backend.requests.map(\.path) == ["/good"])
        #expect(peer.serverNames.withLockedValue { $0 }.contains("other.test"))
        #expect(lb.balancer.runtime.backends[1].servers[0].connectionErrors.load(ordering: .relaxed) == 1)
        await lb.stop()
        await peer.stop()
    }

    @Test func crtPresentsAClientCertificateToAServerThatAsksForOne() async throws {
        let client = try TestCertificate(name: "lb.client")
        defer { client.remove() }
        let peer = try await TLSPeer.start(clientCertificate: client)
        let port = freePort()
        let lb = try await LBHarness.start(Self.defaults + """

            frontend fe
                bind 127.0.0.1:\(port)
                use_backend be_anonymous if { path /anonymous }
                default_backend be
            backend be
                server s1 127.0.0.1:\(peer.backend.port) ssl verify none crt \(client.bundlePath)
            backend be_anonymous
                retries 0
                server s1 127.0.0.1:\(peer.backend.port) ssl verify none
            """)
        #expect(try fetch(port: port, "GET /with-certificate HTTP/1.1\r\nHost: x\r\n\r\n").status == 200)
        // In TLS 1.3 the client's handshake is over before the server judges its certificate: the refusal
        // arrives as an alert instead of the response (502, as HAProxy answers), and the request is dropped.
        let anonymous = try fetch(port: port, "GET /anonymous HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(anonymous.status == 502, "\(anonymous.head)")
        #expect(peer.backend.requests.map(\.path) == ["/with-certificate"])
        await lb.stop()
        await peer.stop()
    }

    @Test func aServerThatNeverAnswersTheHandshakeTimesOutAsAConnect() async throws {
        // A plain server reads the ClientHello and waits for a request that never comes.
        let silent = try await TestBackend(name: "silent")
        let port = freePort()
        let records = RecordCollector()
        let lb = try await LBHarness.start("""
            defaults
                mode http
                timeout connect 200ms
                timeout client 5s
                timeout server 5s
            frontend fe
                bind 127.0.0.1:\(port)
                default_backend be
            backend be
                retries 0
                server s1 127.0.0.1:\(silent.port) ssl verify none
            """, accessLog: records)
        #expect(try fetch(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 503)
        let logged = await records.waitFor(1)
        #expect(logged.first?.terminationState.hasPrefix("sC") == true, "\(logged)")
        await lb.stop()
        await silent.stop()
    }

    @Test func tcpModeRelaysOverTLS() async throws {
        let peer = try await TLSPeer.start()
        let port = freePort()
        let lb = try await LBHarness.start("""
            defaults
                mode tcp
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            listen relay
                bind 127.0.0.1:\(port)
                server s1 127.0.0.1:\(peer.backend.port) ssl verify required ca-file \(peer.certificate.certificatePath) sni str(backend.test)
            """)
        let response = try fetch(port: port, "GET /over-tcp HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(response.status == 200 && response.bodyText == "s1\n")
        #expect(peer.serverNames.withLockedValue { $0 } == ["backend.test"])
        await lb.stop()
        await peer.stop()
    }

    @Test func aMissingCAFileStopsStartupNamingTheLineAndTheFile() async throws {
        let port = freePort()
        do {
            let lb = try await LBHarness.start(Self.defaults + """

                frontend fe
                    bind 127.0.0.1:\(port)
                    default_backend be
                backend be
                    server s1 127.0.0.1:1 ssl verify required ca-file /nonexistent/ca.pem
                """)
            await lb.stop()
            Issue.record("lb started without its CA file")
        } catch {
            #expect("\(error)".contains("test.cfg:12: error: /nonexistent/ca.pem: cannot read the CA file of server 'be/s1'"),
                    "\(error)")
        }
    }
}
