import Foundation
import LBConfig
import LBCore
import LBTestSupport
import Testing
@testable import LBProxy

/// TLS on binds over loopback, against the real clients: curl and `openssl s_client`, with certificates
/// openssl makes for each test.
@Suite(.serialized) struct TLSTerminationTests {
    static func config(port: Int, bind: String, backend: Int? = nil, extra: [String] = []) -> String {
        var lines = [
            "defaults", "    mode http", "    timeout connect 1s", "    timeout client 5s", "    timeout server 5s",
            "frontend fe", "    bind 127.0.0.1:\(port) \(bind)",
        ]
        lines += extra.map { "    " + $0 }
        if let backend {
            lines += ["    default_backend be", "backend be", "    server s1 127.0.0.1:\(backend)"]
        }
        return lines.joined(separator: "\n")
    }

    /// Answers with what the TLS fetches say, so a test reads them back in the body.
    static let echoFacts = "http-request return status 200 content-type text/plain lf-string "
        + "\"sni=%[ssl_fc_sni] version=%[ssl_fc_protocol] cipher=%[ssl_fc_cipher] alpn=%[ssl_fc_alpn] tls=%[ssl_fc] "
        + "crt=%[ssl_c_used] dn=%[ssl_c_s_dn] issuer=%[ssl_c_i_dn]\\n\""

    static func curl(_ port: Int, name: String = "a.example", _ options: [String] = []) throws -> ExternalTool.Outcome {
        try ExternalTool.run("curl", ["-sS", "--cacert", "/dev/null", "-k", "--resolve", "\(name):\(port):127.0.0.1"]
                             + options + ["https://\(name):\(port)/"], limit: 20)
    }

    /// The subject of the certificate lb presents for `serverName`, as `openssl s_client` prints it.
    static func presentedSubject(_ port: Int, serverName: String) throws -> String {
        let outcome = try ExternalTool.run("openssl", ["s_client", "-nameopt", "RFC2253", "-connect", "127.0.0.1:\(port)", "-servername", serverName],
                                           input: "", limit: 20)
        return outcome.output.split(separator: "\n").first { $0.hasPrefix("subject=") }.map(String.init) ?? outcome.output + outcome.errors
    }

    @Test(arguments: ["1.2", "1.3"])
    func curlReachesLBOverTLS(version: String) async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(pem) alpn http/1.1", extra: [Self.echoFacts]))
        let outcome = try await offloaded { try Self.curl(port, ["--tlsv\(version)", "--tls-max", version]) }
        #expect(outcome.status == 0, "\(outcome.errors)")
        let cipher = version == "1.3" ? "TLS_AES_" : "ECDHE-ECDSA-AES"
        #expect(outcome.output.hasPrefix("sni=a.example version=TLSv\(version) cipher=\(cipher)"), "\(outcome.output)")
        #expect(outcome.output.contains("alpn=http/1.1 tls=1 crt=0"), "\(outcome.output)")
        #expect(lb.balancer.runtime.frontends[0].tls.handshakes.load(ordering: .relaxed) == 1)
        await lb.stop()
    }

    @Test func sniChoosesAmongCertificates() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let first = try certificates.server("first", names: ["first.example"])
        let wild = try certificates.server("wild", names: ["*.wild.example"], rsa: true)
        let exact = try certificates.server("exact", names: ["exact.wild.example"])
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(first) crt \(wild) crt \(exact)",
                                                       extra: [Self.echoFacts]))
        let subjects = try await offloaded {
            try ["first.example", "exact.wild.example", "any.wild.example", "unknown.example"].map {
                try Self.presentedSubject(port, serverName: $0)
            }
        }
        // Exact name, then wildcard, then the first certificate loaded.
        #expect(subjects == ["subject=CN=first.example", "subject=CN=exact.wild.example", "subject=CN=*.wild.example",
                             "subject=CN=first.example"])
        await lb.stop()
    }

    /// The size of the key of the certificate lb presents, with extra `s_client` options.
    static func presentedKeyBits(_ port: Int, serverName: String?, _ options: [String]) throws -> String {
        let name = serverName.map { ["-servername", $0] } ?? ["-noservername"]
        let outcome = try ExternalTool.run("openssl", ["s_client", "-connect", "127.0.0.1:\(port)"] + name + options,
                                           input: "", limit: 20)
        return outcome.output.split(separator: "\n").first { $0.hasPrefix("Server public key is") }.map(String.init)
            ?? outcome.output + outcome.errors
    }

    @Test func ecdsaAndRSACertificatesForOneNameGoToTheClientsThatAcceptThem() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let rsa = try certificates.server("site-rsa", names: ["a.example"], rsa: true)
        let ecdsa = try certificates.server("site-ecdsa", names: ["a.example"])
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(rsa) crt \(ecdsa)", extra: [Self.echoFacts]))
        let keys = try await offloaded {
            try [
                [],
                ["-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256:RSA+SHA256"],
                ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"],
                ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"],
            ].map { try Self.presentedKeyBits(port, serverName: "a.example", $0) }
        }
        // ECDSA for whoever accepts it, RSA for the rest, whichever was loaded first.
        #expect(keys == ["Server public key is 256 bit", "Server public key is 2048 bit", "Server public key is 2048 bit",
                         "Server public key is 256 bit"])
        // Without SNI, the default name's certificates are chosen the same way.
        let defaults = try await offloaded {
            try [[], ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"]].map {
                try Self.presentedKeyBits(port, serverName: nil, $0)
            }
        }
        #expect(defaults == ["Server public key is 256 bit", "Server public key is 2048 bit"])
        await lb.stop()
    }

    @Test func strictSNIRefusesAnUnknownName() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(pem) strict-sni", extra: [Self.echoFacts]))
        let known = try await offloaded { try Self.curl(port) }
        let unknown = try await offloaded { try Self.curl(port, name: "b.example") }
        #expect(known.status == 0 && known.output.hasPrefix("sni=a.example"))
        #expect(unknown.status != 0)
        let tls = lb.balancer.runtime.frontends[0].tls
        try await waitUntil("the refused handshake to be counted") { tls.failed.load(ordering: .relaxed) == 1 }
        await lb.stop()
    }

    @Test func forwardedProtoReachesTheServer() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let backend = try await TestBackend(name: "s1") { _ in .send(TestBackend.ok(body: "hello\n")) }
        let port = freePort(), plainPort = freePort()
        let config = Self.config(port: port, bind: "ssl crt \(pem)", backend: backend.port, extra: [
            "bind 127.0.0.1:\(plainPort)",
            "http-request add-header X-Forwarded-Proto https if { ssl_fc }",
            "http-request add-header X-Forwarded-Proto http unless { ssl_fc }",
        ])
        let lb = try await LBHarness.start(config)
        let secure = try await offloaded { try Self.curl(port) }
        #expect(secure.output == "hello\n", "\(secure.errors)")
        let plain = try await offloaded { try ExternalTool.run("curl", ["-sS", "http://127.0.0.1:\(plainPort)/"]) }
        #expect(plain.output == "hello\n")
        #expect(backend.requests.map { $0.headers("x-forwarded-proto") } == [["https"], ["http"]])
        await lb.stop()
        await backend.stop()
    }

    @Test func aRequiredClientCertificateIsVerified() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let trusted = try certificates.client("alice", commonName: "alice")
        let stranger = try certificates.client("mallory", commonName: "mallory", selfSigned: true)
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(
            port: port, bind: "ssl crt \(pem) ca-file \(certificates.path("ca.crt")) verify required", extra: [Self.echoFacts]))
        let withCertificate = try await offloaded { try Self.curl(port, ["--cert", trusted]) }
        let without = try await offloaded { try Self.curl(port) }
        let untrusted = try await offloaded { try Self.curl(port, ["--cert", stranger]) }
        #expect(withCertificate.status == 0, "\(withCertificate.errors)")
        #expect(withCertificate.output.contains("crt=1 dn=/O=lb tests/CN=alice issuer=/O=lb tests/CN=lb test CA"),
                "\(withCertificate.output)")
        #expect(without.status != 0 && without.output.isEmpty)
        #expect(untrusted.status != 0 && untrusted.output.isEmpty)
        let tls = lb.balancer.runtime.frontends[0].tls
        try await waitUntil("both refused handshakes to be counted") { tls.failed.load(ordering: .relaxed) == 2 }
        #expect(tls.handshakes.load(ordering: .relaxed) == 1)
        await lb.stop()
    }

    @Test func garbageInsteadOfAClientHelloIsClosedAndCounted() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(pem)", extra: [Self.echoFacts]))
        let client = try RawClient(port: port)
        try client.send("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n")
        let answer = try await offloaded { client.readToEnd() }
        #expect(!String(decoding: answer, as: UTF8.self).contains("HTTP/1.1"))
        let tls = lb.balancer.runtime.frontends[0].tls
        try await waitUntil("the failed handshake to be counted") { tls.failed.load(ordering: .relaxed) == 1 }
        #expect(tls.handshakes.load(ordering: .relaxed) == 0)
        await lb.stop()
    }

    @Test func aHandshakeSlowerThanTimeoutClientIsClosedAndCounted() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let port = freePort()
        let config = Self.config(port: port, bind: "ssl crt \(pem)", extra: [Self.echoFacts])
            .replacingOccurrences(of: "timeout client 5s", with: "timeout client 300ms")
        let lb = try await LBHarness.start(config)
        // Connected, and silent: no ClientHello ever comes.
        let client = try RawClient(port: port)
        let started = ContinuousClock.now
        let answer = try await offloaded { client.readToEnd() }
        #expect(answer.isEmpty)
        #expect(started.duration(to: .now) >= .milliseconds(250))
        let tls = lb.balancer.runtime.frontends[0].tls
        try await waitUntil("the slow handshake to be counted") { tls.failed.load(ordering: .relaxed) == 1 }
        await lb.stop()
    }

    @Test func plainHTTPIsRedirectedToHTTPSWithHSTS() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let backend = try await TestBackend(name: "s1") { _ in .send(TestBackend.ok(body: "secure")) }
        let port = freePort(), plainPort = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(pem)", backend: backend.port, extra: [
            "bind 127.0.0.1:\(plainPort)",
            "http-request redirect scheme https unless { ssl_fc }",
            "http-response set-header Strict-Transport-Security \"max-age=16000000; includeSubDomains\"",
        ]))
        let plain = try await offloaded { try ExternalTool.run("curl", ["-sS", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(plainPort)/x?y=1"]) }
        #expect(plain.output.hasPrefix("HTTP/1.1 302"), "\(plain.output)")
        #expect(plain.output.lowercased().contains("location: https://127.0.0.1:\(plainPort)/x?y=1"), "\(plain.output)")
        let secure = try await offloaded { try Self.curl(port, ["-D", "-"]) }
        #expect(secure.output.hasPrefix("HTTP/1.1 200"))
        #expect(secure.output.lowercased().contains("strict-transport-security: max-age=16000000; includesubdomains"), "\(secure.output)")
        #expect(secure.output.hasSuffix("secure"))
        #expect(backend.requests.count == 1)
        await lb.stop()
        await backend.stop()
    }

    @Test func aResumedSessionIsCounted() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let pem = try certificates.server("site", names: ["a.example"])
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(pem)", extra: [Self.echoFacts]))
        let session = certificates.path("session")
        let outcomes = try await offloaded {
            try [["-sess_out", session], ["-sess_in", session]].map {
                try ExternalTool.run("openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "a.example",
                                                 "-tls1_2"] + $0, input: "", limit: 20).output
            }
        }
        #expect(outcomes[0].contains("New, TLSv1.2"))
        #expect(outcomes[1].contains("Reused, TLSv1.2"), "\(outcomes[1])")
        let tls = lb.balancer.runtime.frontends[0].tls
        try await waitUntil("both handshakes to be counted") { tls.handshakes.load(ordering: .relaxed) == 2 }
        #expect(tls.resumed.load(ordering: .relaxed) == 1)
        await lb.stop()
    }

    @Test func aKeyThatIsNotTheCertificatesIsAnErrorNamingTheFile() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        try certificates.server("one", names: ["one.example"])
        try certificates.server("two", names: ["two.example"])
        let mixed = certificates.path("mixed.pem")
        try (String(contentsOfFile: certificates.path("one.crt"), encoding: .utf8)
             + String(contentsOfFile: certificates.path("two.key"), encoding: .utf8)).write(toFile: mixed, atomically: true, encoding: .utf8)
        let expired = try certificates.server("old", names: ["old.example"], days: -1)
        let text = Self.config(port: 1, bind: "ssl crt \(mixed)") + "\n" + "frontend other\n    bind 127.0.0.1:2 ssl crt \(expired)\n"
        let configuration = try #require(ConfigurationLoader.parse(text, name: "t.cfg").configuration)
        let plan = try #require(ProxyPlan.compile(configuration).plan)
        let diagnostics = TLSSetup.diagnostics(for: plan)
        let error = try #require(diagnostics.first { $0.severity == .error })
        #expect(error.message.contains(mixed) && error.message.contains("private key does not match"), "\(error)")
        #expect(error.location.line == 7)
        #expect(diagnostics.contains { $0.severity == .warning && $0.message.contains("old.pem: the certificate expired") },
                "\(diagnostics)")
    }

    @Test func aCertificateDirectoryIsLoadedWhole() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let directory = certificates.path("certs")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["b", "a"] {
            let pem = try certificates.server(name, names: ["\(name).example"])
            try FileManager.default.copyItem(atPath: pem, toPath: directory + "/\(name).pem")
        }
        let port = freePort()
        let lb = try await LBHarness.start(Self.config(port: port, bind: "ssl crt \(directory)", extra: [Self.echoFacts]))
        let subjects = try await offloaded {
            try ["b.example", "none.example"].map { try Self.presentedSubject(port, serverName: $0) }
        }
        // Files load in name order: a.pem is the default.
        #expect(subjects == ["subject=CN=b.example", "subject=CN=a.example"])
        await lb.stop()
    }
}
