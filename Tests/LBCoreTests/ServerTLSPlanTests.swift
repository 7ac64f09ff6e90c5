import LBConfig
import Testing
@testable import LBCore

/// A server's TLS compiled into its plan: verification resolved against `ssl-server-verify`, the `sni`
/// expression evaluated per connection, and certificate names matched as HAProxy matches them.
struct ServerTLSPlanTests {
    func compile(_ tls: ServerTLS, check: Bool = false, global: GlobalSettings = GlobalSettings())
        -> (ServerTLSPlan?, [Diagnostic]) {
        var server = Fixture.server("s1")
        server.tls = tls
        server.check = check
        let compiled = ProxyPlan.compile(Configuration(global: global, proxies: [Fixture.backend("be", servers: [server])]))
        return (compiled.plan?.backends.first?.servers.first?.tls, compiled.diagnostics)
    }

    func tls(sni: String? = nil, verify: ServerTLS.Verify? = nil) -> ServerTLS {
        var tls = ServerTLS()
        tls.enabled = true
        tls.serverName = sni
        tls.verify = verify
        return tls
    }

    @Test func plainServersHaveNoTLSPlan() {
        #expect(compile(ServerTLS()).0 == nil)
    }

    @Test func verifyFollowsTheServerThenTheGlobalDefault() throws {
        #expect(try #require(compile(tls()).0).verify)
        #expect(try !#require(compile(tls(verify: ServerTLS.Verify.none)).0).verify)
        var global = GlobalSettings()
        global.serverVerify = .none
        #expect(try !#require(compile(tls(), global: global).0).verify)
        #expect(try #require(compile(tls(verify: .required), global: global).0).verify)
    }

    @Test func checkSSLAloneEncryptsChecksOnly() throws {
        var settings = ServerTLS()
        settings.checkSSL = true
        let plan = try #require(compile(settings, check: true).0)
        #expect(plan.checks && !plan.traffic)
    }

    @Test func sniFromTheHostHeaderOrAFixedString() throws {
        let request = Fixture.request("GET", "/", [("Host", "api.example.com")])
        let header = try #require(compile(tls(sni: "req.hdr(host)")).0?.serverName)
        #expect(header.value(request: request, connection: Fixture.connection) == "api.example.com")
        #expect(header.value(request: nil, connection: Fixture.connection) == nil)
        #expect(header.constant == nil)
        let fixed = try #require(compile(tls(sni: "str(backend.test)")).0?.serverName)
        #expect(fixed.constant == "backend.test")
        #expect(fixed.value(request: nil, connection: Fixture.connection) == "backend.test")
        // The port a Host header may carry is dropped with a converter, as HAProxy's `sni-auto` does.
        let withPort = Fixture.request("GET", "/", [("Host", "api.example.com:8443")])
        let field = try #require(compile(tls(sni: "req.hdr(host),field(1,:)")).0?.serverName)
        #expect(field.value(request: withPort, connection: Fixture.connection) == "api.example.com")
    }

    @Test(arguments: ["nosuch(x)", "req.hdr(", "req.ssl_ver"])
    func anSNIThatDoesNotCompileIsAnErrorAtTheServerLine(sni: String) {
        let diagnostics = compile(tls(sni: sni)).1
        #expect(diagnostics.contains { $0.severity == .error && $0.message.contains("server 'be/s1': sni") && $0.location.line == 1 },
                "\(diagnostics)")
    }

    @Test(arguments: [
        ("backend.test", "backend.test", true),
        ("Backend.TEST", "backend.test", true),
        ("*.example.com", "api.example.com", true),
        ("*.example.com", "example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("api*.example.com", "api1.example.com", true),
        ("api*.example.com", "web1.example.com", false),
        ("*1.example.com", "api1.example.com", true),
        ("a*b.example.com", "ab.example.com", true),
        ("a*b.example.com", "b.example.com", false),
        ("*.*.example.com", "a.b.example.com", false),
        ("example.*", "example.com", false),
        ("other.test", "backend.test", false),
    ])
    func certificateNamesMatchAsInHAProxy(pattern: String, hostname: String, expected: Bool) {
        #expect(CertificateNameMatch.matches(pattern: pattern, hostname: hostname) == expected)
    }
}
