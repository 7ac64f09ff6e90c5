import Testing
@testable import LBConfig

@Suite struct ConditionTests {
    /// Parses `use_backend be CONDITION` in a frontend that declares acls a, b and c.
    func condition(_ text: String) -> (Condition?, ConfigurationLoader.Result) {
        let result = parse(quietDefaults + config(
            "frontend fe",
            "    bind :80",
            "    acl a path /a",
            "    acl b path /b",
            "    acl c path /c",
            "    use_backend be \(text)",
            "backend be",
            "    server s 127.0.0.1:1"
        ))
        return (result.configuration?.proxy(named: "fe")?.useBackendRules.first?.condition, result)
    }

    static let a = Condition.Term(negated: false, acl: .named("a"))
    static let b = Condition.Term(negated: false, acl: .named("b"))
    static let c = Condition.Term(negated: false, acl: .named("c"))
    static let notA = Condition.Term(negated: true, acl: .named("a"))
    static let notB = Condition.Term(negated: true, acl: .named("b"))

    @Test(arguments: [
        ("if a", Condition.Polarity.if, [[a]]),
        ("unless a", .unless, [[a]]),
        ("if a b", .if, [[a, b]]),
        ("if a or b", .if, [[a], [b]]),
        ("if a || b c", .if, [[a], [b, c]]),
        ("if ! a", .if, [[notA]]),
        ("if !a b", .if, [[notA, b]]),
        ("if a or !b or c", .if, [[a], [notB], [c]]),
        ("if TRUE", .if, [[Condition.Term(negated: false, acl: .named("TRUE"))]]),
        ("if METH_GET HTTP_1.1", .if, [[Condition.Term(negated: false, acl: .named("METH_GET")),
                                       Condition.Term(negated: false, acl: .named("HTTP_1.1"))]]),
    ])
    func namedTerms(text: String, polarity: Condition.Polarity, groups: [[Condition.Term]]) throws {
        let (parsed, result) = condition(text)
        let value = try #require(parsed, "\(result.diagnostics)")
        #expect(value.polarity == polarity)
        #expect(value.groups == groups)
        #expect(value.location.line == 11)
    }

    @Test func anonymousACLs() throws {
        let (parsed, result) = condition("if { path_beg -i -m beg /api /v2 } ! { hdr(host),lower -m str -- -dash } or a")
        let value = try #require(parsed, "\(result.diagnostics)")
        #expect(value.groups.count == 2)
        let first = value.groups[0]
        #expect(first.count == 2)
        guard case .anonymous(let api) = first[0].acl, case .anonymous(let host) = first[1].acl else {
            Issue.record("expected anonymous ACLs")
            return
        }
        #expect(!first[0].negated && first[1].negated)
        #expect(api.fetch == "path_beg" && api.flags == ["-i", "-m", "beg"] && api.patterns == ["/api", "/v2"])
        #expect(host.fetch == "hdr(host),lower" && host.flags == ["-m", "str"] && host.patterns == ["-dash"])
        #expect(value.groups[1] == [Self.a])
    }

    @Test func negatedAnonymousACLWithoutASpace() throws {
        let (parsed, result) = condition("if a !{ path_beg /api } or !{ method POST }")
        let value = try #require(parsed, "\(result.diagnostics)")
        #expect(value.groups.count == 2)
        #expect(value.groups[0].map(\.negated) == [false, true])
        #expect(value.groups[1].map(\.negated) == [true])
        guard case .anonymous(let api) = value.groups[0][1].acl else {
            Issue.record("expected an anonymous ACL")
            return
        }
        #expect(api.fetch == "path_beg" && api.patterns == ["/api"])
        #expect(condition("if ! !{ path /x }").0 == nil)
    }

    @Test func aclDeclarationParsing() throws {
        let result = parse(quietDefaults + config(
            "frontend fe",
            "    bind :80",
            "    acl big req.hdr_val(content-length) gt 1000",
            "    acl list src -f /etc/lb/allow.lst -n",
            "    acl is_static path_end -i .css .js",
            "    acl is_static path_beg /static",
            "    acl found_it req.hdr(x-id) -m found",
            "    http-request deny unless list or found_it",
            "    use_backend be if big is_static",
            "backend be",
            "    server s 127.0.0.1:1"
        ))
        let acls = try #require(result.configuration?.proxy(named: "fe")?.acls, "\(result.diagnostics)")
        #expect(acls.map(\.name) == ["big", "list", "is_static", "is_static", "found_it"])
        #expect(acls[0].criterion.fetch == "req.hdr_val(content-length)" && acls[0].criterion.patterns == ["gt", "1000"])
        #expect(acls[1].criterion.flags == ["-f", "/etc/lb/allow.lst", "-n"] && acls[1].criterion.patterns.isEmpty)
        #expect(acls[4].criterion.flags == ["-m", "found"])
        #expect(acls[0].criterion.location.line == 8)
    }

    @Test func aclDeclaredAfterUseIsFine() {
        let result = parse(quietDefaults + config(
            "frontend fe",
            "    bind :80",
            "    use_backend be if later",
            "    acl later path /x",
            "    default_backend be",
            "backend be",
            "    server s 127.0.0.1:1"
        ))
        #expect(result.errors.isEmpty, "\(result.errors)")
    }

    @Test(arguments: [
        ("if nope", "unknown ACL 'nope'"),
        ("if a or nope", "unknown ACL 'nope'"),
        ("if !nope", "unknown ACL 'nope'"),
        ("if", "'if' expects a condition"),
        ("if a or", "a condition cannot end with 'or'"),
        ("if or a", "'or' must stand between two terms"),
        ("if a !", "'!' at the end of a condition negates nothing"),
        ("if ! ! a", "'!' cannot follow another '!'"),
        ("if { path /x", "'{' without a matching '}'"),
        ("if a }", "'}' without a matching '{'"),
        ("if { }", "empty anonymous ACL"),
        ("if {path /x}", "braces of an anonymous ACL must be separate words"),
        ("if { path -x /a }", "unknown ACL flag '-x'"),
        ("if { path -m nope /a }", "unknown ACL match method 'nope'"),
        ("if { path -m }", "ACL flag '-m' expects an argument"),
    ])
    func conditionErrors(text: String, message: String) {
        let (_, result) = condition(text)
        #expect(result.find(.error, line: 11, message) != nil, "\(result.diagnostics)")
        #expect(result.configuration == nil)
    }

    @Test func unknownACLSuggestsNearName() throws {
        let (_, result) = condition("if aa")
        let diagnostic = try #require(result.find(.error, line: 11, "unknown ACL 'aa'"))
        #expect(diagnostic.hint == "did you mean 'a'?")
    }

    @Test func aclsAreNotSharedBetweenProxies() {
        let result = parse(quietDefaults + config(
            "frontend one",
            "    bind :1",
            "    acl mine path /x",
            "    default_backend be",
            "frontend two",
            "    bind :2",
            "    use_backend be if mine",
            "backend be",
            "    server s 127.0.0.1:1"
        ))
        #expect(result.find(.error, line: 12, "unknown ACL 'mine'") != nil, "\(result.diagnostics)")
    }

    @Test func statsAdminInDefaultsAcceptsOnlyPredefined() {
        let result = parse(config("defaults", "    stats admin if LOCALHOST", "    stats admin if custom"))
        #expect(result.find(.error, line: 3, "unknown ACL 'custom'") != nil)
        #expect(result.errors.count == 1)
    }
}
