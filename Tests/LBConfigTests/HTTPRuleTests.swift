import Testing
@testable import LBConfig

@Suite struct HTTPRuleTests {
    /// Parses one rule line as line 8 of an http listen section.
    func rule(_ line: String) -> (HTTPRule?, ConfigurationLoader.Result) {
        let result = parse(quietDefaults + "listen l\n    bind :80\n    \(line)\n")
        let proxy = result.configuration?.proxy(named: "l")
        return (proxy?.httpRequestRules.first ?? proxy?.httpResponseRules.first, result)
    }

    @Test(arguments: [
        ("http-request set-header X-A %[src]", HTTPRule.Action.setHeader(name: "X-A", value: "%[src]")),
        ("http-request add-header X-B \"a b\"", .addHeader(name: "X-B", value: "a b")),
        ("http-response del-header Server", .delHeader(name: "Server")),
        ("http-request replace-header Host (.*):80 \\1", .replaceHeader(name: "Host", regex: "(.*):80", replacement: "\\1")),
        ("http-request deny", .deny(status: 403)),
        ("http-request deny deny_status 429", .deny(status: 429)),
        ("http-response deny", .deny(status: 502)),
        ("http-request return", .return(status: 200, contentType: nil, body: nil)),
        ("http-request return status 404 content-type text/plain string \"not here\"",
         .return(status: 404, contentType: "text/plain", body: .string("not here"))),
        ("http-request return lf-string %[path]", .return(status: 200, contentType: nil, body: .logFormat("%[path]"))),
        ("http-request return status 503 file /etc/lb/down.txt", .return(status: 503, contentType: nil, body: .file("/etc/lb/down.txt"))),
        ("http-request return hdr x-a \"%[url]\" lf-file /etc/lb/f.txt hdr x-b 1",
         .return(status: 200, contentType: nil, body: .logFormatFile("/etc/lb/f.txt"),
                 headers: [.init(name: "x-a", value: "%[url]"), .init(name: "x-b", value: "1")])),
        ("http-request allow", .allow),
        ("http-request redirect scheme https", .redirect(kind: .scheme, target: "https", code: 302)),
        ("http-request redirect location /new code 301", .redirect(kind: .location, target: "/new", code: 301)),
        ("http-request redirect prefix https://x code 308", .redirect(kind: .prefix, target: "https://x", code: 308)),
        ("http-request auth", .auth(realm: nil)),
        ("http-request auth realm Private", .auth(realm: "Private")),
        ("http-request set-path /v2%[path]", .setPath("/v2%[path]")),
        ("http-request set-query a=1", .setQuery("a=1")),
        ("http-request set-uri /x", .setURI("/x")),
        ("http-request use-service prometheus-exporter", .useService("prometheus-exporter")),
        ("http-request set-var(txn.host) req.hdr(host)", .unsupported(keyword: "set-var(txn.host)", arguments: ["req.hdr(host)"])),
        ("http-request tarpit", .tarpit(status: 500)),
        ("http-request tarpit deny_status 429", .tarpit(status: 429)),
        ("http-response set-status 503", .unsupported(keyword: "set-status", arguments: ["503"])),
        ("http-request lua.hello x", .unsupported(keyword: "lua.hello", arguments: ["x"])),
    ])
    func actions(line: String, action: HTTPRule.Action) throws {
        let (parsed, result) = rule("mode http\n    " + line)
        #expect(parsed?.action == action, "\(result.diagnostics)")
        #expect(parsed?.condition == nil)
        if case .unsupported = action {
            #expect(result.find(.warning, line: 9, "is parsed but not yet applied by lb") != nil)
        }
    }

    @Test func ruleWithCondition() throws {
        let (parsed, result) = rule("http-request deny if { path_beg /admin } !LOCALHOST\n    mode http")
        let value = try #require(parsed, "\(result.diagnostics)")
        #expect(value.action == .deny(status: 403))
        #expect(value.condition?.groups.first?.count == 2)
        #expect(value.location.line == 8)
    }

    @Test(arguments: [
        ("http-request set-header X-A a b", "'http-request set-header' takes only a header name and a value"),
        ("http-request set-header X-A", "'http-request set-header' expects a header name and a value"),
        ("http-request frobnicate", "unknown http-request action 'frobnicate'"),
        ("http-request deny deny_status 99", "expects an HTTP status from 200 to 599"),
        ("http-request redirect location /x code 200", "'redirect code' expects 301, 302, 303, 307 or 308"),
        ("http-request redirect elsewhere /x", "'redirect' expects location, prefix or scheme"),
        ("http-request return status 700", "'return status' expects an HTTP status from 200 to 599"),
        ("http-request return string a file b", "'return' accepts only one body"),
        ("http-response auth", "'auth' is not allowed in http-response rules"),
        ("http-response use-service x", "'use-service' is not allowed in http-response rules"),
        ("http-request allow if nope", "unknown ACL 'nope'"),
        ("http-request", "'http-request' expects an action"),
    ])
    func ruleErrors(line: String, message: String) {
        let (_, result) = rule(line + "\n    mode http")
        #expect(result.find(.error, line: 8, message) != nil, "\(result.diagnostics)")
    }

    @Test func unknownActionSuggests() {
        let (_, result) = rule("http-request set-heder X a\n    mode http")
        #expect(result.find(.error, line: 8, "unknown http-request action")?.hint == "did you mean 'set-header'?")
    }
}
