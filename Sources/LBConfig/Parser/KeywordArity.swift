/// How many arguments the keywords with a fixed number of them take. A word past the last one is an
/// error, as HAProxy's `alertif_too_many_args` makes it: `maxconn 4000 extra` was meant as something else,
/// and dropping `extra` silently would run a configuration other than the one written.
///
/// Keys are phrases, `keyword` or `keyword subkeyword`, and ranges count the arguments after the phrase.
/// Keywords whose arguments are free-form (server, bind, acl, http-request, option, log, balance, cookie,
/// stick-table, description...) are not listed: their parsers read every word and report the ones they do
/// not know. Options are checked where each one is parsed (`ProxySectionParser+Options`), and so are
/// `log-format` and `unique-id-format`, whose message says to quote a format that contains spaces.
enum KeywordArity {
    /// Proxy sections (defaults, frontend, backend, listen), both handled and not yet applied keywords.
    static let proxy: [String: ClosedRange<Int>] = {
        var table: [String: ClosedRange<Int>] = [
            "mode": 1...1,
            "maxconn": 1...1,
            "default_backend": 1...1,
            "retries": 1...1,
            "log-tag": 1...1,
            "stats enable": 0...0,
            "stats uri": 1...1,
            "stats realm": 1...1,
            "stats auth": 1...1,
            "stats refresh": 1...1,
            "stats hide-version": 0...0,
            "stats show-legends": 0...0,
            "stats scope": 1...1,
            "stats show-node": 0...1,
            "http-check disable-on-404": 0...0,
            "http-check send-state": 0...0,
            "fullconn": 1...1,
            "backlog": 1...1,
            "id": 1...1,
            "guid": 1...1,
            "disabled": 0...0,
            "enabled": 0...0,
            "monitor-uri": 1...1,
            "server-state-file-name": 0...1,
            "load-server-state-from-file": 1...1,
            "http-reuse": 1...1,
            "max-keep-alive-queue": 1...1,
            "http-send-name-header": 1...1,
            "log-format-sd": 1...1,
            "error-log-format": 1...1,
            "grace": 1...1,
            "dispatch": 1...1,
            "persist": 1...1,
            "rate-limit": 2...2,
            "errorfile": 2...2,
            "errorloc": 2...2,
            "errorloc302": 2...2,
            "errorloc303": 2...2,
            "option transparent": 0...0,
            "option ssl-hello-chk": 0...0,
            "option ldap-check": 0...0,
            "option redis-check": 0...0,
            "option spop-check": 0...0,
            "option external-check": 0...0,
            "option http_proxy": 0...0,
            "option smtpchk": 0...2,
        ]
        for name in ProxyKeywords.timeouts.keys { table["timeout \(name)"] = 1...1 }
        table["timeout tarpit"] = 1...1
        return table
    }()

    /// The global section, both handled and not yet applied keywords.
    static let global: [String: ClosedRange<Int>] = [
        "maxconn": 1...1, "nbthread": 1...1, "log-tag": 1...1, "log-send-hostname": 0...1, "pidfile": 1...1,
        "daemon": 0...0, "user": 1...1, "group": 1...1, "uid": 1...1, "gid": 1...1, "chroot": 1...1,
        "nbproc": 1...1, "master-worker": 0...1, "ulimit-n": 1...1, "hard-stop-after": 1...1,
        "setenv": 2...2, "presetenv": 2...2, "stats timeout": 1...1, "stats maxconn": 1...1,
        "node": 1...1, "spread-checks": 1...1, "max-spread-checks": 1...1, "maxconnrate": 1...1,
        "maxsessrate": 1...1, "maxsslconn": 1...1, "maxsslrate": 1...1, "maxpipes": 1...1, "maxcomprate": 1...1,
        "maxcompcpuusage": 1...1, "maxzlibmem": 1...1, "server-state-file": 1...1, "server-state-base": 1...1,
        "localpeer": 1...1, "quiet": 0...0, "zero-warning": 0...0, "grace": 1...1, "nosplice": 0...0,
        "noepoll": 0...0, "nopoll": 0...0, "nokqueue": 0...0, "noevports": 0...0, "nogetaddrinfo": 0...0,
        "noreuseport": 0...0, "set-dumpable": 0...1, "strict-limits": 0...0, "h1-case-adjust": 2...2,
        "h1-case-adjust-file": 1...1, "insecure-fork-wanted": 0...0, "insecure-setuid-wanted": 0...0,
        "busy-polling": 0...0, "thread-groups": 1...1, "expose-experimental-directives": 0...0,
        "external-check": 0...1, "pp2-never-send-local": 0...0, "numa-cpu-mapping": 0...0,
        "profiling.tasks": 1...1, "anonkey": 1...1, "httpclient.resolvers.disabled": 1...1,
        "httpclient.resolvers.id": 1...1, "httpclient.retries": 1...1, "httpclient.timeout.connect": 1...1,
        "tune.bufsize": 1...1, "tune.http.maxhdr": 1...1, "tune.http.cookielen": 1...1,
        "tune.http.logurilen": 1...1, "tune.maxaccept": 1...1, "tune.maxpollevents": 1...1,
        "tune.maxrewrite": 1...1, "tune.max-rules-at-once": 1...1, "tune.runqueue-depth": 1...1,
        "tune.recv_enough": 1...1, "tune.idletimer": 1...1, "tune.pipesize": 1...1, "tune.comp.maxlevel": 1...1,
        "tune.pattern.cache-size": 1...1, "tune.rcvbuf.client": 1...1, "tune.rcvbuf.server": 1...1,
        "tune.sndbuf.client": 1...1, "tune.sndbuf.server": 1...1,
    ]

    /// Records an error at the first word past what the directive's phrase in `table` takes (two-word
    /// phrases first); false when there is one. A directive whose phrase is not listed passes.
    static func check(_ directive: Directive, in table: [String: ClosedRange<Int>], context: inout ParseContext) -> Bool {
        var phrase = directive.keyword
        var phraseWords = 1
        if let second = directive.text(1), table["\(phrase) \(second)"] != nil {
            phrase += " \(second)"
            phraseWords = 2
        }
        guard let arity = table[phrase] else { return true }
        let extraIndex = phraseWords + arity.upperBound
        guard let extra = directive[extraIndex] else { return true }
        context.error("unexpected argument '\(extra.text)': '\(phrase)' takes \(describe(arity))",
                      at: directive.location(of: extraIndex))
        return false
    }

    /// "no argument", "exactly 1 argument", "at most 2 arguments".
    static func describe(_ arity: ClosedRange<Int>) -> String {
        let count = arity.upperBound
        if count == 0 { return "no argument" }
        let noun = count == 1 ? "argument" : "arguments"
        return arity.lowerBound == count ? "exactly \(count) \(noun)" : "at most \(count) \(noun)"
    }
}
