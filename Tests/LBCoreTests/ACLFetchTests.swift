import LBConfig
import Testing
@testable import LBCore

struct ACLFetchTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var fetch: String
        var flags: [String]
        var patterns: [String]
        var expected: Bool
        init(_ fetch: String, _ flags: [String] = [], _ patterns: [String] = [], _ expected: Bool) {
            self.fetch = fetch
            self.flags = flags
            self.patterns = patterns
            self.expected = expected
        }
        var testDescription: String { "\(fetch) \(flags.joined(separator: " ")) \(patterns.joined(separator: " ")) → \(expected)" }
    }

    static let httpRows: [Row] = [
        // path and its suffixed forms
        Row("path", [], ["/static/img/Logo.PNG"], true),
        Row("path", [], ["/static/img/logo.png"], false),
        Row("path", ["-i"], ["/STATIC/img/logo.png"], true),
        Row("path_beg", [], ["/static"], true),
        Row("path_beg", [], ["/img"], false),
        Row("path_beg", ["-i"], ["/STATIC"], true),
        Row("path_end", [], [".PNG"], true),
        Row("path_end", [], [".png"], false),
        Row("path_end", ["-i"], [".png", ".gif"], true),
        Row("path_sub", [], ["img/"], true),
        Row("path_sub", [], ["LOGO"], false),
        Row("path_sub", ["-i"], ["LOGO"], true),
        Row("path_reg", [], ["^/static/.*\\.PNG$"], true),
        Row("path_reg", [], ["\\.png$"], false),
        Row("path_reg", ["-i"], ["\\.png$"], true),
        Row("path_dir", [], ["img"], true),
        Row("path_dir", [], ["static/img"], true),
        Row("path_dir", [], ["im"], false),
        Row("path_dir", ["-i"], ["IMG"], true),
        Row("path_len", [], ["20"], true),
        Row("path_len", [], ["gt", "10"], true),
        Row("path_len", [], ["5:10"], false),
        Row("path", ["-m", "beg"], ["/static/"], true),
        Row("path", ["-m", "len"], ["20:"], true),
        Row("path", ["-m", "found"], [], true),
        // url
        Row("url", [], [Fixture.uri], true),
        Row("url", ["-i"], [Fixture.uri.uppercased()], true),
        Row("url_beg", [], ["/static/img"], true),
        Row("url_end", [], ["lang=en"], true),
        Row("url_end", ["-i"], ["LANG=EN"], true),
        Row("url_sub", [], ["id=42"], true),
        Row("url_sub", [], ["id=43"], false),
        Row("url_reg", [], ["lang=(en|fr)$"], true),
        Row("url_dir", [], ["static"], true),
        Row("url_dom", [], ["Logo"], true),
        Row("url_dom", ["-i"], ["logo"], true),
        Row("url_dom", [], ["Log"], false),
        Row("url_len", [], ["\(Fixture.uri.utf8.count)"], true),
        // query, base, url_param
        Row("query", [], ["id=42&lang=en"], true),
        Row("query", ["-m", "sub"], ["lang"], true),
        Row("query", ["-m", "beg"], ["lang"], false),
        Row("base", [], ["www.Example.com:8080/static/img/Logo.PNG"], true),
        Row("base", ["-i", "-m", "beg"], ["www.example.com"], true),
        Row("base_beg", [], ["www.Example.com:8080/static"], true),
        Row("url_param(id)", [], ["42"], true),
        Row("url_param(id)", ["-m", "int"], ["gt", "40"], true),
        Row("url_param(id)", ["-m", "int"], ["lt", "40"], false),
        Row("urlp(lang)", [], ["en"], true),
        Row("urlp(lang)", ["-i"], ["EN"], true),
        Row("url_param(missing)", ["-m", "found"], [], false),
        Row("url_param(id)", ["-m", "found"], [], true),
        Row("urlp_val(id)", [], ["42"], true),
        // headers
        Row("hdr(host)", [], ["www.Example.com:8080"], true),
        Row("hdr(host)", [], ["www.example.com:8080"], false),
        Row("hdr(host)", ["-i"], ["WWW.EXAMPLE.COM:8080"], true),
        Row("req.hdr(Host)", ["-i"], ["www.example.com:8080"], true),
        Row("hdr_beg(host)", [], ["www."], true),
        Row("hdr_end(host)", [], [":8080"], true),
        Row("hdr_sub(host)", [], ["example"], false),
        Row("hdr_sub(host)", ["-i"], ["example"], true),
        Row("hdr_reg(host)", [], ["^www\\.[A-Z]"], true),
        Row("hdr_reg(host)", ["-i"], ["^WWW\\.example"], true),
        Row("hdr_dom(host)", ["-i"], ["example"], true),
        Row("hdr_dom(host)", [], ["Example.com"], true),
        Row("hdr_dom(host)", [], ["exam"], false),
        Row("hdr_dir(user-agent)", [], ["curl"], true),
        Row("hdr_dir(user-agent)", ["-i"], ["CURL"], true),
        Row("hdr_len(host)", [], ["20"], true),
        Row("hdr_len(host)", [], ["le", "19"], false),
        Row("hdr_cnt(x-forwarded-for)", [], ["3"], true),
        Row("req.hdr_cnt(x-forwarded-for)", [], ["eq", "3"], true),
        Row("req.fhdr_cnt(x-forwarded-for)", [], ["2"], true),
        Row("hdr_cnt(x-missing)", [], ["0"], true),
        Row("hdr_val(content-length)", [], ["gt", "10"], true),
        Row("hdr_val(content-length)", [], ["ge", "13"], false),
        Row("hdr(x-forwarded-for)", [], ["10.0.0.2"], true),
        Row("hdr(x-forwarded-for,1)", [], ["10.0.0.2"], false),
        Row("hdr(x-forwarded-for,2)", [], ["10.0.0.2"], true),
        Row("hdr(x-forwarded-for,-1)", [], ["10.0.0.3"], true),
        Row("hdr(x-forwarded-for)", ["-m", "ip"], ["10.0.0.0/8"], true),
        Row("hdr(x-forwarded-for)", ["-m", "ip"], ["172.16.0.0/12"], false),
        Row("hdr_ip(x-forwarded-for)", [], ["10.0.0.3"], true),
        Row("hdr(accept)", [], ["text/html"], true),
        Row("req.fhdr(accept)", [], ["text/html"], false),
        Row("req.fhdr(accept)", [], ["text/html, application/json"], true),
        Row("hdr(x-missing)", ["-m", "found"], [], false),
        Row("hdr(host)", ["-m", "found"], [], true),
        Row("hdr(host),lower", [], ["www.example.com:8080"], true),
        Row("hdr(host),lower", ["-m", "beg"], ["www.ex"], true),
        Row("hdr(host),field(1,:)", ["-i"], ["www.example.com"], true),
        Row("hdr(host)", ["-m", "len"], ["20"], true),
        Row("hdr(host)", ["-m", "dom"], ["com"], true),
        Row("hdr(host)", ["-i", "-m", "sub", "--"], ["EXAMPLE"], true),
        // cookies
        Row("req.cook(session)", [], ["abc123"], true),
        Row("req.cook(session)", [], ["ABC123"], false),
        Row("req.cook(theme)", ["-i"], ["DARK"], true),
        Row("cook(theme)", [], ["dark"], true),
        Row("req.cook(none)", ["-m", "found"], [], false),
        Row("req.cook_cnt(session)", [], ["1"], true),
        // method and version
        Row("method", [], ["GET", "HEAD"], true),
        Row("method", [], ["get"], true),
        Row("method", [], ["POST"], false),
        Row("req.ver", [], ["1.1"], true),
        Row("req.ver", [], ["1.0"], false),
        // layer 4
        Row("src", [], ["192.168.1.0/24"], true),
        Row("src", [], ["192.168.1.10"], true),
        Row("src", [], ["192.168.1.0/255.255.255.0"], true),
        Row("src", [], ["10.0.0.0/8"], false),
        Row("src", [], ["::ffff:192.168.1.10"], true),
        Row("src_port", [], ["51234"], true),
        Row("src_port", [], ["ge", "50000"], true),
        Row("src_port", [], ["1:1024"], false),
        Row("src_port", [], [":60000"], true),
        Row("dst", [], ["10.1.1.1"], true),
        Row("dst", ["-m", "found"], [], true),
        Row("dst_port", [], ["443"], true),
        Row("dst_port", [], ["80", "8080"], false),
        Row("ssl_fc", [], [], true),
        Row("ssl_fc", ["-m", "bool"], [], true),
        Row("src", ["-m", "str"], ["192.168.1.10"], true),
        Row("always_true", [], [], true),
        Row("always_false", [], [], false),
    ]

    @Test(arguments: httpRows)
    func fetchAndMatch(_ row: Row) {
        #expect(Fixture.acl(row.fetch, row.flags, row.patterns) == (row.expected ? .pass : .fail))
    }

    static let v6Rows: [Row] = [
        Row("src", [], ["2001:db8::/32"], true),
        Row("src", [], ["2001:db8::5"], true),
        Row("src", [], ["2001:db9::/32"], false),
        Row("src", [], ["10.0.0.0/8"], false),
        Row("dst", [], ["::1"], true),
        Row("ssl_fc", [], [], false),
    ]

    @Test(arguments: v6Rows)
    func ipv6Sources(_ row: Row) {
        #expect(Fixture.acl(row.fetch, row.flags, row.patterns, connection: Fixture.v6Connection) == (row.expected ? .pass : .fail))
    }

    @Test func mappedIPv4SourceMatchesIPv4Network() {
        let connection = Fixture.connection(source: "::ffff:10.2.3.4")
        #expect(Fixture.acl("src", [], ["10.0.0.0/8"], connection: connection) == .pass)
    }

    @Test func absoluteFormPathSkipsSchemeAndAuthority() {
        let head = Fixture.request("GET", "http://example.com:8080/a/b?x=1")
        #expect(Fixture.acl("path", [], ["/a/b"], head: head) == .pass)
        #expect(Fixture.acl("query", [], ["x=1"], head: head) == .pass)
        #expect(Fixture.acl("url_beg", [], ["http://"], head: head) == .pass)
        let bare = Fixture.request("GET", "http://example.com")
        #expect(Fixture.acl("path", ["-m", "found"], [], head: bare) == .fail)
        let star = Fixture.request("OPTIONS", "*")
        #expect(Fixture.acl("path", ["-m", "found"], [], head: star) == .fail)
    }

    @Test func httpFetchesAreUnknownOnTCP() {
        #expect(Fixture.acl("path_beg", [], ["/"], head: nil) == .miss)
        #expect(Fixture.acl("hdr(host)", ["-m", "found"], [], head: nil) == .miss)
        #expect(Fixture.acl("src", [], ["192.168.0.0/16"], head: nil) == .pass)
        #expect(Fixture.acl("dst_port", [], ["443"], head: nil) == .pass)
    }

    @Test func unimplementedFetchWarnsAndNeverMatches() {
        var environment = CompileEnvironment()
        let test = ACLCompiler.compile(ACLCriterion(fetch: "req.ssl_ver", patterns: ["example.com"], location: Fixture.location(7)),
                                       environment: &environment)
        #expect(test != nil)
        #expect(environment.diagnostics.count == 1)
        #expect(environment.diagnostics.first?.severity == .warning)
        #expect(environment.diagnostics.first?.location.line == 7)
        #expect(environment.diagnostics.first?.message.contains("req.ssl_ver") == true)
        #expect(test?.evaluate(SampleContext(head: Fixture.head, connection: Fixture.connection)) == .fail)
    }

    struct BadRow: Sendable, CustomTestStringConvertible {
        var fetch: String
        var flags: [String]
        var patterns: [String]
        var message: String
        var testDescription: String { "\(fetch) \(flags) \(patterns)" }
    }

    static let badRows: [BadRow] = [
        BadRow(fetch: "no_such_fetch", flags: [], patterns: ["x"], message: "unknown fetch"),
        BadRow(fetch: "path_reg", flags: [], patterns: ["(unclosed"], message: "invalid regular expression"),
        BadRow(fetch: "src_port", flags: [], patterns: ["abc"], message: "not an integer"),
        BadRow(fetch: "src", flags: [], patterns: ["not-an-ip"], message: "not an IP"),
        BadRow(fetch: "path", flags: ["-m", "bin"], patterns: ["x"], message: "unsupported match method"),
        BadRow(fetch: "path", flags: ["-x"], patterns: ["x"], message: "unknown ACL flag"),
        BadRow(fetch: "path_beg", flags: ["-m", "str"], patterns: ["x"], message: "cannot take '-m'"),
        BadRow(fetch: "path", flags: ["-f", "/nonexistent/lb/patterns.lst"], patterns: [], message: "cannot read"),
        BadRow(fetch: "hdr", flags: [], patterns: ["x"], message: "needs a name"),
        BadRow(fetch: "path,nope", flags: [], patterns: ["x"], message: "converter"),
        BadRow(fetch: "nbsrv(nowhere)", flags: [], patterns: ["1"], message: "no backend"),
        BadRow(fetch: "path", flags: [], patterns: ["ge", "1"], message: "operator"),
    ]

    @Test(arguments: badRows)
    func invalidCriteriaReportErrorsAtTheirLine(_ row: BadRow) {
        var environment = CompileEnvironment()
        let test = ACLCompiler.compile(ACLCriterion(fetch: row.fetch, flags: row.flags, patterns: row.patterns, location: Fixture.location(12)),
                                       environment: &environment)
        #expect(test == nil)
        let error = environment.diagnostics.first { $0.severity == .error }
        #expect(error?.location.line == 12)
        #expect(error?.message.contains(row.message) == true, "\(String(describing: error?.message))")
    }
}
