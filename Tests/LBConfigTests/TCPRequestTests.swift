import Testing
@testable import LBConfig

/// `tcp-request inspect-delay` and `tcp-request content accept|reject`.
struct TCPRequestTests {
    @Test func contentRulesAndInspectDelay() throws {
        let result = parse(quietDefaults + config(
            "frontend fe", "    mode tcp", "    bind :443", "    tcp-request inspect-delay 5s",
            "    tcp-request content accept if { req.ssl_hello_type 1 }", "    tcp-request content reject",
            "    tcp-request connection track-sc0 src", "    default_backend be", "backend be", "    mode tcp", "    server s 127.0.0.1:1"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let frontend = try #require(result.configuration?.proxies.first)
        #expect(frontend.inspectDelay == 5_000)
        #expect(frontend.tcpContentRules.map(\.action) == [.accept, .reject])
        #expect(frontend.tcpContentRules[0].condition != nil && frontend.tcpContentRules[1].condition == nil)
        // Other tcp-request forms are kept and reported as not applied.
        #expect(result.find(.warning, line: 12, "is parsed but not yet applied by lb") != nil, "\(result.diagnostics)")
        #expect(result.find(.warning, line: 10, "not yet applied") == nil)
    }

    @Test func mistakes() {
        let delay = parse(quietDefaults + config("frontend fe", "    tcp-request inspect-delay soon"))
        #expect(delay.errors.contains { $0.location.line == 7 && $0.message.contains("tcp-request inspect-delay") }, "\(delay.diagnostics)")
        let result = parse(quietDefaults + config("frontend fe", "    tcp-request content reject when TRUE"))
        #expect(result.find(.error, line: 7, "takes only 'if' or 'unless'") != nil, "\(result.diagnostics)")
    }
}
