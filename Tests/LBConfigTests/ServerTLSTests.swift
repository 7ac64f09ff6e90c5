import Testing
@testable import LBConfig

/// `server ... ssl` and its options, inherited from `default-server`, and HAProxy's refusal to verify a
/// server's certificate without authorities to verify it against.
struct ServerTLSTests {
    /// Parses `lines` as the body of `backend be` (line 7 onwards).
    func servers(_ lines: String..., global: String = "") -> ([ServerDeclaration], ConfigurationLoader.Result) {
        let result = parse(global + quietDefaults + "backend be\n" + lines.joined(separator: "\n"))
        return (result.configuration?.proxies.first?.servers ?? [], result)
    }

    @Test func optionsAsHAProxyWritesThem() throws {
        let (parsed, result) = servers(
            "    server s1 10.0.0.1:443 ssl verify required ca-file /etc/lb/ca.pem crt /etc/lb/client.pem sni req.hdr(host) alpn h2,http/1.1 verifyhost api.example ssl-min-ver TLSv1.3 ciphers ECDHE+AESGCM curves X25519 check check-sni health.example no-ssl-reuse")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let tls = try #require(parsed.first).tls
        #expect(tls.enabled && tls.verify == .required && tls.caFile == "/etc/lb/ca.pem")
        #expect(tls.certificate == "/etc/lb/client.pem" && tls.serverName == "req.hdr(host)")
        #expect(tls.alpn == ["h2", "http/1.1"] && tls.verifyHost == "api.example")
        #expect(tls.minVersion == .tls13 && tls.maxVersion == .tls13 && tls.ciphers == "ECDHE+AESGCM" && tls.curves == "X25519")
        #expect(tls.checkServerName == "health.example" && !tls.sessionReuse)
        #expect(!result.diagnostics.contains { $0.message.contains("not yet applied") }, "\(result.diagnostics)")
    }

    @Test func defaultServerIsInheritedAndNoSSLTurnsItOff() throws {
        let (parsed, result) = servers(
            "    default-server ssl verify none check-ssl",
            "    server a 10.0.0.1:443",
            "    server b 10.0.0.2:80 no-ssl no-check-ssl")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(parsed.count == 2)
        #expect(parsed[0].tls.enabled && parsed[0].tls.verify == ServerTLS.Verify.none && parsed[0].tls.checkSSL == true)
        #expect(!parsed[1].tls.enabled && parsed[1].tls.checkSSL == false)
    }

    @Test func checksFollowSSLUnlessSentElsewhere() {
        var tls = ServerTLS()
        tls.enabled = true
        #expect(tls.checksUseTLS(checkPort: nil, checkAddress: nil))
        #expect(!tls.checksUseTLS(checkPort: 8080, checkAddress: nil))
        #expect(!tls.checksUseTLS(checkPort: nil, checkAddress: "10.0.0.9"))
        tls.checkSSL = true
        #expect(tls.checksUseTLS(checkPort: 8080, checkAddress: nil))
        tls = ServerTLS()
        #expect(!tls.checksUseTLS(checkPort: nil, checkAddress: nil))
    }

    @Test func verifyByDefaultNeedsACAFileAsInHAProxy() {
        let (_, result) = servers("    server s1 10.0.0.1:443 ssl")
        let error = result.find(.error, line: 7, "server 'be/s1': verify is enabled by default but no CA file is specified")
        #expect(error != nil, "\(result.diagnostics)")
        #expect(error?.hint?.contains("verify none") == true)
    }

    @Test func verifyNoneOrAGlobalDefaultOfNoneNeedsNoCAFile() {
        #expect(servers("    server s1 10.0.0.1:443 ssl verify none").1.errors.isEmpty)
        let (_, result) = servers("    server s1 10.0.0.1:443 ssl", global: "global\n    ssl-server-verify none\n")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(result.configuration?.global.serverVerify == ServerTLS.Verify.none)
    }

    @Test func checkSSLAloneNeedsTheSameCare() {
        let (_, result) = servers("    server s1 10.0.0.1:80 check check-ssl")
        #expect(result.find(.error, line: 7, "verify is enabled by default") != nil, "\(result.diagnostics)")
    }

    @Test func tlsOptionsWithoutSSLWarn() {
        let (_, result) = servers("    server s1 10.0.0.1:443 ca-file /etc/lb/ca.pem sni str(x)")
        #expect(result.find(.warning, line: 7, "has TLS options but no 'ssl'") != nil, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("server s1 10.0.0.1:443 ssl verify required", "'verify required' needs 'ca-file'"),
        ("server s1 10.0.0.1:443 ssl verify optional", "'verify' expects none or required, not 'optional'"),
        ("server s1 10.0.0.1:443 ssl verify none ssl-min-ver TLSv1.4", "unknown TLS version 'TLSv1.4'"),
        ("server s1 10.0.0.1:443 ssl verify none ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2", "no TLS version is left"),
        ("server s1 10.0.0.1:443 ssl verify none sni", "'sni' expects a value"),
    ])
    func mistakesNameTheLine(line: String, message: String) {
        let (_, result) = servers("    " + line)
        #expect(result.find(.error, line: 7, message) != nil, "\(result.diagnostics)")
    }

    @Test func globalVerifyMustBeNoneOrRequired() {
        let result = parse("global\n    ssl-server-verify maybe\n" + quietDefaults)
        #expect(result.find(.error, line: 2, "'ssl-server-verify' expects none or required") != nil, "\(result.diagnostics)")
    }
}
