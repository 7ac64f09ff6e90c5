import Testing
@testable import LBConfig

@Suite struct GlobalSectionTests {
    @Test func globalKeywords() throws {
        let result = parse(config(
            "global",
            "    maxconn 20000",
            "    nbthread 4",
            "    log /dev/log len 4096 format rfc5424 local0 info notice",
            "    log stdout format raw daemon",
            "    log-tag lb",
            "    log-send-hostname",
            "    stats socket /run/lb.sock mode 600 level admin expose-fd listeners",
            "    stats timeout 2m",
            "    pidfile /run/lb.pid",
            "    daemon",
            "    tune.bufsize 32k",
            "    tune.http.maxhdr 200",
            "    ulimit-n 65536",
            "    hard-stop-after 30s",
            "    uid 99",
            "    gid 98"
        ), root: true)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let global = try #require(result.configuration?.global)
        #expect(global.maxConnections == 20000)
        #expect(global.threads == 4)
        #expect(global.logTargets.count == 2)
        let first = global.logTargets[0]
        #expect(first.target == "/dev/log" && first.length == 4096 && first.format == "rfc5424")
        #expect(first.facility == "local0" && first.maxLevel == "info" && first.minLevel == "notice")
        #expect(global.logTargets[1].target == "stdout" && global.logTargets[1].format == "raw")
        #expect(global.logTag == "lb")
        #expect(global.logSendHostname == "")
        var socket = StatsSocket(path: "/run/lb.sock", mode: 0o600, level: .admin, location: global.statsSockets[0].location)
        socket.exposesListeners = true
        #expect(global.statsSockets == [socket])
        #expect(result.find(.warning, line: 8, "expose-fd") == nil)
        #expect(global.statsTimeout == 120_000)
        #expect(global.pidFile == "/run/lb.pid" && global.daemon)
        #expect(global.bufferSize == 32768 && global.maxHeaders == 200)
        #expect(global.fileDescriptorLimit == 65536 && global.hardStopAfter == 30_000)
        #expect(global.uid == 99 && global.gid == 98)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
    }

    @Test(arguments: [
        ("nbproc 2", "'nbproc' is ignored"),
        ("master-worker no-exit-on-failure", "'master-worker no-exit-on-failure' is ignored"),
        ("tune.ssl.default-dh-param 2048", "'tune.ssl.default-dh-param' is ignored: lb does not support it"),
        ("user haproxy", "'user' is applied only when lb starts as root; ignored"),
        ("group haproxy", "'group' is applied only when lb starts as root; ignored"),
        ("chroot /var/empty", "'chroot' is applied only when lb starts as root; ignored"),
        ("spread-checks 5", "'spread-checks' is parsed but not yet applied by lb"),
        ("tune.maxrewrite 1024", "'tune.maxrewrite' is parsed but not yet applied by lb"),
    ])
    func globalWarnings(line: String, message: String) {
        let result = parse("global\n    \(line)\n")
        #expect(result.errors.isEmpty)
        #expect(result.find(.warning, line: 2, message) != nil, "\(result.diagnostics)")
    }

    @Test func rootSilencesPrivilegeWarnings() {
        let result = parse("global\n    user haproxy\n    group haproxy\n    chroot /x\n", root: true)
        #expect(result.diagnostics.isEmpty)
    }

    @Test(arguments: [
        ("maxcon 10", "unknown keyword 'maxcon' in the global section", "did you mean 'maxconn'?"),
        ("frobnicate", "unknown keyword 'frobnicate' in the global section", nil),
        ("maxconn many", "invalid value 'many' for 'maxconn'", nil),
        ("nbthread 0", "invalid value '0' for 'nbthread'", nil),
        ("log 127.0.0.1 local9", "unknown syslog facility 'local9'", "did you mean 'local0'?"),
        ("log 127.0.0.1 local0 verbose", "unknown syslog level 'verbose'", nil),
        ("log 127.0.0.1 len 79 local0", "invalid value '79' for 'log len'", nil),
        ("log 127.0.0.1 format json local0", "unknown log format 'json'", nil),
        ("log 127.0.0.1", "expects a facility", nil),
        ("log global", "'log global' is only valid in a proxy section", nil),
        ("log 1.2.3.4:99999 local0", "invalid log target", nil),
        ("stats socket /x level root", "level' expects user, operator or admin", nil),
        ("stats socket /x mode 999", "expects octal permissions", nil),
        ("hard-stop-after soon", "invalid duration 'soon'", nil),
    ])
    func globalErrors(line: String, message: String, hint: String?) throws {
        let result = parse("global\n    \(line)\n")
        let diagnostic = try #require(result.find(.error, line: 2, message), "\(result.diagnostics)")
        if let hint { #expect(diagnostic.hint == hint) }
        #expect(result.configuration == nil)
    }

    @Test(arguments: [
        ("log 10.0.0.1:514 local0", "10.0.0.1:514"),
        ("log [::1]:514 local0", "[::1]:514"),
        ("log fd@2 local0", "fd@2"),
        ("log stderr local0", "stderr"),
        ("log tcp@logs.example:6514 local0", "tcp@logs.example:6514"),
        ("log udp@10.0.0.1:514 user", "udp@10.0.0.1:514"),
        ("log logs.example local0", "logs.example"),
    ])
    func logTargets(line: String, target: String) throws {
        let result = parse("global\n    \(line)\n")
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.configuration?.global.logTargets.first?.target == target)
    }

    @Test func fileLogTargetKeepsExtraOptions() throws {
        let result = parse("global\n    log file@/var/log/lb.log.gz rotate-size=100m keep=7 format iso local0\n")
        let target = try #require(result.configuration?.global.logTargets.first)
        #expect(target.target == "file@/var/log/lb.log.gz")
        #expect(target.extraOptions == ["rotate-size": "100m", "keep": "7"])
        #expect(target.format == "iso")
    }

    @Test func setenvAffectsLaterLines() throws {
        let result = parse(config(
            "global",
            "    setenv TAG from-setenv",
            "    presetenv KEEP ignored",
            "    log-tag \"${TAG}-${KEEP}\""
        ), environment: ["KEEP": "kept"])
        #expect(result.configuration?.global.logTag == "from-setenv-kept")
    }
}

@Suite struct SectionStructureTests {
    @Test(arguments: ["resolvers", "ring", "mailers", "cache", "http-errors", "program", "log-forward"])
    func unsupportedSections(name: String) throws {
        let result = parse(config("\(name) mine", "    peer a 127.0.0.1:1024", "global", "    maxconn 10"))
        let diagnostic = try #require(result.find(.error, line: 1, "section '\(name)' is not supported"))
        #expect(diagnostic.hint != nil)
        #expect(result.errors.count == 1, "lines inside the section are skipped: \(result.errors)")
    }

    @Test func keywordBeforeAnySection() {
        let result = parse("maxconn 10\nglobal\n")
        #expect(result.find(.error, line: 1, "'maxconn' is outside of any section") != nil)
    }

    @Test func userlist() throws {
        let result = parse(config(
            "userlist admins",
            "    group ops users carol",
            "    group devs",
            "    user alice password $6$salt$hash groups ops,devs",
            "    user bob insecure-password secret",
            "    user carol insecure-password pw"
        ))
        #expect(result.errors.isEmpty, "\(result.errors)")
        let list = try #require(result.configuration?.userlists.first)
        #expect(list.name == "admins")
        #expect(list.users.map(\.name) == ["alice", "bob", "carol"])
        #expect(list.users[0].password == .hashed("$6$salt$hash"))
        #expect(list.users[1].password == .insecure("secret"))
        #expect(list.users[0].groups == ["ops", "devs"])
        #expect(list.users[2].groups == ["ops"])
        #expect(list.groups == ["ops": ["alice", "carol"], "devs": ["alice"]])
    }

    @Test(arguments: [
        ("user dave", 2, "user 'dave' has no password"),
        ("user dave insecure-password x groups nope", 2, "undeclared group 'nope'"),
        ("group g users nobody", 2, "undeclared user 'nobody'"),
        ("member x", 2, "unknown keyword 'member' in a userlist section"),
    ])
    func userlistErrors(line: String, number: Int, message: String) {
        let result = parse("userlist u\n    \(line)\n")
        #expect(result.find(.error, line: number, message) != nil, "\(result.diagnostics)")
    }

    @Test func listenSection() throws {
        let result = parse(quietDefaults + config(
            "listen app",
            "    bind :8080",
            "    balance leastconn",
            "    server a 10.0.0.1:80 check",
            "    server b 10.0.0.2:80 check backup"
        ))
        #expect(result.errors.isEmpty, "\(result.errors)")
        let proxy = try #require(result.configuration?.proxy(named: "app"))
        #expect(proxy.capabilities == .listen)
        #expect(proxy.defaultBackend == nil)
        #expect(proxy.balance == .leastConnections)
        #expect(proxy.servers.map(\.backup) == [false, true])
        #expect(result.configuration?.frontends.count == 1 && result.configuration?.backends.count == 1)
    }

    @Test func modeDefaultsToTCP() throws {
        let result = parse(config("listen l", "    bind :1", "    server s 127.0.0.1:2"))
        #expect(result.configuration?.proxies.first?.mode == .tcp)
    }
}
