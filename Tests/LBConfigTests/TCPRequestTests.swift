import Testing
@testable import LBConfig

/// `tcp-request inspect-delay` and `tcp-request connection|session|content` rules.
struct TCPRequestTests {
    @Test func contentRulesAndInspectDelay() throws {
        let result = parse(quietDefaults + config(
            "frontend fe", "    mode tcp", "    bind :443", "    tcp-request inspect-delay 5s",
            "    tcp-request content accept if { req.ssl_hello_type 1 }", "    tcp-request content reject",
            "    tcp-request connection set-var(sess.a) src", "    default_backend be", "backend be", "    mode tcp", "    server s 127.0.0.1:1"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let frontend = try #require(result.configuration?.proxies.first)
        #expect(frontend.inspectDelay == 5_000)
        #expect(frontend.tcpContentRules.map(\.action) == [.accept, .reject])
        #expect(frontend.tcpContentRules[0].condition != nil && frontend.tcpContentRules[1].condition == nil)
        // Other tcp-request forms are kept and reported as not applied.
        #expect(result.find(.warning, line: 12, "is parsed but not yet applied by lb") != nil, "\(result.diagnostics)")
        #expect(result.find(.warning, line: 10, "not yet applied") == nil)
    }

    @Test func connectionAndSessionRulesWithCounters() throws {
        let result = parse(quietDefaults + config(
            "frontend fe", "    bind :80",
            "    tcp-request connection accept if { src 10.0.0.0/8 }",
            "    tcp-request connection track-sc0 src table t",
            "    tcp-request connection reject if { sc0_conn_rate gt 10 }",
            "    tcp-request session sc-inc-gpc0(0)",
            "    tcp-request session sc-set-gpt0(1) 7 unless { ssl_fc }",
            "    tcp-request content track-sc2 src",
            "    default_backend be", "backend be", "    server s 127.0.0.1:1"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(!result.diagnostics.contains { $0.message.contains("not yet applied") }, "\(result.diagnostics)")
        let frontend = try #require(result.configuration?.proxies.first)
        #expect(frontend.tcpConnectionRules.map(\.action) == [.accept, .track(slot: 0, key: "src", table: "t"), .reject])
        #expect(frontend.tcpSessionRules.map(\.action) == [.stickCounter(name: "sc-inc-gpc0", slot: 0, value: nil),
                                                            .stickCounter(name: "sc-set-gpt0", slot: 1, value: 7)])
        #expect(frontend.tcpSessionRules[1].condition?.polarity == .unless)
        #expect(frontend.tcpContentRules.map(\.action) == [.track(slot: 2, key: "src", table: nil)])
    }

    @Test func mistakes() {
        let delay = parse(quietDefaults + config("frontend fe", "    tcp-request inspect-delay soon"))
        #expect(delay.errors.contains { $0.location.line == 7 && $0.message.contains("tcp-request inspect-delay") }, "\(delay.diagnostics)")
        let result = parse(quietDefaults + config("frontend fe", "    tcp-request content reject when TRUE"))
        #expect(result.find(.error, line: 7, "takes only 'if' or 'unless'") != nil, "\(result.diagnostics)")
        let missing = parse(quietDefaults + config("frontend fe", "    tcp-request connection"))
        #expect(missing.find(.error, line: 7, "'tcp-request connection' expects an action") != nil, "\(missing.diagnostics)")
        let slot = parse(quietDefaults + config("frontend fe", "    tcp-request session sc-inc-gpc0"))
        #expect(slot.find(.error, line: 7, "needs a tracking slot") != nil, "\(slot.diagnostics)")
    }
}
