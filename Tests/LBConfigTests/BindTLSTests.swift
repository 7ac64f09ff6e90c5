import Testing
@testable import LBConfig

/// `bind ... ssl` and its options, and the global defaults every TLS listener starts from.
struct BindTLSTests {
    func tls(_ text: String) -> (BindTLS?, ConfigurationLoader.Result) {
        let result = parse(text)
        return (result.configuration?.proxies.first?.binds.first?.tls, result)
    }

    @Test func optionsAsHAProxyWritesThem() throws {
        let (parsed, result) = tls(quietDefaults + config(
            "frontend fe",
            "    bind :443 ssl crt /etc/lb/a.pem crt /etc/lb/certs/ alpn h2,http/1.1 ssl-min-ver TLSv1.3 ciphers ECDHE+AESGCM curves X25519:P-256 ca-file /etc/lb/ca.pem verify required strict-sni name public"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let settings = try #require(parsed)
        #expect(settings.certificates == ["/etc/lb/a.pem", "/etc/lb/certs/"])
        #expect(settings.alpn == ["h2", "http/1.1"])
        #expect(settings.minVersion == .tls13 && settings.maxVersion == .tls13)
        #expect(settings.ciphers == "ECDHE+AESGCM" && settings.curves == "X25519:P-256")
        #expect(settings.caFile == "/etc/lb/ca.pem" && settings.verify == .required && settings.strictSNI)
        #expect(settings.location.line == 7)
    }

    @Test func tls12And13ByDefault() throws {
        let settings = try #require(tls(quietDefaults + config("frontend fe", "    bind :443 ssl crt a.pem")).0)
        #expect(settings.minVersion == .tls12 && settings.maxVersion == .tls13 && settings.verify == .none)
    }

    @Test(arguments: [
        ("no-tlsv12", TLSProtocolVersion.tls13, TLSProtocolVersion.tls13),
        ("no-tlsv13", .tls12, .tls12),
        ("force-tlsv12", .tls12, .tls12),
        ("ssl-min-ver TLSv1.0 no-tlsv10", .tls11, .tls13),
    ])
    func versionFlagsNarrowTheRange(words: String, minimum: TLSProtocolVersion, maximum: TLSProtocolVersion) throws {
        let settings = try #require(tls(quietDefaults + config("frontend fe", "    bind :443 ssl crt a.pem \(words)")).0)
        #expect(settings.minVersion == minimum && settings.maxVersion == maximum)
    }

    @Test func globalDefaultsAndBasesApply() throws {
        let (parsed, result) = tls(config(
            "global",
            "    ssl-default-bind-options ssl-min-ver TLSv1.3 no-tls-tickets",
            "    ssl-default-bind-ciphers ECDHE+CHACHA20",
            "    crt-base /etc/lb/certs",
            "    ca-base /etc/lb/ca",
            "") + quietDefaults + config("frontend fe", "    bind :443 ssl crt site.pem ca-file clients.pem verify optional"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let settings = try #require(parsed)
        #expect(settings.certificates == ["/etc/lb/certs/site.pem"])
        #expect(settings.caFile == "/etc/lb/ca/clients.pem")
        #expect(settings.minVersion == .tls13 && settings.noTLSTickets)
        #expect(settings.ciphers == "ECDHE+CHACHA20")
    }

    @Test func noSSLMeansNoTLSAndCrtAloneWarns() {
        let (parsed, result) = tls(quietDefaults + config("frontend fe", "    bind :443 crt a.pem"))
        #expect(parsed == nil)
        #expect(result.find(.warning, line: 7, "'crt' has no effect without 'ssl'") != nil)
    }

    @Test(arguments: [
        ("bind :443 ssl", "'bind ... ssl' needs a certificate"),
        ("bind :443 ssl crt a.pem ssl-min-ver TLSv1.4", "unknown TLS version 'TLSv1.4'"),
        ("bind :443 ssl crt a.pem verify always", "'verify' expects none, optional or required"),
        ("bind :443 ssl crt a.pem verify required", "'verify required' needs 'ca-file'"),
        ("bind :443 ssl crt a.pem ssl-min-ver TLSv1.3 ssl-max-ver TLSv1.2", "no TLS version is left"),
        ("bind :443 ssl crt", "'crt' expects a value"),
    ])
    func mistakesNameTheLine(line: String, message: String) {
        let result = parse(quietDefaults + config("frontend fe", "    " + line))
        #expect(result.find(.error, line: 7, message) != nil, "\(result.diagnostics)")
    }
}
