import Testing
@testable import LBConfig

@Suite struct ProxyKeywordTests {
    /// Parses `lines` as the body of `listen l` (line 7 onwards, after quietDefaults and the header on line 6).
    func listen(_ lines: String...) -> (Proxy?, ConfigurationLoader.Result) {
        let result = parse(quietDefaults + "listen l\n    bind :80\n" + lines.joined(separator: "\n"))
        return (result.configuration?.proxy(named: "l"), result)
    }

    @Test func timeouts() throws {
        let (proxy, result) = listen(
            "    timeout http-request 5s", "    timeout http-keep-alive 1s", "    timeout queue 30s",
            "    timeout tunnel 1h", "    timeout check 2s", "    timeout client-fin 3s", "    timeout server-fin 4s")
        let timeouts = try #require(proxy?.timeouts, "\(result.diagnostics)")
        #expect(timeouts.httpRequest == 5000 && timeouts.httpKeepAlive == 1000 && timeouts.queue == 30_000)
        #expect(timeouts.tunnel == 3_600_000 && timeouts.check == 2000 && timeouts.clientFin == 3000 && timeouts.serverFin == 4000)
    }

    @Test func servers() throws {
        let (proxy, result) = listen(
            "    default-server inter 5s fall 4 maxconn 50",
            "    server a 10.0.0.1:80 weight 0 maxconn 10 maxqueue 20 check inter 1s fastinter 500ms downinter 10s rise 3 port 8081 addr 10.0.0.100 cookie A",
            "    server b [2001:db8::1]:443 backup disabled ssl verify none slowstart 10s",
            "    server c app.internal",
            "    server d 10.0.0.4:80 no-check enabled")
        let servers = try #require(proxy?.servers)
        #expect(servers.count == 4, "\(result.diagnostics)")
        let a = servers[0]
        #expect(a.weight == 0 && a.maxConnections == 10 && a.maxQueue == 20 && a.check)
        #expect(a.checkInterval == 1000 && a.fastInterval == 500 && a.downInterval == 10_000)
        #expect(a.rise == 3 && a.fall == 4 && a.checkPort == 8081 && a.checkAddress == "10.0.0.100" && a.cookie == "A")
        let b = servers[1]
        #expect(b.host == "2001:db8::1" && b.port == 443 && b.backup && b.disabled)
        #expect(b.otherOptions == ["slowstart", "10s"])
        #expect(b.tls.enabled && b.tls.verify == ServerTLS.Verify.none)
        #expect(b.checkInterval == 5000 && b.maxConnections == 50)
        #expect(result.find(.warning, line: 10, "server option 'slowstart' is parsed but not yet applied by lb") != nil)
        #expect(servers[2].host == "app.internal" && servers[2].port == nil)
        #expect(!servers[3].check && !servers[3].disabled)
    }

    @Test(arguments: [
        ("server x 10.0.0.1:80 weight 257", "invalid value '257' for 'weight'"),
        ("server x 10.0.0.1:80 wieght 2", "unknown server option 'wieght'"),
        ("server x 10.0.0.1:80 rise 0", "invalid value '0' for 'rise'"),
        ("server x 10.0.0.1:80 inter 0", "'inter' must be greater than zero"),
        ("server x 10.0.0.1:80 inter fast", "invalid duration 'fast' for 'inter'"),
        ("server x 10.0.0.1:80 port 0", "invalid value '0' for 'port'"),
        ("server x", "'server' expects a name and an address"),
        ("server x 10.0.0.1:http", "invalid port 'http'"),
        ("default-server weight -1", "invalid value '-1' for 'weight'"),
    ])
    func serverErrors(line: String, message: String) {
        let (_, result) = listen("    " + line)
        #expect(result.find(.error, line: 8, message) != nil, "\(result.diagnostics)")
    }

    @Test func unknownServerOptionSuggests() {
        let (_, result) = listen("    server x 10.0.0.1:80 wieght 2")
        #expect(result.find(.error, line: 8, "unknown server option")?.hint == "did you mean 'weight'?")
    }

    @Test(arguments: [
        ("balance roundrobin", BalanceAlgorithm.roundRobin),
        ("balance static-rr", .staticRoundRobin),
        ("balance leastconn", .leastConnections),
        ("balance first", .first),
        ("balance source", .source),
        ("balance uri len 10 depth 2", .uri(arguments: ["len", "10", "depth", "2"])),
        ("balance url_param userid check_post", .urlParameter(name: "userid", arguments: ["check_post"])),
        ("balance hdr(Host) use_domain_only", .header(name: "Host", useDomainOnly: true)),
        ("balance hdr(X-Id)", .header(name: "X-Id", useDomainOnly: false)),
        ("balance random", .random(draws: 2)),
        ("balance random(3)", .random(draws: 3)),
        ("balance rdp-cookie", .rdpCookie(name: "mstshash")),
        ("balance rdp-cookie(user)", .rdpCookie(name: "user")),
        ("balance hash req.cookie(id)", .other(keyword: "hash", arguments: ["req.cookie(id)"])),
    ])
    func balance(line: String, expected: BalanceAlgorithm) throws {
        let (proxy, result) = listen("    " + line)
        #expect(proxy?.balance == expected, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("balance roundrobbin", "unknown balance algorithm 'roundrobbin'"),
        ("balance", "'balance' expects an algorithm"),
        ("balance random(0)", "positive number of draws"),
        ("balance uri size 3", "unknown 'balance uri' option 'size'"),
        ("balance leastconn now", "unexpected argument 'now'"),
        ("hash-type weird", "'hash-type' expects map-based or consistent"),
    ])
    func balanceErrors(line: String, message: String) {
        let (_, result) = listen("    " + line)
        #expect(result.find(.error, line: 8, message) != nil, "\(result.diagnostics)")
    }

    @Test func options() throws {
        let (proxy, result) = listen(
            "    mode http",
            "    option forwardfor except 10.0.0.0/255.0.0.0 header X-Client",
            "    option forceclose",
            "    option httplog clf",
            "    option dontlog-normal",
            "    option log-separate-errors",
            "    option abortonclose",
            "    option tcp-check",
            "    option http-buffer-request",
            "    option originalto")
        let value = try #require(proxy, "\(result.diagnostics)")
        #expect(value.forwardFor == ForwardForSettings(except: IPNetwork("10.0.0.0/8"), header: "X-Client"))
        #expect(value.httpConnectionMode == .close)
        #expect(result.find(.warning, line: 10, "'option forceclose' is deprecated") != nil)
        #expect(value.logging.format == .httplogCLF && value.logging.dontLogNormal && value.logging.separateErrors)
        #expect(value.options == ["abortonclose": true, "http-buffer-request": true])
        #expect(value.healthCheck.protocolCheck == .tcpCheck)
        #expect(result.find(.warning, line: 17, "'option originalto' is parsed but not yet applied by lb") != nil)
        #expect(value.unappliedDirectives.map(\.keyword) == ["option originalto"])
    }

    @Test(arguments: [
        ("option httpchk", "OPTIONS", "/", "HTTP/1.0", [String]()),
        ("option httpchk /health", "OPTIONS", "/health", "HTTP/1.0", []),
        ("option httpchk GET /info.txt", "GET", "/info.txt", "HTTP/1.0", []),
        ("option httpchk HEAD / HTTP/1.1\\r\\nHost:\\ example.com", "HEAD", "/", "HTTP/1.1", ["Host: example.com"]),
    ])
    func httpCheckOption(line: String, method: String, uri: String, version: String, headers: [String]) throws {
        let (proxy, result) = listen("    " + line, "    server s 127.0.0.1:1 check")
        let check = try #require(proxy?.healthCheck, "\(result.diagnostics)")
        #expect(check.httpCheck && check.method == method && check.uri == uri && check.version == version && check.headers == headers)
    }

    @Test func httpCheckSendAndExpect() throws {
        let (proxy, result) = listen(
            "    option httpchk",
            "    http-check send meth GET uri /ready ver HTTP/1.1 hdr Host lb.local",
            "    http-check expect ! rstatus ^5",
            "    http-check disable-on-404",
            "    server s 127.0.0.1:1 check")
        let check = try #require(proxy?.healthCheck, "\(result.diagnostics)")
        #expect(check.method == "GET" && check.uri == "/ready" && check.version == "HTTP/1.1" && check.headers == ["Host: lb.local"])
        #expect(check.expect == ["!", "rstatus", "^5"])
        #expect(result.find(.warning, line: 11, "'http-check disable-on-404' is parsed but not yet applied") != nil)
    }

    @Test func stats() throws {
        let (proxy, result) = listen(
            "    mode http",
            "    stats uri /haproxy",
            "    stats realm Private\\ area",
            "    stats auth a:b:c",
            "    stats auth d:e",
            "    stats refresh 10s",
            "    stats show-legends",
            "    stats scope .",
            "    stats admin unless !LOCALHOST")
        let stats = try #require(proxy?.stats, "\(result.diagnostics)")
        #expect(stats.enabled && stats.uri == "/haproxy" && stats.realm == "Private area")
        #expect(stats.credentials.map(\.user) == ["a", "d"] && stats.credentials.map(\.password) == ["b:c", "e"])
        #expect(stats.refresh == 10_000 && stats.showLegends && stats.scopes == ["."])
        #expect(stats.adminCondition?.polarity == .unless)
        #expect(stats.adminCondition?.groups == [[Condition.Term(negated: true, acl: .named("LOCALHOST"))]])
    }

    @Test(arguments: [
        ("stats auth nocolon", "'stats auth' expects USER:PASSWORD"),
        ("stats admin", "'stats admin' expects a condition"),
        ("stats socket /x", "'stats socket' is only valid in the global section"),
        ("stats refresh often", "invalid duration 'often'"),
        ("stats enabel", "unknown keyword 'stats enabel'"),
    ])
    func statsErrors(line: String, message: String) {
        let (_, result) = listen("    " + line)
        #expect(result.find(.error, line: 8, message) != nil, "\(result.diagnostics)")
    }

    @Test func logging() throws {
        let (proxy, result) = listen(
            "    log global",
            "    log 127.0.0.1:514 len 2048 local1 info",
            "    log-tag web",
            "    log-format \"%ci:%cp [%tr] %ft %b/%s\"")
        let logging = try #require(proxy?.logging, "\(result.diagnostics)")
        #expect(logging.useGlobal && logging.targets.map(\.target) == ["127.0.0.1:514"] && logging.targets[0].length == 2048)
        #expect(logging.logTag == "web" && logging.format == .custom("%ci:%cp [%tr] %ft %b/%s"))
    }

    @Test func httplogJSON() throws {
        let (proxy, result) = listen("    mode http", "    option httplog json")
        #expect(proxy?.logging.format == .httplogJSON, "\(result.diagnostics)")
        let (negated, _) = listen("    mode http", "    option httplog json", "    no option httplog")
        #expect(negated?.logging.format == ProxyLogging.Format.none)
    }

    /// Without `len`, the pipeline picks the target's default (a JSON logger's datagrams are longer).
    @Test func logLengthIsUnsetUnlessWritten() throws {
        let (proxy, result) = listen("    log 127.0.0.1:514 local0", "    log stdout local1")
        let targets = try #require(proxy?.logging.targets, "\(result.diagnostics)")
        #expect(targets.map(\.length) == [nil, nil])
    }

    @Test func httpslogIsItsOwnFormat() throws {
        let (proxy, result) = listen("    mode http", "    option httpslog")
        #expect(proxy?.logging.format == .httpslog)
        // Applied as written: nothing to warn about.
        #expect(!result.diagnostics.contains { $0.description.contains("httpslog") }, "\(result.diagnostics)")
        let (negated, _) = listen("    mode http", "    option httpslog", "    no option httpslog")
        #expect(negated?.logging.format == ProxyLogging.Format.none)
        let (json, _) = listen("    mode http", "    option httpslog json")
        #expect(json?.logging.format == .httplogJSON)
    }

    @Test func capturesAndUnappliedKeywords() throws {
        let (proxy, result) = listen(
            "    mode http",
            "    capture request header Host len 64",
            "    capture response header Content-Type len 32",
            "    capture cookie SESSION len 40",
            "    cookie SERVERID insert indirect nocache",
            "    compression algo gzip",
            "    http-reuse safe",
            "    error-log-format %{+X}o\\ %ci",
            "    tcp-request content accept",
            "    errorfile 503 /etc/lb/503.http",
            "    fullconn 1000",
            "    description hello",
            "    timeout tarpit 5s")
        let value = try #require(proxy, "\(result.diagnostics)")
        #expect(value.captures == [
            CaptureDeclaration(kind: .requestHeader, name: "Host", length: 64, location: value.captures[0].location),
            CaptureDeclaration(kind: .responseHeader, name: "Content-Type", length: 32, location: value.captures[1].location),
            CaptureDeclaration(kind: .cookie, name: "SESSION", length: 40, location: value.captures[2].location),
        ])
        #expect(value.unappliedDirectives.map(\.keyword) == [
            "compression",
            "error-log-format", "errorfile", "fullconn", "description",
        ])
        #expect(value.unappliedDirectives[0].words == ["compression", "algo", "gzip"])
        // `cookie`, `capture`, `http-reuse` (line 14), `tcp-request content accept` (line 16) and `timeout
        // tarpit` (line 20) are applied: parsed, with no "not yet applied" warning.
        let cookie = try #require(value.cookie)
        #expect(cookie.name == "SERVERID" && cookie.mode == .insert && cookie.indirect && cookie.nocache)
        #expect(value.httpReuse == .safe)
        #expect(value.timeouts.tarpit == 5_000)
        #expect(value.tcpContentRules.map(\.action) == [.accept])
        #expect(!result.diagnostics.contains { [14, 16, 20].contains($0.location.line) })
        let applied = Set([cookie.location.line, 14, 16, 20] + value.captures.map(\.location.line))
        for line in 9...20 where !applied.contains(line) {
            #expect(result.diagnostics.contains { $0.location.line == line && $0.message.hasSuffix("is parsed but not yet applied by lb") },
                    "line \(line)")
        }
    }

    @Test(arguments: [
        ("frontend", "server s 1.2.3.4:80", "'server' is not allowed in a frontend section"),
        ("backend", "bind :80", "'bind' is not allowed in a backend section"),
        ("backend", "use_backend x", "'use_backend' is not allowed in a backend section"),
        ("backend", "capture cookie a len 1", "'capture' is not allowed in a backend section"),
        ("frontend", "balance roundrobin", "'balance' is not allowed in a frontend section"),
        ("frontend", "retries 3", "'retries' is not allowed in a frontend section"),
        ("frontend", "cookie SRV insert", "'cookie' is not allowed in a frontend section"),
        ("defaults", "acl a path /", "'acl' is not allowed in a defaults section"),
        ("defaults", "http-request deny", "'http-request' is not allowed in a defaults section"),
        ("defaults", "server s 1.2.3.4", "'server' is not allowed in a defaults section"),
        ("defaults", "bind :80", "'bind' is not allowed in a defaults section"),
        ("frontend", "contimeout 5s", "'contimeout' is no longer supported"),
        ("backend", "clitimeout 5s", "'clitimeout' is no longer supported"),
        ("backend", "srvtimeout 5s", "'srvtimeout' is no longer supported"),
        ("backend", "reqadd X-A:\\ b", "'reqadd' is no longer supported"),
        ("backend", "daemon", "'daemon' is only valid in the global section"),
        ("backend", "mode health", "unknown mode 'health'"),
        ("backend", "timeout sever 1s", "unknown timeout 'sever'"),
        ("backend", "option frobnicate", "unknown option 'frobnicate'"),
        ("backend", "option http-tunnel", "'option http-tunnel' is no longer supported"),
        ("backend", "no stats", "'no' is only valid before 'option' or 'log'"),
        ("backend", "retries -1", "invalid value '-1' for 'retries'"),
        ("backend", "log-format %ci %cp", "'log-format' expects one argument"),
        ("backend", "serverr s 1.2.3.4", "unknown keyword 'serverr' in a backend section"),
    ])
    func placementAndKeywordErrors(section: String, line: String, message: String) {
        let result = parse("\(section) x\n    \(line)\n")
        #expect(result.find(.error, line: 2, message) != nil, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("contimeout 5s", "use 'timeout connect'"),
        ("clitimeout 5s", "use 'timeout client'"),
        ("srvtimeout 5s", "use 'timeout server'"),
        ("serverr s 1.2.3.4", "did you mean 'server'?"),
        ("timeout sever 1s", "did you mean 'server'?"),
        ("option redispach", "did you mean 'redispatch'?"),
    ])
    func keywordHints(line: String, hint: String) {
        let result = parse("backend x\n    \(line)\n")
        #expect(result.errors.first?.hint == hint, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("backend", "timeout client 5s", "'timeout client' is ignored in a backend section"),
        ("frontend", "timeout server 5s", "'timeout server' is ignored in a frontend section"),
        ("frontend", "option httpchk", "'option httpchk' is ignored in a frontend section"),
        ("backend", "option dontlognull", "'option dontlognull' is ignored in a backend section"),
    ])
    func capabilityMismatchWarns(section: String, line: String, message: String) {
        let result = parse("\(section) x\n    \(line)\n")
        #expect(result.find(.warning, line: 2, message) != nil, "\(result.diagnostics)")
    }

    @Test func useBackendForms() throws {
        let result = parse(quietDefaults + config(
            "frontend fe",
            "    bind :80",
            "    use_backend %[req.hdr(host),lower,map(/etc/lb/hosts.map,be)]",
            "    use_backend be if TRUE",
            "    default_backend be",
            "backend be",
            "    server s 127.0.0.1:1"
        ))
        let rules = try #require(result.configuration?.proxy(named: "fe")?.useBackendRules, "\(result.diagnostics)")
        #expect(rules.map(\.backend) == [.dynamic("%[req.hdr(host),lower,map(/etc/lb/hosts.map,be)]"), .name("be")])
        #expect(rules[0].condition == nil && rules[1].condition != nil)
    }
}

/// `cookie` persistence settings.
struct CookieKeywordTests {
    @Test(arguments: [
        ("cookie SRV", CookieSettings.Mode.rewrite),
        ("cookie SRV insert", .insert),
        ("cookie SRV prefix indirect", .prefix),
    ])
    func modes(line: String, mode: CookieSettings.Mode) throws {
        let result = ConfigurationLoader.parse("backend be\n    \(line)\n    server s 127.0.0.1:80 cookie s1\n", name: "t.cfg")
        let proxy = try #require(result.configuration?.proxy(named: "be"), "\(result.diagnostics)")
        #expect(proxy.cookie?.mode == mode)
        #expect(proxy.servers.first?.cookie == "s1")
    }

    /// `maxidle`/`maxlife` count seconds when no unit is given (as in haproxy), and reach past the
    /// 24.8 days of millisecond timers; they are applied, so no warning.
    @Test(arguments: [
        ("cookie SRV insert maxidle 60", Optional(60), Optional<Int>.none),
        ("cookie SRV insert maxidle 30m maxlife 90d", 1800, 7_776_000),
        ("cookie SRV insert maxlife 1500ms", nil, 2),
    ])
    func dates(line: String, maxIdle: Int?, maxLife: Int?) throws {
        let result = ConfigurationLoader.parse("backend be\n    \(line)\n    server s 127.0.0.1:80 cookie s1\n", name: "t.cfg")
        let proxy = try #require(result.configuration?.proxy(named: "be"), "\(result.diagnostics)")
        #expect(proxy.cookie?.maxIdle == maxIdle)
        #expect(proxy.cookie?.maxLife == maxLife)
        #expect(!result.diagnostics.contains { $0.message.contains("cookie") }, "\(result.diagnostics)")
    }

    @Test(arguments: [
        ("cookie", "expects"),
        ("cookie SRV insert rewrite", "only one of insert, rewrite and prefix"),
        ("cookie SRV rewrite postonly", "need 'cookie ... insert'"),
        ("cookie SRV insert sideways", "unknown cookie option 'sideways'"),
        ("cookie SRV insert maxidle xyz", "invalid duration"),
    ])
    func errors(line: String, message: String) {
        let result = ConfigurationLoader.parse("backend be\n    \(line)\n", name: "t.cfg")
        #expect(result.diagnostics.contains { $0.severity == .error && $0.location.line == 2 && $0.message.contains(message) },
                "\(result.diagnostics)")
    }

    @Test func optionsAndDomains() throws {
        let result = ConfigurationLoader.parse(
            "backend be\n    cookie SRV insert nocache httponly secure domain a.example domain b.example postonly preserve\n", name: "t.cfg")
        let cookie = try #require(result.configuration?.proxy(named: "be")?.cookie)
        #expect(cookie.nocache && cookie.httpOnly && cookie.secure && cookie.postOnly && cookie.preserve)
        #expect(cookie.domains == ["a.example", "b.example"])
    }
}

/// A backend's `maxconn` is ignored with a warning, as HAProxy does, so pasted configurations still load.
struct BackendMaxconnTests {
    @Test func warnsAndIgnores() throws {
        let result = ConfigurationLoader.parse("backend be\n    maxconn 10\n    server s 127.0.0.1:80\n", name: "t.cfg")
        let proxy = try #require(result.configuration?.proxy(named: "be"), "\(result.diagnostics)")
        #expect(proxy.maxConnections == nil)
        #expect(result.diagnostics.contains { $0.severity == .warning && $0.location.line == 2 && $0.message.contains("no effect in a backend") })
    }
}
