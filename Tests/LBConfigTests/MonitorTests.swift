import Testing
@testable import LBConfig

/// `monitor-uri` and `monitor fail`: where they may be written, and their mistakes.
struct MonitorTests {
    @Test func monitorURIAndConditions() throws {
        let result = parse(quietDefaults + config(
            "frontend fe", "    bind :80", "    monitor-uri /health", "    monitor fail if { nbsrv(be) lt 1 }",
            "    monitor fail unless TRUE", "    grace 30s", "    default_backend be", "backend be", "    server s1 127.0.0.1:8080"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let frontend = try #require(result.configuration?.proxies.first)
        #expect(frontend.monitorURI == "/health")
        #expect(frontend.monitorFailConditions.count == 2)
        #expect(frontend.grace == 30_000)
        #expect(!result.diagnostics.contains { $0.message.contains("monitor") }, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("frontend fe\n    monitor fail", "'monitor' expects 'fail if CONDITION'"),
        ("frontend fe\n    monitor fail when TRUE", "'monitor' expects 'fail if CONDITION'"),
        ("frontend fe\n    monitor-uri health", "'monitor-uri' expects a URI starting with '/'"),
        ("backend be\n    monitor-uri /health", "'monitor-uri' is not allowed in a backend section"),
        ("backend be\n    monitor fail if TRUE", "'monitor' is not allowed in a backend section"),
    ])
    func mistakes(text: String, message: String) {
        let result = parse(quietDefaults + text)
        #expect(result.errors.contains { $0.message.contains(message) }, "\(result.diagnostics)")
    }
}
