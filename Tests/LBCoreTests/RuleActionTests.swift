import Foundation
import LBConfig
import Testing
@testable import LBCore

struct RuleActionTests {
    static func rules(_ rules: [HTTPRule], acls: [ACLDeclaration] = []) throws -> RequestRules {
        try #require(Fixture.rules(Fixture.frontend(acls: acls, rules: rules))).0
    }

    static func rule(_ action: HTTPRule.Action, _ condition: Condition? = nil, line: Int = 5) -> HTTPRule {
        HTTPRule(action: action, condition: condition, location: Fixture.location(line))
    }

    static func run(_ actions: [HTTPRule.Action], on head: HTTPRequestHead = Fixture.head) throws -> (RequestVerdict, HTTPRequestHead) {
        let compiled = try rules(actions.map { rule($0) })
        var head = head
        let verdict = compiled.apply(to: &head, connection: Fixture.connection)
        return (verdict, head)
    }

    @Test func setHeaderReplacesEveryValue() throws {
        let (verdict, head) = try Self.run([.setHeader(name: "X-Forwarded-For", value: "%[src]")])
        #expect(verdict == .proceed)
        #expect(head.headers.values("x-forwarded-for") == ["192.168.1.10"])
        #expect(head.headers.fields.last?.name == "X-Forwarded-For")
    }

    @Test func addHeaderAppends() throws {
        let (_, head) = try Self.run([.addHeader(name: "X-Forwarded-For", value: "%[src]"), .addHeader(name: "X-Tag", value: "a b")])
        #expect(head.headers.values("x-forwarded-for") == ["10.0.0.1, 10.0.0.2", "10.0.0.3", "192.168.1.10"])
        #expect(head.headers.first("x-tag") == "a b")
    }

    @Test func deleteHeaderRemovesAllOccurrences() throws {
        let (_, head) = try Self.run([.delHeader(name: "x-forwarded-for")])
        #expect(!head.headers.contains("X-Forwarded-For"))
        #expect(head.headers.count == Fixture.head.headers.count - 2)
    }

    @Test func replaceHeaderRewritesMatchingValuesWithGroups() throws {
        let (_, head) = try Self.run([.replaceHeader(name: "Host", regex: "^(.*):8080$", replacement: "\\1:80")])
        #expect(head.headers.first("host") == "www.Example.com:80")
        let (_, same) = try Self.run([.replaceHeader(name: "Host", regex: "^nomatch$", replacement: "x")])
        #expect(same.headers.first("host") == "www.Example.com:8080")
    }

    @Test func denyStopsWithStatus() throws {
        let (verdict, head) = try Self.run([.deny(status: 403), .setHeader(name: "X-After", value: "1")])
        #expect(verdict == .deny(status: 403))
        #expect(!head.headers.contains("x-after"))
    }

    @Test func returnWithStringBody() throws {
        let (verdict, _) = try Self.run([.return(status: 200, contentType: "text/plain", body: .string("hello"))])
        #expect(verdict == .respond(LocalResponse(status: 200, headers: HTTPHeaderFields([.init(name: "Content-Type", value: "text/plain")]),
                                                  body: Array("hello".utf8))))
    }

    @Test func returnWithLogFormatBody() throws {
        let (verdict, _) = try Self.run([.return(status: 200, contentType: "text/plain", body: .logFormat("you are %[src]"))])
        guard case .respond(let response) = verdict else { Issue.record("expected a response"); return }
        #expect(String(decoding: response.body, as: UTF8.self) == "you are 192.168.1.10")
    }

    @Test func returnWithFileBodyReadAtCompileTime() throws {
        let path = NSTemporaryDirectory() + "lbcore-return-\(getpid()).html"
        try "<h1>maintenance</h1>\n".write(toFile: path, atomically: true, encoding: .utf8)
        let compiled = try Self.rules([Self.rule(.return(status: 503, contentType: "text/html", body: .file(path)))])
        try FileManager.default.removeItem(atPath: path)
        var head = Fixture.head
        guard case .respond(let response) = compiled.apply(to: &head, connection: Fixture.connection) else {
            Issue.record("expected a response"); return
        }
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self) == "<h1>maintenance</h1>\n")
    }

    /// `hdr NAME FMT` adds headers evaluated per request; an `lf-file`'s text is a log-format string.
    @Test func returnWithHeadersAndLogFormatFile() throws {
        let path = NSTemporaryDirectory() + "lbcore-return-lf-\(getpid()).txt"
        try "from %[src]\n".write(toFile: path, atomically: true, encoding: .utf8)
        let compiled = try Self.rules([Self.rule(.return(status: 200, contentType: "text/plain", body: .logFormatFile(path),
                                                        headers: [.init(name: "x-custom-hdr", value: "%[url]"), .init(name: "x-b", value: "b")]))])
        try FileManager.default.removeItem(atPath: path)
        var head = Fixture.head
        guard case .respond(let response) = compiled.apply(to: &head, connection: Fixture.connection) else {
            Issue.record("expected a response"); return
        }
        #expect(response.headers.first("x-custom-hdr") == head.uri)
        #expect(response.headers.first("x-b") == "b")
        #expect(response.headers.first("content-type") == "text/plain")
        #expect(String(decoding: response.body, as: UTF8.self) == "from 192.168.1.10\n")
    }

    /// Without a payload the content type is dropped, as HAProxy drops it (with a warning).
    @Test func returnWithoutPayloadHasNoContentType() throws {
        let (verdict, _) = try Self.run([.return(status: 200, contentType: "text/plain", body: nil)])
        #expect(verdict == .respond(LocalResponse(status: 200)))
        let compiled = try Self.rules([Self.rule(.return(status: 200, contentType: "text/plain", body: .file("/dev/null")))])
        var head = Fixture.head
        guard case .respond(let response) = compiled.apply(to: &head, connection: Fixture.connection) else {
            Issue.record("expected a response"); return
        }
        #expect(response.headers.first("content-type") == nil && response.body.isEmpty)
    }

    @Test func returnWithoutBody() throws {
        let (verdict, _) = try Self.run([.return(status: 204, contentType: nil, body: nil)])
        #expect(verdict == .respond(LocalResponse(status: 204)))
    }

    struct RedirectRow: Sendable {
        var kind: HTTPRule.RedirectKind
        var target: String
        var code: Int
        var location: String
    }

    static let redirects: [RedirectRow] = [
        RedirectRow(kind: .location, target: "https://example.org/new", code: 301, location: "https://example.org/new"),
        RedirectRow(kind: .location, target: "https://%[hdr(host),field(1,:)]%[path]", code: 302,
                    location: "https://www.Example.com/static/img/Logo.PNG"),
        RedirectRow(kind: .prefix, target: "https://cdn.example.org", code: 302, location: "https://cdn.example.org" + Fixture.uri),
        RedirectRow(kind: .prefix, target: "/", code: 302, location: Fixture.uri),
        RedirectRow(kind: .scheme, target: "https", code: 308, location: "https://www.Example.com:8080" + Fixture.uri),
    ]

    @Test(arguments: redirects)
    func redirect(_ row: RedirectRow) throws {
        let (verdict, _) = try Self.run([.redirect(kind: row.kind, target: row.target, code: row.code)])
        #expect(verdict == .respond(LocalResponse(status: row.code, headers: HTTPHeaderFields([.init(name: "Location", value: row.location)]))))
    }

    @Test func allowStopsFurtherRules() throws {
        let (verdict, head) = try Self.run([.setHeader(name: "X-Before", value: "1"), .allow, .deny(status: 403)])
        #expect(verdict == .proceed)
        #expect(head.headers.first("x-before") == "1")
    }

    @Test func authUsesRealmOrProxyName() throws {
        #expect(try Self.run([.auth(realm: "Private")]).0 == .authenticate(realm: "Private"))
        #expect(try Self.run([.auth(realm: nil)]).0 == .authenticate(realm: "fe"))
    }

    struct URIRow: Sendable {
        var action: HTTPRule.Action
        var uri: String
        var expected: String
    }

    static let uriRows: [URIRow] = [
        URIRow(action: .setPath("/new/path"), uri: "/old?x=1", expected: "/new/path?x=1"),
        URIRow(action: .setPath("/v2%[path]"), uri: "/api?x=1", expected: "/v2/api?x=1"),
        URIRow(action: .setPath("/p"), uri: "http://h.example/old?q", expected: "http://h.example/p?q"),
        URIRow(action: .setPath("/p"), uri: "http://h.example", expected: "http://h.example/p"),
        URIRow(action: .setQuery("a=1"), uri: "/path?old=2", expected: "/path?a=1"),
        URIRow(action: .setQuery("a=1"), uri: "/path", expected: "/path?a=1"),
        URIRow(action: .setQuery(""), uri: "/path?old=2", expected: "/path"),
        URIRow(action: .setQuery("%[query]&b=2"), uri: "/path?a=1", expected: "/path?a=1&b=2"),
        URIRow(action: .setURI("/rewritten?x=%[url_param(y)]"), uri: "/orig?y=7", expected: "/rewritten?x=7"),
    ]

    @Test(arguments: uriRows)
    func uriRewrites(_ row: URIRow) throws {
        let (verdict, head) = try Self.run([row.action], on: Fixture.request("GET", row.uri))
        #expect(verdict == .proceed)
        #expect(head.uri == row.expected)
    }

    @Test func useServiceIsFinal() throws {
        #expect(try Self.run([.useService("prometheus-exporter"), .deny(status: 403)]).0 == .useService("prometheus-exporter"))
    }

    @Test func conditionsGateRulesAndSeeEarlierRewrites() throws {
        let compiled = try Self.rules([
            Self.rule(.setHeader(name: "X-Static", value: "1"), Fixture.condition([[Fixture.term("is_static")]])),
            Self.rule(.setPath("/api%[path]"), Fixture.condition([[Fixture.anonymous("path_beg", [], ["/v1"])]])),
            Self.rule(.deny(status: 429), Fixture.condition([[Fixture.anonymous("path_beg", [], ["/api/v1"])]])),
        ], acls: [Fixture.declaration("is_static", "path_beg", [], ["/static"])])
        var staticHead = Fixture.request("GET", "/static/a.css")
        #expect(compiled.apply(to: &staticHead, connection: Fixture.connection) == .proceed)
        #expect(staticHead.headers.first("x-static") == "1")
        var apiHead = Fixture.request("GET", "/v1/users")
        #expect(compiled.apply(to: &apiHead, connection: Fixture.connection) == .deny(status: 429))
        #expect(apiHead.uri == "/api/v1/users")
        #expect(!apiHead.headers.contains("x-static"))
    }

    @Test func unlessCondition() throws {
        let compiled = try Self.rules([Self.rule(.deny(status: 403), Fixture.condition(.unless, [[Fixture.term("LOCALHOST")]]))])
        var head = Fixture.request()
        #expect(compiled.apply(to: &head, connection: Fixture.connection) == .deny(status: 403))
        #expect(compiled.apply(to: &head, connection: Fixture.localConnection) == .proceed)
    }

    @Test func unsupportedRuleIsANoOpWithAWarning() throws {
        let frontend = Fixture.frontend(rules: [Self.rule(.unsupported(keyword: "lua.foo", arguments: []), line: 17)])
        let (plan, diagnostics) = ProxyPlan.compile(Configuration(proxies: [frontend]))
        #expect(plan != nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .warning)
        #expect(diagnostics.first?.location.line == 17)
        var head = Fixture.head
        #expect(plan?.frontends[0].rules.apply(to: &head, connection: Fixture.connection) == .proceed)
        #expect(head == Fixture.head)
    }

    @Test func emptyRulesProceedAndSelectNothing() {
        let rules = RequestRules()
        var head = Fixture.head
        #expect(rules.apply(to: &head, connection: Fixture.connection) == .proceed)
        #expect(rules.selectBackend(for: head, connection: Fixture.connection) == nil)
        #expect(rules.selectBackend(connection: Fixture.connection) == nil)
    }
}
