import LBConfig
import Testing
@testable import LBCore

/// What reads a TCP connection's first bytes does nothing in HTTP mode: lb says so instead of ignoring it.
/// (`tcp-request content` rules do run in HTTP mode, once per request.)
struct TCPModeOnlyWarningsTests {
    @Test func rdpCookieInHTTPModeWarns() throws {
        let text = """
            defaults
                mode http
                timeout client 5s
                timeout server 5s
                timeout connect 1s
            frontend fe
                bind :80
                tcp-request content reject if { req.len gt 10 }
                default_backend be
            backend be
                balance rdp-cookie
                persist rdp-cookie
                server s 127.0.0.1:1
            """
        let loaded = ConfigurationLoader.parse(text, name: "t.cfg")
        let configuration = try #require(loaded.configuration, "\(loaded.diagnostics)")
        let compiled = ProxyPlan.compile(configuration)
        #expect(compiled.plan != nil)
        let warnings = compiled.diagnostics.filter { $0.severity == .warning }.map(\.message)
        #expect(!warnings.contains { $0.contains("tcp-request") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("balance 'rdp-cookie'") && $0.contains("uses roundrobin") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("'persist rdp-cookie'") }, "\(warnings)")
    }
}
