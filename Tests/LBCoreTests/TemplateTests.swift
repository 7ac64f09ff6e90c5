import LBConfig
import Testing
@testable import LBCore

struct TemplateTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var template: String
        var expected: String
        init(_ template: String, _ expected: String) {
            self.template = template
            self.expected = expected
        }
        var testDescription: String { template }
    }

    static let rows: [Row] = [
        Row("plain text", "plain text"),
        Row("100%% sure", "100% sure"),
        Row("%[src]", "192.168.1.10"),
        Row("%[src_port]", "51234"),
        Row("%[dst]:%[dst_port]", "10.1.1.1:443"),
        Row("%[req.hdr(host)]", "www.Example.com:8080"),
        Row("%[hdr(host),lower]", "www.example.com:8080"),
        Row("%[hdr(host),upper]", "WWW.EXAMPLE.COM:8080"),
        Row("%[req.hdr(x-forwarded-for)]", "10.0.0.3"),
        Row("%[req.hdr(x-forwarded-for,1)]", "10.0.0.1"),
        Row("%[hdr(x-missing)]", ""),
        Row("%[path]", "/static/img/Logo.PNG"),
        Row("%[url]", Fixture.uri),
        Row("%[query]", "id=42&lang=en"),
        Row("%[method]", "GET"),
        Row("%[ssl_fc]", "1"),
        Row("%[base]", "www.Example.com:8080/static/img/Logo.PNG"),
        Row("%[req.cook(theme)]", "dark"),
        Row("%[url_param(lang)]", "en"),
        Row("%[hdr(host),field(1,:)]", "www.Example.com"),
        Row("%[hdr(host),field(2,:)]", "8080"),
        Row("%[hdr(host),field(-1,.)]", "com:8080"),
        Row("%[path,field(3,/)]", "img"),
        Row("%[path,word(2,/)]", "img"),
        Row("%[path,word(1,/,2)]", "static/img"),
        Row("%[hdr(host),lower,field(1,.)]", "www"),
        Row("%[req.cook(session),base64]", "YWJjMTIz"),
        Row("%[method,base64]", "R0VU"),
        Row("%[hdr(user-agent),length]", "8"),
        Row("b=%[req.cook(theme)];%%;%[src]", "b=dark;%;192.168.1.10"),
        Row("%ci:%cp %HM %HU", "192.168.1.10:51234 GET \(Fixture.uri)"),
        Row("%{+Q}[method]", "GET"),
        // Names and several modifiers are read as in logs, and ignored.
        Row("%(client)ci %{+Q}(m){-Q}HM", "192.168.1.10 GET"),
    ]

    @Test(arguments: rows)
    func expands(_ row: Row) throws {
        var environment = CompileEnvironment()
        let template = try #require(LogFormatTemplate.compile(row.template, at: Fixture.location(1), environment: &environment))
        #expect(environment.diagnostics.isEmpty)
        #expect(template.evaluate(in: SampleContext(head: Fixture.head, connection: Fixture.connection)) == row.expected)
    }

    static let bad: [(String, String)] = [
        ("%[nosuchfetch]", "unknown fetch"),
        ("%[path,nosuchconv]", "converter"),
        ("%[path", "missing ']'"),
        ("ends with %", "lone '%'"),
        ("%zz", "not available"),
        // Variable names run over letters and digits, as in HAProxy.
        ("%ci1", "'%ci1' is not available"),
        ("%(x)", "must be followed by a variable"),
        ("%[field(1)]", "unknown fetch"),
        ("%[path,field(0,/)]", "non-zero"),
    ]

    @Test(arguments: bad)
    func rejects(_ text: String, _ message: String) {
        var environment = CompileEnvironment()
        #expect(LogFormatTemplate.compile(text, at: Fixture.location(21), environment: &environment) == nil)
        #expect(environment.diagnostics.first?.severity == .error)
        #expect(environment.diagnostics.first?.location.line == 21)
        #expect(environment.diagnostics.first?.message.contains(message) == true, "\(environment.diagnostics)")
    }

    @Test func base64Padding() {
        #expect(Converter.base64(Array("".utf8)) == "")
        #expect(Converter.base64(Array("f".utf8)) == "Zg==")
        #expect(Converter.base64(Array("fo".utf8)) == "Zm8=")
        #expect(Converter.base64(Array("foo".utf8)) == "Zm9v")
        #expect(Converter.base64(Array("foobar".utf8)) == "Zm9vYmFy")
    }

    @Test func fieldAndWordDifferOnEmptyParts() {
        #expect(Converter.select("a,,b", index: 2, delimiters: Array(",".utf8), count: 1, skipEmpty: false) == "")
        #expect(Converter.select("a,,b", index: 2, delimiters: Array(",".utf8), count: 1, skipEmpty: true) == "b")
        #expect(Converter.select("a,b,c", index: 2, delimiters: Array(",".utf8), count: 0, skipEmpty: false) == "b,c")
        #expect(Converter.select("a,b,c", index: 4, delimiters: Array(",".utf8), count: 1, skipEmpty: false) == nil)
        #expect(Converter.select("a,b,c", index: -2, delimiters: Array(",".utf8), count: 2, skipEmpty: false) == "a,b")
    }

    @Test func httpSamplesAreEmptyOnTCP() throws {
        var environment = CompileEnvironment()
        let template = try #require(LogFormatTemplate.compile("%[src]|%[path]", at: Fixture.location(1), environment: &environment))
        #expect(template.evaluate(in: SampleContext(head: nil, connection: Fixture.connection)) == "192.168.1.10|")
    }
}
