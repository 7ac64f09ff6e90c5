import Testing
@testable import LBConfig

/// `unique-id-format`, `unique-id-header` and `option logasap`: where they are accepted, what they store,
/// and the errors that name their line. (Whether the format itself compiles is checked by the logging
/// module, which owns the compiler: see LBProxyTests' UniqueIDTests.)
@Suite struct UniqueIDAndLogASAPTests {
    @Test func frontendSettingsAreStoredWithTheFormatLine() throws {
        let result = parse(quietDefaults + config(
            "frontend fe",                                                   // 6
            "    bind :80",
            "    unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid",   // 8
            "    unique-id-header X-Unique-ID",
            "    option logasap",
            "    default_backend be",
            "backend be",
            "    server s 127.0.0.1:8080"))
        #expect(result.errors.isEmpty && result.warnings.isEmpty, "\(result.diagnostics)")
        let logging = try #require(result.configuration?.proxy(named: "fe")?.logging)
        #expect(logging.uniqueIDFormat == "%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid")
        #expect(logging.uniqueIDFormatLocation?.line == 8 && logging.uniqueIDFormatLocation?.file == "test.cfg")
        #expect(logging.uniqueIDHeader == "X-Unique-ID")
        #expect(logging.logASAP)
    }

    @Test func defaultsAreInheritedAndCanBeOverridden() throws {
        let result = parse(config(
            "defaults",                                  // 1
            "    mode http",
            "    timeout client 5s",
            "    timeout server 5s",
            "    timeout connect 1s",
            "    unique-id-format %rt",                  // 6
            "    unique-id-header X-Req-ID",
            "    option logasap",
            "frontend a",
            "    bind :80",
            "    default_backend be",
            "frontend b",
            "    bind :81",
            "    unique-id-format \"%pid-%rt\"",         // 14
            "    no option logasap",
            "    default_backend be",
            "backend be",
            "    server s 127.0.0.1:8080"))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        let a = try #require(result.configuration?.proxy(named: "a")?.logging)
        #expect(a.uniqueIDFormat == "%rt" && a.uniqueIDFormatLocation?.line == 6 && a.uniqueIDHeader == "X-Req-ID" && a.logASAP)
        let b = try #require(result.configuration?.proxy(named: "b")?.logging)
        #expect(b.uniqueIDFormat == "%pid-%rt" && b.uniqueIDFormatLocation?.line == 14 && b.uniqueIDHeader == "X-Req-ID" && !b.logASAP)
    }

    @Test(arguments: [
        ("unique-id-format", "'unique-id-format' expects a log-format string"),
        ("unique-id-format %ci %cp", "'unique-id-format' expects one argument"),
        ("unique-id-format \"\"", "'unique-id-format' expects a non-empty format"),
        ("unique-id-header", "'unique-id-header' expects a header name"),
        ("unique-id-header X-A X-B", "'unique-id-header' expects one argument"),
        ("unique-id-header \"X Id\"", "'X Id' is not a valid header name"),
        ("option logasap now", "unexpected argument 'now' after 'option logasap'"),
    ])
    func malformedLinesAreErrorsAtTheirLine(line: String, message: String) {
        let result = parse(quietDefaults + config("frontend fe", "    bind :80", "    " + line))
        #expect(result.find(.error, line: 8, message) != nil, "\(result.diagnostics)")
    }

    @Test func backendsRefuseTheFrontendSideKeywords() {
        let result = parse(quietDefaults + config(
            "backend be",
            "    unique-id-format %rt",
            "    unique-id-header X-ID",
            "    option logasap",
            "    server s 127.0.0.1:8080"))
        #expect(result.find(.error, line: 7, "'unique-id-format' is not allowed in a backend section") != nil, "\(result.diagnostics)")
        #expect(result.find(.error, line: 8, "'unique-id-header' is not allowed in a backend section") != nil)
        #expect(result.find(.warning, line: 9, "'option logasap' is ignored in a backend section") != nil)
    }

    @Test func aHeaderWithoutAFormatWarns() {
        let result = parse(quietDefaults + config(
            "frontend fe",
            "    bind :80",
            "    unique-id-header X-ID",
            "    default_backend be",
            "backend be",
            "    server s 127.0.0.1:8080"))
        #expect(result.errors.isEmpty)
        #expect(result.find(.warning, line: 6, "'unique-id-header' has no effect in frontend 'fe'") != nil, "\(result.diagnostics)")
    }
}
