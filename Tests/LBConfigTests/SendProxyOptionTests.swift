import Testing
@testable import LBConfig

/// `send-proxy`, `send-proxy-v2`, their `no-` forms and `check-send-proxy` on server lines, inherited
/// from `default-server`.
struct SendProxyOptionTests {
    @Test func versionsAreReadAndInherited() throws {
        let result = parse(quietDefaults + """
            backend be
                default-server send-proxy-v2
                server a 10.0.0.1:80
                server b 10.0.0.2:80 no-send-proxy-v2
                server c 10.0.0.3:80 send-proxy
                server d 10.0.0.4:80 no-send-proxy
                server e 10.0.0.5:80 send-proxy check-send-proxy
            """)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let servers = try #require(result.configuration?.proxies.first?.servers)
        #expect(servers.map(\.sendProxy) == [.v2, nil, .v1, .v2, .v1])
        #expect(servers.map(\.checkSendProxy) == [false, false, false, false, true])
        #expect(!result.diagnostics.contains { $0.message.contains("not yet applied") }, "\(result.diagnostics)")
    }

    @Test func theSSLVariantsStillSayTheyAreNotApplied() {
        let result = parse(quietDefaults + "backend be\n    server a 10.0.0.1:80 send-proxy-v2-ssl\n")
        #expect(result.diagnostics.contains { $0.message.contains("'send-proxy-v2-ssl'") && $0.message.contains("not yet applied") },
                "\(result.diagnostics)")
    }
}
