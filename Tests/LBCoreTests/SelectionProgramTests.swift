import LBConfig
import Testing
@testable import LBCore

/// `SelectionProgram` (flat tables, fetches computed once per request, ACLs evaluated once) must choose
/// exactly the backend the direct evaluation of each rule's `CompiledCondition` chooses. Checked on
/// generated configurations that mix every kind of test the program runs itself (string methods with and
/// without `-i`, `found`, regexes, `src` networks) with tests it hands back to `ACLTest` (integers,
/// lengths, converters, predefined ACLs), over requests built to hit the edge cases.
struct SelectionProgramTests {
    /// ACL criteria, each declared under a name `aN` (some names twice, which ORs them).
    static let criteria = [
        "path_beg /api/ /static/",
        "path_beg -i /API/",
        "path_end .png .JPG",
        "path_end -i .jpg",
        "path_sub cat",
        "path_sub -i CAT item/1",
        "path_sub log",
        "path_sub 45 n/",
        "path_dir -i Admin",
        "path_dir item",
        "path_reg ^/v[0-9]+/item",
        "path_reg -i ^/SHOP/",
        "path_reg item/[0-9]+$",
        "path /",
        "path -m found",
        "path_len 1:10",
        "url_beg http://",
        "url_sub ?id=",
        "url_reg ^[^/:]*://",
        "query -m sub lang=",
        "query -m found",
        "url_param(ref) home campaign",
        "url_param(id) -m beg 12",
        "url_param(tenant) -m found",
        "urlp_val(id) gt 100",
        "hdr(host) -i www.example.com api.example.com",
        "hdr(host) example.com",
        "hdr_dom(host) -i example",
        "hdr_beg(host) -i API.",
        "hdr_end(host) .org",
        "hdr_sub(user-agent) -i firefox bot",
        "hdr_sub(user-agent) Gecko",
        "hdr_sub(user-agent) -i linux x11 t",
        "hdr_sub(user-agent) -i 120.0",
        "hdr_reg(user-agent) -i ^mozilla",
        "hdr(accept) text/html",
        "hdr(accept) -i TEXT/HTML",
        "hdr(x-tenant) -m found",
        "hdr_cnt(accept) gt 2",
        "hdr_len(host) 15",
        "hdr(host),lower -m str www.example.com",
        "req.hdr(x-forwarded-for) -m beg 10.",
        "method GET HEAD",
        "method -i post",
        "method -m str DELETE",
        "src 10.0.0.0/8 ::1",
        "src 127.0.0.1",
        "src_port gt 40000",
        "req.ver 1.1",
    ]

    static let requests: [(HTTPRequestHead, ConnectionInfo)] = {
        let connections = [
            ConnectionInfo(source: IPAddress("127.0.0.1"), sourcePort: 50000, destination: IPAddress("127.0.0.1"), destinationPort: 80),
            ConnectionInfo(source: IPAddress("10.2.3.4"), sourcePort: 1234, destination: IPAddress("10.0.0.1"), destinationPort: 80),
            ConnectionInfo(source: IPAddress("::1"), sourcePort: 40001, destination: IPAddress("::1"), destinationPort: 443, isTLS: true),
        ]
        let heads = [
            Fixture.request("GET", "/shop/catalog/item/12345?id=12345&ref=home&lang=en", [
                ("Host", "www.example.com"),
                ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"),
                ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ]),
            Fixture.request("POST", "/API/v1/Items?tenant", [("Host", "API.Example.COM"), ("Accept", " TEXT/HTML , */*")]),
            Fixture.request("get", "http://static.example.org/v2/item/77.JPG?id=5&id=200", [("host", "static.example.org"), ("X-Tenant", "")]),
            Fixture.request("DELETE", "/admin/", [("X-Forwarded-For", "10.1.1.1, 192.168.0.1"), ("Accept", "a"), ("Accept", "b,c")]),
            Fixture.request("HEAD", "/", version: .http1_0, []),
            Fixture.request("OPTIONS", "*", [("Host", "")]),
            Fixture.request("GET", "/static/img/cat.png?ref=campaign&lang=fr", [("Host", "www.example.com:8080"), ("User-Agent", "curl/8.0 bot")]),
            Fixture.request("PUT", "https://api.example.com?ref=home", [("Host", "api.example.com")]),
        ]
        return heads.flatMap { head in connections.map { (head, $0) } }
    }()

    /// The backend the rules choose when each condition is evaluated on its own (no program).
    static func directSelection(_ rules: RequestRules, _ head: HTTPRequestHead?, _ connection: ConnectionInfo) -> Int? {
        let context = SampleContext(head: head, connection: connection, serverCounts: nil)
        for rule in rules.backendRules {
            if let condition = rule.condition, !condition.matches(context) { continue }
            if case .index(let index) = rule.target { return index }
        }
        if case .index(let index)? = rules.defaultBackend { return index }
        return nil
    }

    /// A small deterministic generator (the same configurations on every run).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func configuration(_ generator: inout Generator) -> String {
        var lines = ["frontend fe", "    mode http", "    bind 127.0.0.1:8080"]
        let declared = 12
        for index in 0..<declared {
            lines.append("    acl a\(index) \(criteria[generator.next(criteria.count)])")
            if generator.next(4) == 0 { lines.append("    acl a\(index) \(criteria[generator.next(criteria.count)])") }
        }
        let predefined = ["METH_GET", "HTTP_1.1", "LOCALHOST", "HTTP_URL_ABS", "TRUE", "FALSE"]
        for rule in 0..<(1 + generator.next(6)) {
            var groups: [String] = []
            for _ in 0..<(1 + generator.next(3)) {
                var terms: [String] = []
                for _ in 0..<(1 + generator.next(3)) {
                    let negation = generator.next(3) == 0 ? "!" : ""
                    switch generator.next(8) {
                    case 0: terms.append(negation + "{ \(criteria[generator.next(criteria.count)]) }")
                    case 1: terms.append(negation + predefined[generator.next(predefined.count)])
                    default: terms.append(negation + "a\(generator.next(declared))")
                    }
                }
                groups.append(terms.joined(separator: " "))
            }
            let polarity = generator.next(5) == 0 ? "unless" : "if"
            lines.append("    use_backend be\(rule) \(polarity) \(groups.joined(separator: generator.next(2) == 0 ? " or " : " || "))")
        }
        lines.append("    default_backend be_default")
        for rule in 0..<6 { lines += ["backend be\(rule)", "    mode http", "    server s 127.0.0.1:9"] }
        lines += ["backend be_default", "    mode http", "    server s 127.0.0.1:9"]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func programChoosesWhatDirectEvaluationChooses() throws {
        var generator = Generator(state: 42)
        var decisions = 0, ruleChosen = 0
        for _ in 0..<300 {
            let text = Self.configuration(&generator)
            let loaded = ConfigurationLoader.parse(text, name: "generated.cfg")
            let configuration = try #require(loaded.configuration, "\(loaded.diagnostics)\n\(text)")
            let compiled = ProxyPlan.compile(configuration)
            let plan = try #require(compiled.plan, "\(compiled.diagnostics)\n\(text)")
            let rules = plan.frontends[0].rules
            for (head, connection) in Self.requests {
                let expected = Self.directSelection(rules, head, connection)
                let chosen = rules.selectBackend(for: head, connection: connection)
                #expect(chosen == expected, "\(head.method) \(head.uri)\n\(text)")
                decisions += 1
                if chosen != plan.backends.firstIndex(where: { $0.name == "be_default" }) { ruleChosen += 1 }
            }
            let tcpExpected = Self.directSelection(rules, nil, Self.requests[0].1)
            #expect(rules.selectBackend(connection: Self.requests[0].1) == tcpExpected, "TCP\n\(text)")
        }
        // The generated rules must exercise both outcomes, or the comparison proves little.
        #expect(ruleChosen > decisions / 10 && ruleChosen < decisions * 9 / 10, "\(ruleChosen) of \(decisions)")
    }

    /// A regex's literal prefix after `^` is checked on bytes before the engine runs; it must never refuse
    /// a text the regex matches.
    @Test(arguments: [
        ("^/v[0-9]+/item", "/v"), ("^/api/v1", "/api/v1"), ("^abc*d", "ab"), ("^abc?", "ab"), ("^ab{2}", "a"),
        ("^a|b", ""), ("/api", ""), ("^(api)", ""), ("^\\d+", ""), ("^/x.y", "/x"), ("^", ""),
    ])
    func regexLiteralPrefix(pattern: String, prefix: String) {
        #expect(CompiledRegex.literalPrefix(of: pattern) == Array(prefix.utf8))
    }

    @Test func regexPrefixNeverRefusesAMatch() throws {
        let cases: [(String, Bool, String, Bool?)] = [
            ("^/v[0-9]+/item", false, "/v12/item/3", true),
            ("^/v[0-9]+/item", false, "/x/v12/item", false),
            ("^/SHOP/", true, "/shop/a", true),
            ("^abc?d", false, "abd", true),
            // LONG S and KELVIN SIGN fold to ASCII letters under Unicode case folding: whatever the engine
            // decides, the prefix check must not decide otherwise.
            ("^/Skip", true, "/\u{017F}kip", nil),
            ("^/k", true, "/\u{212A}", nil),
        ]
        for (pattern, ignoreCase, text, expected) in cases {
            let regex = try CompiledRegex(pattern, ignoreCase: ignoreCase)
            let engine = text.contains(regex.regex)
            #expect(regex.matches(text[...]) == engine, "\(pattern) on \(text)")
            if let expected { #expect(engine == expected, "\(pattern) on \(text)") }
        }
    }
}
