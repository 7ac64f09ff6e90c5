import Foundation
import Testing
@testable import LBConfig

@Suite struct ValidationTests {
    @Test func undefinedBackends() throws {
        let result = parse(quietDefaults + config(
            "frontend fe",                          // 6
            "    bind :80",                         // 7
            "    use_backend missing if TRUE",      // 8
            "    use_backend %[req.hdr(host)]",     // 9
            "    default_backend bakend",           // 10
            "backend backend",                      // 11
            "    server s 127.0.0.1:1"              // 12
        ))
        #expect(result.find(.error, line: 8, "unknown backend 'missing'") != nil)
        #expect(result.find(.error, line: 10, "unknown backend 'bakend'")?.hint == "did you mean 'backend'?")
        #expect(result.errors.count == 2, "\(result.errors)")
        #expect(result.configuration == nil)
    }

    @Test func frontendIsNotABackend() {
        let result = parse(quietDefaults + config("frontend a", "    bind :1", "    default_backend b", "frontend b", "    bind :2",
                                                  "    default_backend a"))
        #expect(result.find(.error, line: 8, "'b' is a frontend, not a backend") != nil)
        #expect(result.find(.error, line: 11, "'a' is a frontend, not a backend") != nil)
    }

    @Test func frontendWithoutBind() {
        let result = parse(quietDefaults + config("frontend fe", "    default_backend be", "backend be"))
        #expect(result.find(.error, line: 6, "frontend 'fe' has no 'bind' line") != nil)
    }

    @Test func tcpModeWithHTTPRules() {
        let result = parse(config(
            "defaults",
            "    timeout client 1s",
            "    timeout server 1s",
            "    timeout connect 1s",
            "listen tcp",
            "    bind :80",
            "    http-request deny",
            "    http-response del-header Server"
        ))
        #expect(result.find(.error, line: 7, "listen 'tcp' is in tcp mode but uses http-request/http-response rules") != nil)
        #expect(result.errors.count == 1)
    }

    @Test func httpFrontendCannotUseTCPBackend() {
        let result = parse(quietDefaults + config(
            "frontend fe", "    bind :80", "    default_backend be",
            "backend be", "    mode tcp", "    server s 127.0.0.1:1"))
        #expect(result.find(.error, line: 8, "cannot use backend 'be', which is in tcp mode") != nil)
    }

    @Test func serverInFrontendAndDuplicateServers() {
        let result = parse(quietDefaults + config(
            "frontend fe", "    bind :80", "    server s 127.0.0.1:1", "    default_backend be",
            "backend be", "    server a 127.0.0.1:1", "    server a 127.0.0.1:2"))
        #expect(result.find(.error, line: 8, "'server' is not allowed in a frontend section") != nil)
        #expect(result.find(.error, line: 12, "server 'a' is already declared in backend 'be' at test.cfg:11") != nil)
    }

    @Test func missingTimeoutsWarnOncePerProxy() {
        let result = parse(config(
            "frontend fe",          // 1
            "    bind :80",
            "    default_backend be",
            "backend be",           // 4
            "    timeout connect 1s",
            "listen l",             // 6
            "    bind :81",
            "    timeout client 1s",
            "    timeout server 1s",
            "    timeout connect 1s"
        ))
        #expect(result.find(.warning, line: 1, "missing timeouts for frontend 'fe': timeout client") != nil)
        #expect(result.find(.warning, line: 4, "missing timeouts for backend 'be': timeout server") != nil)
        #expect(!result.warnings.contains { $0.location.line == 6 })
        #expect(result.warnings.filter { $0.message.contains("missing timeouts") }.count == 2)
        #expect(result.errors.isEmpty)
    }

    @Test func listenMissingAllTimeouts() {
        let result = parse(config("listen l", "    bind :80"))
        #expect(result.find(.warning, line: 1, "missing timeouts for listen 'l': timeout client, timeout connect, timeout server") != nil)
    }

    @Test func unusedBackendWarns() {
        let result = parse(quietDefaults + config(
            "frontend fe", "    bind :80", "    default_backend used",
            "backend used", "    server s 127.0.0.1:1",
            "backend unused", "    server s 127.0.0.1:1"))
        #expect(result.find(.warning, line: 11, "backend 'unused' is not used by any frontend") != nil)
        #expect(!result.warnings.contains { $0.message.contains("'used'") })
    }

    @Test func dynamicUseBackendSilencesUnusedWarning() {
        let result = parse(quietDefaults + config(
            "frontend fe", "    bind :80", "    use_backend %[req.hdr(host)]",
            "backend maybe", "    server s 127.0.0.1:1"))
        #expect(result.warnings.isEmpty, "\(result.warnings)")
    }

    @Test func httpchkWithoutCheckingServerWarns() {
        let result = parse(quietDefaults + config(
            "backend be", "    option httpchk", "    server s 127.0.0.1:1",
            "frontend fe", "    bind :80", "    default_backend be"))
        #expect(result.find(.warning, line: 7, "'option httpchk' has no effect: no server in backend 'be' has 'check'") != nil)
    }

    @Test func httplogInTCPModeFallsBackToTCPLog() throws {
        let result = parse(config(
            "defaults", "    timeout client 1s", "    timeout server 1s", "    timeout connect 1s",
            "listen l", "    bind :1", "    option httplog"))
        #expect(result.find(.warning, line: 7, "'option httplog' needs mode http") != nil)
        #expect(result.configuration?.proxies.first?.logging.format == .tcplog)
    }

    @Test func httpslogInTCPModeFallsBackToTCPLog() throws {
        let result = parse(config(
            "defaults", "    timeout client 1s", "    timeout server 1s", "    timeout connect 1s",
            "listen l", "    bind :1", "    option httpslog"))
        #expect(result.find(.warning, line: 7, "'option httpslog' needs mode http") != nil)
        #expect(result.configuration?.proxies.first?.logging.format == .tcplog)
    }

    @Test func collectsEveryErrorInOnePass() {
        let result = parse(config(
            "global",
            "    maxconn x",
            "    nbproc 2",
            "frontend fe",
            "    bind :0",
            "    mode sideways",
            "    timeout client 5q",
            "backend be",
            "    balance nope"
        ))
        #expect(Set(result.errors.map(\.location.line)) == [2, 5, 6, 7, 9], "\(result.errors)")
        #expect(result.configuration == nil)
        #expect(result.diagnostics.allSatisfy { $0.location.file == "test.cfg" && $0.location.line > 0 })
    }

    @Test func diagnosticDescription() {
        let diagnostic = Diagnostic.error("unknown ACL 'x'", at: SourceLocation(file: "a.cfg", line: 3, column: 9), hint: "declare it")
        #expect(diagnostic.description == "a.cfg:3: error: unknown ACL 'x'\n    hint: declare it")
    }
}

@Suite struct LoaderTests {
    func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lbconfig-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func multipleFilesFormOneConfiguration() throws {
        let first = try temporaryFile("00-base.cfg", config(
            "global",
            "    maxconn 100",
            "defaults",
            "    mode http",
            "    timeout client 1s",
            "    timeout server 1s",
            "    timeout connect 1s",
            "backend be",
            "    server s 127.0.0.1:1"
        ))
        let second = try temporaryFile("10-front.cfg", config(
            "frontend fe",
            "    bind :80",
            "    default_backend be",
            "    use_backend nowhere if TRUE"
        ))
        let result = ConfigurationLoader.load(files: [first, second], environment: [:], isRoot: false)
        let error = try #require(result.errors.first)
        #expect(error.location.file == second && error.location.line == 4)
        #expect(error.message == "unknown backend 'nowhere'")

        let fixed = try temporaryFile("10-front.cfg", config("frontend fe", "    bind :80", "    default_backend be"))
        let good = ConfigurationLoader.load(files: [first, fixed], environment: [:], isRoot: false)
        let configuration = try #require(good.configuration, "\(good.diagnostics)")
        #expect(configuration.global.maxConnections == 100)
        #expect(configuration.proxies.map(\.name) == ["be", "fe"])
        #expect(configuration.proxy(named: "fe")?.mode == .http, "defaults carry over to the next file")
    }

    @Test func eachFileStartsOutsideAnySection() throws {
        let first = try temporaryFile("a.cfg", "global\n    maxconn 10\n")
        let second = try temporaryFile("b.cfg", "    nbthread 2\n")
        let result = ConfigurationLoader.load(files: [first, second], environment: [:], isRoot: false)
        #expect(result.find(.error, line: 1, "'nbthread' is outside of any section", file: second) != nil)
    }

    @Test func missingFileIsAnError() {
        let result = ConfigurationLoader.load(files: ["/nonexistent/lb.cfg"], environment: [:])
        #expect(result.configuration == nil)
        #expect(result.errors.first?.location.file == "/nonexistent/lb.cfg")
    }

    @Test func environmentReachesFiles() throws {
        let file = try temporaryFile("env.cfg", "global\n    maxconn ${MAX}\n")
        let result = ConfigurationLoader.load(files: [file], environment: ["MAX": "77"])
        #expect(result.configuration?.global.maxConnections == 77)
    }
}

@Suite struct InheritedDiagnosticsTests {
    @Test func inheritedDefaultBackendErrorIsReportedOnceAtTheDefaultsLine() {
        let result = parse(quietDefaults + config(
            "    default_backend ghost",
            "frontend a", "    bind :1",
            "frontend b", "    bind :2"))
        let errors = result.errors.filter { $0.message == "unknown backend 'ghost'" }
        #expect(errors.count == 1)
        #expect(errors.first?.location.line == 6)
    }

    @Test func bindSSLWithoutACertificateIsAnError() {
        let result = parse(quietDefaults + config("listen l", "    bind :443 ssl"))
        #expect(result.find(.error, line: 7, "'bind ... ssl' needs a certificate") != nil)
    }
}
