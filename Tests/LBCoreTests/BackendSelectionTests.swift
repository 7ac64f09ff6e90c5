import LBConfig
import Testing
@testable import LBCore

struct BackendSelectionTests {
    static let backends = [Fixture.backend("static"), Fixture.backend("api"), Fixture.backend("default"),
                           Fixture.backend("www.example.com"), Fixture.backend("tcpdb", mode: .tcp)]

    static func use(_ backend: BackendReference, _ condition: Condition?, line: Int = 20) -> UseBackendRule {
        UseBackendRule(backend: backend, condition: condition, location: Fixture.location(line))
    }

    static func compile(_ frontend: Proxy) throws -> (RequestRules, ProxyPlan) {
        try #require(Fixture.rules(frontend, backends: backends))
    }

    @Test func firstMatchingRuleThenDefault() throws {
        let frontend = Fixture.frontend(
            acls: [Fixture.declaration("is_static", "path_beg", [], ["/static", "/img"])],
            useBackends: [
                Self.use(.name("static"), Fixture.condition([[Fixture.term("is_static")]])),
                Self.use(.name("api"), Fixture.condition([[Fixture.anonymous("path_beg", [], ["/api"])]])),
                Self.use(.name("api"), Fixture.condition([[Fixture.anonymous("path_beg", [], ["/static/api"])]])),
            ],
            defaultBackend: .name("default"))
        let (rules, plan) = try Self.compile(frontend)
        let table: [(String, String)] = [("/static/a", "static"), ("/static/api/x", "static"), ("/api/v1", "api"), ("/", "default")]
        for (uri, expected) in table {
            let index = rules.selectBackend(for: Fixture.request("GET", uri), connection: Fixture.connection)
            #expect(index.map { plan.backends[$0].name } == expected, "\(uri)")
        }
    }

    /// Rules sharing named ACLs (each evaluated once per request and remembered) still decide as if every
    /// reference were evaluated: negations, AND groups and `or` over the same ACLs.
    @Test func sharedACLsDecideTheSameWhenRemembered() throws {
        let frontend = Fixture.frontend(
            acls: [Fixture.declaration("is_static", "path_beg", [], ["/static"]),
                   Fixture.declaration("is_get", "method", [], ["GET"]),
                   Fixture.declaration("is_static", "path_end", [], [".png"])],
            useBackends: [
                Self.use(.name("api"), Fixture.condition([[Fixture.term("is_static"), Fixture.term("is_get", not: true)]])),
                Self.use(.name("static"), Fixture.condition([[Fixture.term("is_get", not: true)], [Fixture.term("is_static")]])),
                Self.use(.name("www.example.com"), Fixture.condition([[Fixture.term("is_get")]])),
            ],
            defaultBackend: .name("default"))
        let (rules, plan) = try Self.compile(frontend)
        let table: [(String, String, String)] = [
            ("GET", "/static/a", "static"), ("POST", "/static/a", "api"), ("GET", "/logo.png", "static"),
            ("GET", "/", "www.example.com"), ("POST", "/", "static"),
        ]
        for (method, uri, expected) in table {
            let index = rules.selectBackend(for: Fixture.request(method, uri), connection: Fixture.connection)
            #expect(index.map { plan.backends[$0].name } == expected, "\(method) \(uri)")
        }
    }

    @Test func noRuleAndNoDefaultSelectsNothing() throws {
        let (rules, _) = try Self.compile(Fixture.frontend(useBackends: [Self.use(.name("api"), Fixture.condition([[Fixture.term("FALSE")]]))]))
        #expect(rules.selectBackend(for: Fixture.head, connection: Fixture.connection) == nil)
    }

    @Test func dynamicNamesAreLookedUpAndFallThrough() throws {
        let frontend = Fixture.frontend(
            useBackends: [
                Self.use(.dynamic("%[req.hdr(host),lower,field(1,:)]"), nil),
                Self.use(.dynamic("%[url_param(be)]"), nil),
            ],
            defaultBackend: .name("default"))
        let (rules, plan) = try Self.compile(frontend)
        func pick(_ head: HTTPRequestHead) -> String? {
            rules.selectBackend(for: head, connection: Fixture.connection).map { plan.backends[$0].name }
        }
        #expect(pick(Fixture.request("GET", "/", [("Host", "WWW.Example.com:80")])) == "www.example.com")
        #expect(pick(Fixture.request("GET", "/?be=api", [("Host", "other.example")])) == "api")
        #expect(pick(Fixture.request("GET", "/?be=nothing", [("Host", "other.example")])) == "default")
        #expect(pick(Fixture.request("GET", "/")) == "default")
    }

    @Test func tcpSelectionSeesOnlyLayer4() throws {
        let frontend = Fixture.frontend(
            mode: .tcp,
            useBackends: [
                Self.use(.name("api"), Fixture.condition([[Fixture.anonymous("path_beg", [], ["/"])]])),
                Self.use(.name("static"), Fixture.condition(.unless, [[Fixture.anonymous("path_beg", [], ["/nothing"])]])),
                Self.use(.name("tcpdb"), Fixture.condition([[Fixture.anonymous("dst_port", [], ["5432"])]])),
            ],
            defaultBackend: .name("default"))
        let (rules, plan) = try Self.compile(frontend)
        let postgres = ConnectionInfo(source: IPAddress("10.0.0.1"), sourcePort: 999, destination: IPAddress("10.0.0.2"), destinationPort: 5432)
        #expect(rules.selectBackend(connection: postgres).map { plan.backends[$0].name } == "tcpdb")
        #expect(rules.selectBackend(connection: Fixture.connection).map { plan.backends[$0].name } == "default")
    }

    struct Counts: UsableServerCounts {
        var counts: [Int: Int]
        func usableServers(inBackend backendIndex: Int) -> Int { counts[backendIndex] ?? 0 }
    }

    @Test func nbsrvUsesLiveCountsOrStaticCount() throws {
        let frontend = Fixture.frontend(
            useBackends: [Self.use(.name("api"), Fixture.condition([[Fixture.anonymous("nbsrv(api)", [], ["ge", "1"])]]))],
            defaultBackend: .name("default"))
        let (rules, plan) = try Self.compile(frontend)
        let api = try #require(plan.backendIndex(named: "api"))
        #expect(rules.selectBackend(for: Fixture.head, connection: Fixture.connection) == api)
        let down = Counts(counts: [api: 0])
        #expect(rules.selectBackend(for: Fixture.head, connection: Fixture.connection, serverCounts: down) != api)
        #expect(rules.selectBackend(connection: Fixture.connection, serverCounts: down) != api)
        #expect(rules.selectBackend(connection: Fixture.connection, serverCounts: Counts(counts: [api: 2])) == api)
    }

    @Test func nbsrvStaticCountIgnoresDisabledServers() throws {
        let backend = Fixture.backend("b", servers: [Fixture.server("a", disabled: true), Fixture.server("b", disabled: true)])
        let frontend = Fixture.frontend(
            useBackends: [Self.use(.name("b"), Fixture.condition([[Fixture.anonymous("nbsrv(b)", [], ["gt", "0"])]]))],
            defaultBackend: .name("default"))
        let (rules, plan) = try #require(Fixture.rules(frontend, backends: [backend, Fixture.backend("default")]))
        #expect(rules.selectBackend(for: Fixture.head, connection: Fixture.connection) == plan.backendIndex(named: "default"))
    }

    @Test func listenDefaultsToItself() throws {
        var listen = Proxy(name: "web", capabilities: .listen, location: Fixture.location(1))
        listen.mode = .http
        listen.servers = [Fixture.server("s1")]
        listen.useBackendRules = [Self.use(.name("api"), Fixture.condition([[Fixture.anonymous("path_beg", [], ["/api"])]]))]
        listen.httpRequestRules = [HTTPRule(action: .setHeader(name: "X-Listen", value: "1"), condition: nil, location: Fixture.location(3))]
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [Fixture.backend("api"), listen]))
        let compiled = try #require(plan, "\(diagnostics)")
        #expect(compiled.frontends.count == 1)
        #expect(compiled.backends.map(\.name) == ["api", "web"])
        let frontend = compiled.frontends[0]
        #expect(frontend.ownBackend == 1)
        #expect(frontend.rules.selectBackend(for: Fixture.request("GET", "/"), connection: Fixture.connection) == 1)
        #expect(frontend.rules.selectBackend(for: Fixture.request("GET", "/api/x"), connection: Fixture.connection) == 0)
        // The listen's http-request rules run once, on its frontend side.
        #expect(frontend.rules.hasHTTPRules)
        #expect(!compiled.backends[1].rules.hasHTTPRules)
    }

    @Test func plainBackendKeepsItsOwnRules() throws {
        var backend = Fixture.backend("api")
        backend.acls = [Fixture.declaration("admin", "path_beg", [], ["/admin"])]
        backend.httpRequestRules = [HTTPRule(action: .deny(status: 403), condition: Fixture.condition([[Fixture.term("admin")]]),
                                             location: Fixture.location(55))]
        backend.options["allbackups"] = true
        let (plan, _) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("api")), backend]))
        let compiled = try #require(plan)
        var head = Fixture.request("GET", "/admin/x")
        #expect(compiled.backends[0].rules.apply(to: &head, connection: Fixture.connection) == .deny(status: 403))
        #expect(compiled.backends[0].allBackups)
        #expect(!compiled.frontends[0].rules.hasHTTPRules)
    }
}

struct CompileDiagnosticsTests {
    @Test func unknownBackendIsAnErrorAtTheRule() {
        let frontend = Fixture.frontend(useBackends: [UseBackendRule(backend: .name("nowhere"), condition: nil, location: Fixture.location(41))])
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [frontend, Fixture.backend("hit")]))
        #expect(plan == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .error)
        #expect(diagnostics.first?.location.line == 41)
        #expect(diagnostics.first?.message.contains("nowhere") == true)
    }

    @Test func unknownDefaultBackendIsAnErrorAtTheProxy() {
        let frontend = Fixture.frontend(defaultBackend: .name("gone"))
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [frontend]))
        #expect(plan == nil)
        #expect(diagnostics.first?.location.line == 10)
    }

    @Test func badRegexAndUnknownFetchAreErrorsAtTheirLines() {
        let frontend = Fixture.frontend(
            acls: [Fixture.declaration("bad_re", "path_reg", [], ["([a-z"], line: 3),
                   Fixture.declaration("bad_fetch", "no_such_thing", [], ["x"], line: 4)],
            rules: [HTTPRule(action: .replaceHeader(name: "Host", regex: "[", replacement: "x"), condition: nil, location: Fixture.location(6)),
                    HTTPRule(action: .setHeader(name: "X", value: "%[nope()]"), condition: nil, location: Fixture.location(7))],
            defaultBackend: .name("hit"))
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [frontend, Fixture.backend("hit")]))
        #expect(plan == nil)
        #expect(diagnostics.filter { $0.severity == .error }.map(\.location.line) == [3, 4, 6, 7])
        #expect(diagnostics[0].message.contains("regular expression"))
        #expect(diagnostics[1].message.contains("no_such_thing"))
    }

    @Test func conditionNamingAnInvalidACLReportsOnlyTheACL() {
        let frontend = Fixture.frontend(
            acls: [Fixture.declaration("bad", "path_reg", [], ["(x"], line: 3)],
            useBackends: [UseBackendRule(backend: .name("hit"), condition: Fixture.condition([[Fixture.term("bad")]], line: 8), location: Fixture.location(8))])
        let (_, diagnostics) = ProxyPlan.compile(Configuration(proxies: [frontend, Fixture.backend("hit")]))
        #expect(diagnostics.map(\.location.line) == [3])
    }

    @Test func httpFrontendCannotUseTCPBackend() {
        let frontend = Fixture.frontend(defaultBackend: .name("db"))
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [frontend, Fixture.backend("db", mode: .tcp)]))
        #expect(plan == nil)
        #expect(diagnostics.first?.message.contains("TCP backend") == true)
    }

    @Test func unimplementedBalanceAndFetchAreWarnings() {
        var backend = Fixture.backend("b")
        backend.balance = .other(keyword: "hash", arguments: ["src"])
        let frontend = Fixture.frontend(
            useBackends: [UseBackendRule(backend: .name("b"), condition: Fixture.condition([[Fixture.anonymous("req.body", [], ["x"])]]),
                                         location: Fixture.location(9))])
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [frontend, backend]))
        #expect(plan != nil)
        #expect(diagnostics.count == 2)
        #expect(diagnostics.allSatisfy { $0.severity == .warning })
        #expect(diagnostics.contains { $0.message.contains("'hash'") })
        #expect(diagnostics.contains { $0.message.contains("req.body") })
    }

    @Test func badHTTPCheckExpectIsAnError() {
        var backend = Fixture.backend("b")
        backend.healthCheck.expect = ["status", "abc"]
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [backend]))
        #expect(plan == nil)
        #expect(diagnostics.first?.location.line == 50)
    }

    @Test func planShapeAndServers() throws {
        var backend = Fixture.backend("b", servers: [Fixture.server("s1", weight: 3), Fixture.server("s2", backup: true)])
        backend.healthCheck.expect = ["status", "200-299"]
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [Fixture.frontend(defaultBackend: .name("b")), backend]))
        let compiled = try #require(plan)
        #expect(diagnostics.isEmpty)
        #expect(compiled.frontends.map(\.name) == ["fe"])
        #expect(compiled.frontends[0].ownBackend == nil)
        #expect(compiled.backends[0].servers.map(\.name) == ["s1", "s2"])
        #expect(compiled.backends[0].servers.map(\.index) == [0, 1])
        #expect(compiled.backends[0].servers[0].weight == 3)
        #expect(compiled.backends[0].servers[1].backup)
        #expect(!compiled.backends[0].allBackups)
        #expect(compiled.backends[0].checkExpectation?.passes(status: 204) == true)
        #expect(compiled.backends[0].checkExpectation?.passes(status: 301) == false)
    }
}
