import Testing
@testable import LBConfig

/// `http-reuse` and the idle-pool server options.
@Suite struct ServerReuseTests {
    @Test func httpReuseDefaultsToSafeAndInherits() throws {
        let result = parse(quietDefaults + """
            backend plain
                server a 10.0.0.1:80
            defaults
                mode http
                http-reuse always
            backend inherited
                server a 10.0.0.1:80
            backend own
                http-reuse never
                server a 10.0.0.1:80
            """)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let configuration = try #require(result.configuration)
        #expect(configuration.proxy(named: "plain")?.httpReuse == .safe)
        #expect(configuration.proxy(named: "inherited")?.httpReuse == .always)
        #expect(configuration.proxy(named: "own")?.httpReuse == .never)
    }

    @Test(arguments: [
        ("    http-reuse", "expects never, safe, aggressive or always"),
        ("    http-reuse sometimes", "unknown 'http-reuse' mode 'sometimes'"),
        ("    http-reuse safe extra", "unexpected argument 'extra'"),
    ])
    func badHTTPReuseLinesAreErrors(line: String, message: String) {
        let result = parse(quietDefaults + "backend be\n" + line + "\n    server a 10.0.0.1:80\n")
        #expect(result.find(.error, line: 7, message) != nil, "\(result.diagnostics)")
    }

    @Test func httpReuseBelongsToTheBackendSide() {
        let result = parse(quietDefaults + "frontend fe\n    bind :80\n    http-reuse always\n")
        #expect(result.find(.error, line: 8, "'http-reuse' is not allowed in a frontend section") != nil, "\(result.diagnostics)")
    }

    @Test func poolOptions() throws {
        let result = parse(quietDefaults + """
            backend be
                default-server pool-purge-delay 2s
                server a 10.0.0.1:80 pool-max-conn 10
                server b 10.0.0.2:80 pool-max-conn -1 pool-purge-delay 250ms
                server c 10.0.0.3:80
            """)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let servers = try #require(result.configuration?.proxy(named: "be")?.servers)
        #expect(servers.map(\.poolMaxConnections) == [10, -1, -1])
        #expect(servers.map(\.poolPurgeDelay) == [2000, 250, 2000])
    }

    @Test func poolLowConnIsAcceptedWithAWarningThatSaysWhy() {
        let result = parse(quietDefaults + "backend be\n    server a 10.0.0.1:80 pool-low-conn 4\n")
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(result.find(.warning, line: 7, "'pool-low-conn' has no effect: lb never takes an idle connection from another thread") != nil,
                "\(result.diagnostics)")
        let bad = parse(quietDefaults + "backend be\n    server a 10.0.0.1:80 pool-low-conn some\n")
        #expect(bad.find(.error, line: 7, "invalid value 'some' for 'pool-low-conn'") != nil, "\(bad.diagnostics)")
    }

    @Test func badPoolValuesAreErrors() {
        let result = parse(quietDefaults + "backend be\n    server a 10.0.0.1:80 pool-max-conn many pool-purge-delay soon\n")
        #expect(result.find(.error, line: 7, "invalid value 'many' for 'pool-max-conn'") != nil, "\(result.diagnostics)")
        #expect(result.find(.error, line: 7, "pool-purge-delay") != nil, "\(result.diagnostics)")
    }
}
