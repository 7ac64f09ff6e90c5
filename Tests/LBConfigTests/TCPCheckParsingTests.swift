import Testing
@testable import LBConfig

@Suite struct TCPCheckParsingTests {
    /// Parses `lines` as the body of `backend b` (line 8 onwards, after quietDefaults, the header on line 6
    /// and a server on line 7).
    func backend(_ lines: String...) -> (HealthCheckSettings?, ConfigurationLoader.Result) {
        let result = parse(quietDefaults + "backend b\n    server s 127.0.0.1:6379 check\n" + lines.joined(separator: "\n"))
        return (result.configuration?.proxy(named: "b")?.healthCheck, result)
    }

    /// The diagnostics other than the backend being unused (it has no frontend here).
    func relevant(_ result: ConfigurationLoader.Result) -> [Diagnostic] {
        result.diagnostics.filter { !$0.message.contains("is not used by any frontend") }
    }

    @Test func ruleListInOrder() throws {
        let (check, result) = backend(
            "    option tcp-check",
            "    tcp-check comment PING\\ phase",
            "    tcp-check connect port 6380 ssl sni redis.example send-proxy linger comment first",
            "    tcp-check send PING\\r\\n",
            "    tcp-check send-binary 50494e470d0a comment binary\\ ping",
            "    tcp-check expect min-recv 5 ! string -ERR error-status L7STS tout-status L7TOUT",
            "    tcp-check expect rstring ^\\+PONG comment pong on-success ready")
        let settings = try #require(check, "\(result.diagnostics)")
        #expect(relevant(result).isEmpty, "\(result.diagnostics)")
        #expect(settings.protocolCheck == .tcpCheck)
        var connect = TCPCheckRule.Connect()
        connect.port = 6380
        connect.ssl = true
        connect.sni = "redis.example"
        connect.sendProxy = true
        connect.comment = "first"
        var refuse = TCPCheckRule.Expect(pattern: .string(Array("-ERR".utf8)))
        refuse.negated = true
        refuse.minimumReceived = 5
        refuse.errorStatus = "L7STS"
        refuse.timeoutStatus = "L7TOUT"
        var pong = TCPCheckRule.Expect(pattern: .regex("^\\+PONG"))
        pong.comment = "pong"
        pong.onSuccess = "ready"
        #expect(settings.tcpCheckRules == [
            .comment("PING phase"), .connect(connect), .send(data: Array("PING\r\n".utf8), comment: nil),
            .send(data: Array("PING\r\n".utf8), comment: "binary ping"), .expect(refuse), .expect(pong),
        ])
    }

    @Test func protocolOptions() throws {
        let rows: [(String, ProtocolCheck)] = [
            ("option redis-check", .redis),
            ("option mysql-check", .mysql(user: nil, post41: true)),
            ("option mysql-check user haproxy", .mysql(user: "haproxy", post41: true)),
            ("option mysql-check user haproxy pre-41", .mysql(user: "haproxy", post41: false)),
            ("option pgsql-check user check", .postgres(user: "check")),
            ("option smtpchk", .smtp(greeting: "HELO localhost")),
            ("option smtpchk EHLO mail.example", .smtp(greeting: "EHLO mail.example")),
            ("option smtpchk SEND mail.example", .smtp(greeting: "HELO localhost")),
            ("option ldap-check", .ldap),
            ("option ssl-hello-chk", .sslHello),
        ]
        for (line, expected) in rows {
            let (check, result) = backend("    " + line)
            #expect(check?.protocolCheck == expected, "\(line): \(result.diagnostics)")
            #expect(relevant(result).isEmpty, "\(line): \(result.diagnostics)")
        }
    }

    @Test func theLastCheckOptionWins() throws {
        let (check, _) = backend("    option redis-check", "    option httpchk GET /health")
        #expect(check?.protocolCheck == nil && check?.httpCheck == true)
        let (other, _) = backend("    option httpchk GET /health", "    option ldap-check")
        #expect(other?.protocolCheck == .ldap && other?.httpCheck == false)
    }

    @Test func errorsNameTheLine() {
        let cases: [(String, String)] = [
            ("    tcp-check send-binary 50494", "even number of hexadecimal digits"),
            ("    tcp-check expect string", "expects a value"),
            ("    tcp-check expect min-recv 4", "expects a matcher"),
            ("    tcp-check expect sstring x", "unknown 'tcp-check expect' option or matcher 'sstring'"),
            ("    tcp-check expect error-status L9 string x", "invalid error-status 'L9'"),
            ("    tcp-check expect rstring (", "invalid regular expression"),
            ("    tcp-check connect port 0", "tcp-check connect port"),
            ("    tcp-check conect", "unknown 'tcp-check' keyword 'conect'"),
            ("    option pgsql-check", "'option pgsql-check' expects 'user NAME'"),
            ("    option mysql-check user x post-42", "'post-41' or 'pre-41'"),
        ]
        for (line, message) in cases {
            let (_, result) = backend(line)
            #expect(result.find(.error, line: 8, message) != nil, "\(line): \(result.diagnostics)")
        }
    }

    @Test func connectMustComeFirstWhenThereIsOne() {
        let (_, result) = backend("    tcp-check send PING\\r\\n", "    tcp-check connect")
        #expect(result.find(.error, line: 9, "the first 'tcp-check' step must be a 'connect'") != nil, "\(result.diagnostics)")
    }

    @Test func unsupportedFormsWarn() {
        let (_, result) = backend("    tcp-check send-lf %[src]", "    tcp-check set-var(check.x) str(a)")
        #expect(result.find(.warning, line: 8, "'tcp-check send-lf' is parsed but not yet applied") != nil, "\(result.diagnostics)")
        #expect(result.find(.warning, line: 9, "is parsed but not yet applied") != nil, "\(result.diagnostics)")
    }

    @Test func aSectionsOwnRulesReplaceInheritedOnes() throws {
        let result = parse("""
        defaults
            mode tcp
            timeout client 5s
            timeout server 5s
            timeout connect 1s
            option tcp-check
            tcp-check send PING\\r\\n
            tcp-check expect string +PONG
        backend inherits
            server s 127.0.0.1:6379 check
        backend replaces
            tcp-check expect string +OK
            server s 127.0.0.1:6379 check
        """)
        let inherits = try #require(result.configuration?.proxy(named: "inherits")?.healthCheck, "\(result.diagnostics)")
        let replaces = try #require(result.configuration?.proxy(named: "replaces")?.healthCheck)
        #expect(inherits.protocolCheck == .tcpCheck && inherits.tcpCheckRules.count == 2)
        #expect(replaces.protocolCheck == .tcpCheck && replaces.tcpCheckRules == [expect(.string(Array("+OK".utf8)))])
    }

    func expect(_ pattern: TCPCheckRule.Expect.Pattern) -> TCPCheckRule { .expect(TCPCheckRule.Expect(pattern: pattern)) }

    @Test func httpCheckSendBody() throws {
        let (check, result) = backend("    option httpchk", "    http-check send meth POST uri /ping ver HTTP/1.1 hdr Host x body hello")
        let settings = try #require(check, "\(result.diagnostics)")
        #expect(settings.method == "POST" && settings.uri == "/ping" && settings.version == "HTTP/1.1")
        #expect(settings.headers == ["Host: x"] && settings.body == "hello")
    }
}
