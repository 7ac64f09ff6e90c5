import Testing
@testable import LBCore

/// Which request targets ask for a `monitor-uri`.
struct MonitorURITests {
    @Test(arguments: [
        ("/health", "/health", true),
        ("http://www.haproxy.org/health", "/health", true),
        ("/hEAlth", "/health", false),
        ("/health?x", "/health", false),
        ("/health?x", "/health?x", true),
        ("http://www.haproxy.org", "/health", false),
        ("http://www.haproxy.org/health", "http://www.haproxy.org/health", true),
        ("/health", "http://www.haproxy.org/health", false),
        ("*", "*", true),
    ])
    func matches(target: String, monitorURI: String, expected: Bool) {
        #expect(MonitorURI.matches(target: target, monitorURI: monitorURI) == expected)
    }
}
