import Testing
@testable import LBConfig

/// Words past what a keyword takes are errors at their file:line, as HAProxy's "cannot handle unexpected
/// argument"; keywords with free-form arguments keep accepting them.
@Suite struct ArityTests {
    /// `line` as line 7 of a configuration, in a section of kind `section` opened on line 6.
    func parseLine(_ line: String, in section: String) -> ConfigurationLoader.Result {
        let header: String
        switch section {
        case "global": header = "global"
        case "defaults": header = "defaults base"
        case "userlist": header = "userlist u"
        default: header = "\(section) p"
        }
        let rest: String
        switch section {
        case "frontend": rest = "\n    bind :80\n    default_backend be\nbackend be\n    server s 127.0.0.1:80"
        case "listen": rest = "\n    bind :80\n    server s 127.0.0.1:80"
        case "backend": rest = "\n    server s 127.0.0.1:80"
        case "userlist": rest = "\n    group ops"
        default: rest = ""
        }
        return parse(quietDefaults + header + "\n    " + line + rest)
    }

    @Test(arguments: [
        ("frontend", "maxconn 4000 extra", "unexpected argument 'extra': 'maxconn' takes exactly 1 argument"),
        ("defaults", "maxconn 4000 extra", "unexpected argument 'extra': 'maxconn' takes exactly 1 argument"),
        ("backend", "maxconn 4000 extra", "unexpected argument 'extra': 'maxconn' takes exactly 1 argument"),
        ("backend", "retries 3 x", "unexpected argument 'x': 'retries' takes exactly 1 argument"),
        ("listen", "mode http x", "unexpected argument 'x': 'mode' takes exactly 1 argument"),
        ("frontend", "default_backend be x", "unexpected argument 'x': 'default_backend' takes exactly 1 argument"),
        ("frontend", "timeout client 5s 10s", "unexpected argument '10s': 'timeout client' takes exactly 1 argument"),
        ("backend", "timeout tarpit 5s x", "unexpected argument 'x': 'timeout tarpit' takes exactly 1 argument"),
        ("frontend", "log-tag web x", "unexpected argument 'x': 'log-tag' takes exactly 1 argument"),
        ("listen", "stats enable now", "unexpected argument 'now': 'stats enable' takes no argument"),
        ("listen", "stats uri /stats /other", "unexpected argument '/other': 'stats uri' takes exactly 1 argument"),
        ("listen", "stats auth a:b c:d", "unexpected argument 'c:d': 'stats auth' takes exactly 1 argument"),
        ("listen", "stats refresh 5s x", "unexpected argument 'x': 'stats refresh' takes exactly 1 argument"),
        ("listen", "stats show-node n x", "unexpected argument 'x': 'stats show-node' takes at most 1 argument"),
        ("backend", "fullconn 100 x", "unexpected argument 'x': 'fullconn' takes exactly 1 argument"),
        ("frontend", "disabled now", "unexpected argument 'now': 'disabled' takes no argument"),
        ("backend", "errorfile 503 /e.http x", "unexpected argument 'x': 'errorfile' takes exactly 2 arguments"),
        ("backend", "option transparent x", "unexpected argument 'x': 'option transparent' takes no argument"),
        ("backend", "no option transparent x", "unexpected argument 'x' after 'no option transparent'"),
        ("backend", "http-check disable-on-404 x", "unexpected argument 'x': 'http-check disable-on-404' takes no argument"),
        ("global", "maxconn 4000 extra", "unexpected argument 'extra': 'maxconn' takes exactly 1 argument"),
        ("global", "daemon now", "unexpected argument 'now': 'daemon' takes no argument"),
        ("global", "nbthread 2 4", "unexpected argument '4': 'nbthread' takes exactly 1 argument"),
        ("global", "pidfile /run/lb.pid x", "unexpected argument 'x': 'pidfile' takes exactly 1 argument"),
        ("global", "setenv A B C", "unexpected argument 'C': 'setenv' takes exactly 2 arguments"),
        ("global", "stats timeout 5s x", "unexpected argument 'x': 'stats timeout' takes exactly 1 argument"),
        ("global", "tune.bufsize 16384 x", "unexpected argument 'x': 'tune.bufsize' takes exactly 1 argument"),
        ("global", "master-worker no-exit-on-failure x", "unexpected argument 'x': 'master-worker' takes at most 1 argument"),
        ("global", "quiet x", "unexpected argument 'x': 'quiet' takes no argument"),
        ("global", "spread-checks 5 x", "unexpected argument 'x': 'spread-checks' takes exactly 1 argument"),
    ])
    func extraArgumentIsAnError(section: String, line: String, message: String) {
        let result = parseLine(line, in: section)
        let diagnostic = result.find(.error, line: 7, message)
        #expect(diagnostic != nil, "\(result.diagnostics)")
        #expect(diagnostic.map { "\($0)" }?.hasPrefix("test.cfg:7: error: ") == true)
        #expect(result.configuration == nil)
        // Without its last word the line is valid: the error is about that word alone.
        let valid = parseLine(line.split(separator: " ").dropLast().joined(separator: " "), in: section)
        #expect(valid.errors.isEmpty, "\(valid.diagnostics)")
    }

    @Test func errorPointsAtTheExtraWord() throws {
        let result = parseLine("maxconn 4000 extra", in: "frontend")
        let diagnostic = try #require(result.find(.error, line: 7, "unexpected argument 'extra'"))
        #expect(diagnostic.location.column == 18)
    }

    @Test(arguments: [
        ("frontend", "maxconn 4000"),
        ("frontend", "timeout client 5s"),
        ("frontend", "log 127.0.0.1:514 local0 info notice"),
        ("frontend", "bind :81 name web accept-proxy"),
        ("frontend", "http-request set-header X-A b if { path_beg /a }"),
        ("frontend", "acl api path_beg /api /v1 /v2"),
        ("frontend", "option forwardfor except 127.0.0.0/8 header X-Client if-none"),
        ("frontend", "capture request header Host len 64"),
        ("backend", "server t 127.0.0.1:81 check inter 2s rise 2 fall 3 weight 10"),
        ("backend", "balance url_param id check_post 64"),
        ("backend", "hash-type consistent sdbm avalanche"),
        ("backend", "cookie SRV insert indirect nocache"),
        ("backend", "option httpchk GET /health HTTP/1.1"),
        ("backend", "option smtpchk EHLO example.com"),
        ("backend", "http-check expect status 200-399"),
        ("backend", "server-state-file-name"),
        ("backend", "errorfile 503 /e.http"),
        ("backend", "description the payment backend"),
        ("listen", "stats show-node"),
        ("listen", "stats admin if LOCALHOST"),
        ("listen", "stats enable"),
        ("global", "master-worker no-exit-on-failure"),
        ("global", "log 127.0.0.1:514 local0 info"),
        ("global", "stats socket /run/lb.sock mode 600 level admin"),
        ("global", "setenv A B"),
        ("global", "unsetenv A B C"),
        ("global", "cpu-map 1/1-4 0-3"),
        ("userlist", "user admin insecure-password secret groups ops"),
    ])
    func variableArgumentsStayAccepted(section: String, line: String) {
        let result = parseLine(line, in: section)
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
    }
}
