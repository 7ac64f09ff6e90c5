import Testing
@testable import LBConfig

@Suite struct DefaultsInheritanceTests {
    @Test func anonymousDefaultsResetEverything() throws {
        let result = parse(config(
            "defaults",
            "    mode http",
            "    timeout client 7s",
            "    option dontlognull",
            "    balance leastconn",
            "listen a",
            "    bind :1",
            "defaults",
            "    timeout connect 3s",
            "listen b",
            "    bind :2"
        ))
        let configuration = try #require(result.configuration, "\(result.diagnostics)")
        let a = try #require(configuration.proxy(named: "a"))
        let b = try #require(configuration.proxy(named: "b"))
        #expect(a.mode == .http && a.timeouts.client == 7000 && a.logging.dontLogNull && a.balance == .leastConnections)
        #expect(b.mode == .tcp && b.timeouts.client == nil && !b.logging.dontLogNull && b.balance == .roundRobin)
        #expect(b.timeouts.connect == 3000 && a.timeouts.connect == nil)
    }

    @Test func namedDefaultsWithFrom() throws {
        let result = parse(config(
            "defaults base",
            "    mode http",
            "    timeout client 1s",
            "    retries 5",
            "defaults tcpish from base",
            "    mode tcp",
            "defaults",
            "    timeout client 9s",
            "listen uses-last",
            "    bind :1",
            "listen uses-base from base",
            "    bind :2",
            "listen uses-tcpish from tcpish",
            "    bind :3",
            "    retries 1"
        ))
        let configuration = try #require(result.configuration, "\(result.diagnostics)")
        let last = try #require(configuration.proxy(named: "uses-last"))
        #expect(last.mode == .tcp && last.timeouts.client == 9000 && last.retries == 3)
        let base = try #require(configuration.proxy(named: "uses-base"))
        #expect(base.mode == .http && base.timeouts.client == 1000 && base.retries == 5)
        let tcpish = try #require(configuration.proxy(named: "uses-tcpish"))
        #expect(tcpish.mode == .tcp && tcpish.timeouts.client == 1000 && tcpish.retries == 1)
    }

    @Test func namedDefaultsApplyToFollowingProxies() throws {
        let result = parse(config("defaults web", "    mode http", "listen a", "    bind :1"))
        #expect(result.configuration?.proxy(named: "a")?.mode == .http)
    }

    @Test func inheritedSettings() throws {
        let result = parse(config(
            "defaults",
            "    mode http",
            "    log global",
            "    option httplog",
            "    option http-keep-alive",
            "    option forwardfor header X-Real-IP if-none",
            "    option redispatch 2",
            "    option allbackups",
            "    maxconn 100",
            "    retries 2",
            "    balance uri whole",
            "    hash-type consistent djb2",
            "    default_backend be",
            "    option httpchk HEAD /health",
            "    http-check expect status 200",
            "    stats uri /s",
            "    default-server inter 3s fall 5",
            "    timeout client 1s",
            "    timeout server 1s",
            "    timeout connect 1s",
            "frontend fe",
            "    bind :80",
            "backend be",
            "    server s 127.0.0.1:80 check"
        ))
        let configuration = try #require(result.configuration, "\(result.diagnostics)")
        let fe = try #require(configuration.proxy(named: "fe"))
        #expect(fe.logging.useGlobal && fe.logging.format == .httplog)
        #expect(fe.httpConnectionMode == .keepAlive)
        #expect(fe.forwardFor == ForwardForSettings(header: "X-Real-IP", ifNone: true))
        #expect(fe.maxConnections == 100)
        #expect(fe.defaultBackend == .name("be"))
        let be = try #require(configuration.backend(named: "be"))
        #expect(be.defaultBackend == nil && be.maxConnections == nil)
        #expect(be.redispatchInterval == 2 && be.retries == 2 && be.options["allbackups"] == true)
        #expect(be.balance == .uri(arguments: ["whole"]) && be.hashType == ["consistent", "djb2"])
        #expect(be.healthCheck.httpCheck && be.healthCheck.method == "HEAD" && be.healthCheck.uri == "/health")
        #expect(be.healthCheck.expect == ["status", "200"])
        #expect(be.stats?.uri == "/s")
        #expect(be.servers.first?.checkInterval == 3000 && be.servers.first?.fall == 5)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
    }

    @Test func proxyOverridesAndNoOption() throws {
        let result = parse(quietDefaults + config(
            "    option dontlognull",
            "    option redispatch",
            "    option http-server-close",
            "    option splice-auto",
            "listen l",
            "    bind :1",
            "    no option dontlognull",
            "    no option redispatch",
            "    no option http-server-close",
            "    no option splice-auto",
            "    no log"
        ))
        let proxy = try #require(result.configuration?.proxy(named: "l"), "\(result.diagnostics)")
        #expect(!proxy.logging.dontLogNull && proxy.redispatchInterval == nil && proxy.httpConnectionMode == nil)
        #expect(proxy.options["splice-auto"] == false)
        #expect(proxy.logging.disabled)
    }

    @Test(arguments: [
        ("listen x from nowhere", "unknown defaults section 'nowhere'"),
        ("defaults d from nowhere", "unknown defaults section 'nowhere'"),
        ("listen y from fe", "'fe' is not a defaults section"),
    ])
    func badFrom(line: String, message: String) {
        let result = parse(config("frontend fe", "    bind :1", line))
        #expect(result.find(.error, line: 3, message) != nil, "\(result.diagnostics)")
    }

    @Test func duplicateNamedDefaults() {
        let result = parse(config("defaults d", "defaults d"))
        #expect(result.find(.error, line: 2, "defaults section 'd' is already declared at test.cfg:1") != nil)
    }

    @Test(arguments: [
        ("frontend a", "frontend a", true, "frontend 'a' has the same name as frontend 'a' declared at test.cfg:1"),
        ("backend a", "backend a", true, "backend 'a' has the same name as backend 'a' declared at test.cfg:1"),
        ("listen a", "frontend a", true, "frontend 'a' has the same name as listen 'a' declared at test.cfg:1"),
        ("backend a", "listen a", true, "listen 'a' has the same name as backend 'a' declared at test.cfg:1"),
        ("frontend a", "backend a", false, ""),
    ])
    func duplicateProxyNames(first: String, second: String, isError: Bool, message: String) {
        let result = parse(config(first, second))
        let duplicate = result.errors.first { $0.message.contains("same name") }
        if isError {
            #expect(duplicate?.message == message)
            #expect(duplicate?.location.line == 2)
        } else {
            #expect(duplicate == nil)
        }
    }
}
