import Testing
@testable import LBConfig

/// `observe`, `error-limit`, `on-error`, `on-marked-*` and the agent options of server lines.
@Suite struct ServerHealthOptionTests {
    @Test func observationOptionsAreReadAndInherited() throws {
        let result = parse(quietDefaults + """
            backend be
                default-server observe layer7 error-limit 5
                server a 10.0.0.1:80 check on-error mark-down on-marked-down shutdown-sessions
                server b 10.0.0.2:80 check observe layer4 on-marked-up shutdown-backup-sessions
                server c 10.0.0.3:80 check no-agent-check
            """)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(!result.diagnostics.contains { $0.message.contains("not yet applied") }, "\(result.diagnostics)")
        let servers = try #require(result.configuration?.proxy(named: "be")?.servers)
        #expect(servers[0].observation.layer == .layer7)
        #expect(servers[0].observation.errorLimit == 5)
        #expect(servers[0].observation.onError == .markDown)
        #expect(servers[0].observation.shutdownSessionsOnDown)
        #expect(!servers[0].observation.shutdownBackupSessionsOnUp)
        #expect(servers[1].observation.layer == .layer4)
        #expect(servers[1].observation.onError == .failCheck)
        #expect(servers[1].observation.shutdownBackupSessionsOnUp)
        #expect(servers[2].observation.errorLimit == 5)
    }

    @Test func defaultsAreHAProxys() {
        let observation = TrafficObservation()
        #expect(observation.layer == nil)
        #expect(observation.errorLimit == 10)
        #expect(observation.onError == .failCheck)
    }

    @Test func agentOptions() throws {
        let result = parse(quietDefaults + """
            backend be
                server a 10.0.0.1:80 check agent-check agent-port 9999 agent-inter 500ms agent-send "hello\\n" agent-addr 127.0.0.2
                server b 10.0.0.2:80 agent-port 9999
            """)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let servers = try #require(result.configuration?.proxy(named: "be")?.servers)
        #expect(servers[0].agent.enabled)
        #expect(servers[0].agent.port == 9999)
        #expect(servers[0].agent.interval == 500)
        #expect(servers[0].agent.send == "hello\n")
        #expect(servers[0].agent.address == "127.0.0.2")
        #expect(!servers[1].agent.enabled)
    }

    @Test(arguments: [
        ("server a 10.0.0.1:80 check observe layer5", "'observe' expects layer4 or layer7, not 'layer5'"),
        ("server a 10.0.0.1:80 check error-limit 0", "invalid value '0' for 'error-limit'"),
        ("server a 10.0.0.1:80 check on-error explode", "'on-error' expects one of: fastinter, fail-check, sudden-death, mark-down"),
        ("server a 10.0.0.1:80 on-marked-down kill", "'on-marked-down' expects shutdown-sessions"),
        ("server a 10.0.0.1:80 on-marked-up shutdown-sessions", "'on-marked-up' expects shutdown-backup-sessions"),
        ("server a 10.0.0.1:80 agent-check", "'agent-check' needs 'agent-port'"),
        ("server a 10.0.0.1:80 agent-port 70000", "invalid value '70000' for 'agent-port'"),
        ("server a 10.0.0.1:80 agent-addr not_an_address!", "invalid agent address"),
    ])
    func badValuesAreErrorsAtTheLine(line: String, message: String) {
        let result = parse(quietDefaults + "backend be\n    " + line + "\n")
        #expect(result.find(.error, line: 7, message) != nil, "\(result.diagnostics)")
    }

    @Test func layer7NeedsHTTP() {
        let result = parse(quietDefaults + "backend be\n    mode tcp\n    server a 10.0.0.1:80 check observe layer7\n")
        #expect(result.find(.error, line: 8, "'observe layer7' can only be used in http proxies") != nil, "\(result.diagnostics)")
    }

    @Test func observeWithoutCheckWarns() {
        let result = parse(quietDefaults + "backend be\n    server a 10.0.0.1:80 observe layer7\n")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(result.find(.warning, line: 7, "'observe' has no effect without 'check'") != nil, "\(result.diagnostics)")
    }
}
