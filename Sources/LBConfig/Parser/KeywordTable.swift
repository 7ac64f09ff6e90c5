/// The keywords lb understands, and where each may appear. Keywords accepted without effect live in
/// `UnappliedKeywords` instead, so that supporting one is a matter of moving it here and writing its handler.
enum ProxyKeywords {
    /// First words of proxy-section lines with a handler, and the sections that accept them.
    static let allowed: [String: SectionKinds] = [
        "mode": .all,
        "bind": [.frontend, .listen],
        "maxconn": .frontSide,
        "grace": .frontSide,
        "timeout": .all,
        "default_backend": .frontSide,
        "use_backend": [.frontend, .listen],
        "server": [.backend, .listen],
        "default-server": .backSide,
        "balance": .backSide,
        "hash-type": .backSide,
        "persist": .backSide,
        "retries": .backSide,
        "retry-on": .backSide,
        "http-reuse": .backSide,
        "stick-table": .proxies,
        "stick": [.backend, .listen],
        "cookie": .backSide,
        "option": .all,
        "no": .all,
        "log": .all,
        "log-tag": .all,
        "log-format": .all,
        "unique-id-format": .frontSide,
        "unique-id-header": .frontSide,
        "acl": .proxies,
        "http-request": .proxies,
        "http-response": .proxies,
        "capture": [.frontend, .listen],
        "monitor-uri": .frontSide,
        "tcp-request": .proxies,
        "monitor": [.frontend, .listen],
        "stats": .all,
        "http-check": .backSide,
        "tcp-check": .backSide,
        "load-server-state-from-file": .backSide,
        "server-state-file-name": .backSide,
    ]

    /// `timeout` names: where they apply and the field they set. A name used where it does not apply is
    /// ignored with a warning, as HAProxy does.
    static var timeouts: [String: (kinds: SectionKinds, field: WritableKeyPath<Timeouts, Int?>)] { [
        "client": (.frontSide, \.client),
        "client-fin": (.frontSide, \.clientFin),
        "http-request": (.all, \.httpRequest),
        "http-keep-alive": (.all, \.httpKeepAlive),
        "server": (.backSide, \.server),
        "server-fin": (.backSide, \.serverFin),
        "connect": (.backSide, \.connect),
        "queue": (.backSide, \.queue),
        "tunnel": (.backSide, \.tunnel),
        "check": (.backSide, \.check),
        "tarpit": (.all, \.tarpit),
    ] }

    /// Keywords HAProxy removed, with what to write instead.
    static let legacy: [String: String] = [
        "contimeout": "use 'timeout connect'",
        "clitimeout": "use 'timeout client'",
        "srvtimeout": "use 'timeout server'",
        "redispatch": "use 'option redispatch'",
        "redisp": "use 'option redispatch'",
        "block": "use 'http-request deny if ...'",
        "reqadd": "use 'http-request add-header'",
        "reqdel": "use 'http-request del-header'",
        "reqidel": "use 'http-request del-header'",
        "reqrep": "use 'http-request replace-header', 'replace-path' or 'replace-uri'",
        "reqirep": "use 'http-request replace-header', 'replace-path' or 'replace-uri'",
        "reqallow": "use 'http-request allow'",
        "reqiallow": "use 'http-request allow'",
        "reqdeny": "use 'http-request deny'",
        "reqideny": "use 'http-request deny'",
        "reqpass": "remove it; it has no replacement",
        "reqipass": "remove it; it has no replacement",
        "reqtarpit": "use 'http-request tarpit'",
        "reqitarpit": "use 'http-request tarpit'",
        "reqsetbe": "use 'use_backend NAME if ...'",
        "reqisetbe": "use 'use_backend NAME if ...'",
        "rspadd": "use 'http-response add-header'",
        "rspdel": "use 'http-response del-header'",
        "rspidel": "use 'http-response del-header'",
        "rsprep": "use 'http-response replace-header'",
        "rspirep": "use 'http-response replace-header'",
        "rspdeny": "use 'http-response deny'",
        "rspideny": "use 'http-response deny'",
    ]

    /// Every first word accepted in a proxy section, for spelling suggestions.
    static var vocabulary: [String] {
        Array(allowed.keys) + UnappliedKeywords.proxy.keys.compactMap { $0.split(separator: " ").first.map(String.init) }
    }
}

/// `option` names. Those with a dedicated field are parsed in `ProxySectionParser+Options`; the rest are
/// stored in `Proxy.options`. Using one in a section without the capability it needs is ignored with a
/// warning, as HAProxy does.
enum ProxyOptions {
    static let dedicated: [String: SectionKinds] = [
        "http-keep-alive": .all,
        "http-server-close": .all,
        "httpclose": .all,
        "forceclose": .all,
        "forwardfor": .all,
        "httplog": .frontSide,
        "httpslog": .frontSide,
        "tcplog": .frontSide,
        "dontlognull": .frontSide,
        "dontlog-normal": .frontSide,
        "log-separate-errors": .frontSide,
        "logasap": .frontSide,
        "httpchk": .backSide,
        "redispatch": .backSide,
        "tcp-check": .backSide,
        "redis-check": .backSide,
        "mysql-check": .backSide,
        "pgsql-check": .backSide,
        "smtpchk": .backSide,
        "ldap-check": .backSide,
        "ssl-hello-chk": .backSide,
    ]

    /// Known options stored as `options[name] = true|false`.
    static let generic: [String: SectionKinds] = [
        "abortonclose": .backSide,
        "accept-invalid-http-request": .frontSide,
        "accept-invalid-http-response": .backSide,
        "accept-unsafe-violations-in-http-request": .frontSide,
        "accept-unsafe-violations-in-http-response": .backSide,
        "allbackups": .backSide,
        "checkcache": .backSide,
        "clitcpka": .frontSide,
        "contstats": .frontSide,
        "disable-h2-upgrade": .frontSide,
        "h1-case-adjust-bogus-client": .frontSide,
        "h1-case-adjust-bogus-server": .backSide,
        "http-buffer-request": .all,
        "http-drop-request-trailers": .backSide,
        "http-drop-response-trailers": .frontSide,
        "http-ignore-probes": .frontSide,
        "http-no-delay": .all,
        "http-pretend-keepalive": .backSide,
        "http-restrict-req-hdr-names": .all,
        "http-use-proxy-header": .frontSide,
        "idle-close-on-response": .frontSide,
        "independent-streams": .all,
        "log-health-checks": .backSide,
        "nolinger": .all,
        "persist": .backSide,
        "prefer-last-server": .backSide,
        "socket-stats": .frontSide,
        "splice-auto": .all,
        "splice-request": .all,
        "splice-response": .all,
        "srvtcpka": .backSide,
        "tcp-smart-accept": .frontSide,
        "tcp-smart-connect": .backSide,
        "tcpka": .all,
    ]

    /// Options HAProxy removed, with what to write instead.
    static let removed: [String: String] = [
        "http-tunnel": "remove it; HTTP tunnel mode was removed in HAProxy 2.1",
        "http-use-htx": "remove it; HTX is always on",
        "ssl-hello-check": "use 'option ssl-hello-chk'",
    ]

    static var vocabulary: [String] {
        Array(dedicated.keys) + Array(generic.keys)
            + UnappliedKeywords.proxy.keys.filter { $0.hasPrefix("option ") }.map { String($0.dropFirst(7)) }
    }
}

/// Server (and `default-server`) options lb keeps in `otherOptions` with a warning, and whether each takes
/// an argument.
enum ServerOptions {
    static let handled: Set<String> = [
        "weight", "maxconn", "maxqueue", "backup", "no-backup", "disabled", "enabled", "check", "no-check",
        "inter", "fastinter", "downinter", "rise", "fall", "port", "addr", "cookie", "pool-max-conn",
        "pool-purge-delay", "pool-low-conn", "send-proxy", "send-proxy-v2", "no-send-proxy", "no-send-proxy-v2",
        "check-send-proxy",
    ]

    /// TLS options (`ssl`, `verify`, `sni`...) are `ServerTLSParser`'s; `observe` and `agent-*` are `ServerHealthParser`'s.
    static let other: [String: Bool] = [
        // Options with an argument.
        "check-alpn": true, "check-proto": true, "hash-key": true, "id": true, "init-addr": true, "log-proto": true,
        "max-reuse": true, "minconn": true, "namespace": true, "npn": true, "pool-conn-name": true, "proto": true, "proxy-v2-options": true,
        "redir": true, "resolve-net": true, "resolve-opts": true, "resolve-prefer": true, "resolvers": true,
        "set-proxy-v2-tlv-fmt": true, "shard": true, "sigalgs": true, "client-sigalgs": true, "slowstart": true,
        "socks4": true, "source": true, "tcp-ut": true, "track": true, "ws": true, "guid": true, "usesrc": true,
        "check-pool-conn-name": true,
        // Flags.
        "allow-0rtt": false, "check-via-socks4": false, "no-send-proxy-v2-ssl": false,
        "no-send-proxy-v2-ssl-cn": false, "no-tfo": false, "non-stick": false, "send-proxy-v2-ssl": false,
        "send-proxy-v2-ssl-cn": false, "stick": false,
        "tfo": false, "check-reuse-pool": false, "strict-maxconn": false,
    ]
}

/// `http-request` / `http-response` actions lb knows of but does not perform yet: they become
/// `HTTPRule.Action.unsupported` with a warning. Names are compared without their `(...)` argument.
enum HTTPActions {
    static let handled: Set<String> = [
        "set-header", "add-header", "del-header", "replace-header", "deny", "return", "allow", "redirect",
        "auth", "set-path", "set-query", "set-uri", "use-service", "tarpit", "reject", "track-sc0", "track-sc1",
        "track-sc2", "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0",
    ]

    static let other: Set<String> = [
        "add-acl", "del-acl", "set-map", "del-map", "set-var", "set-var-fmt", "unset-var", "capture",
        "cache-use", "cache-store", "tarpit", "reject", "silent-drop", "set-log-level", "set-nice", "set-mark",
        "set-tos", "set-src", "set-src-port", "set-dst", "set-dst-port", "set-method", "set-pathq", "set-status",
        "set-timeout", "sc-inc-gpc", "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt", "sc-set-gpt0", "sc-add-gpc",
        "track-sc0", "track-sc1", "track-sc2", "early-hint", "normalize-uri", "replace-path", "replace-pathq",
        "replace-uri", "replace-value", "send-spoe-group", "wait-for-body", "wait-for-handshake", "strict-mode",
        "do-resolve", "disable-l7-retry", "set-bandwidth-limit", "set-retries", "set-fc-mark", "set-fc-tos",
        "pause", "do-log", "set-priority-class", "set-priority-offset", "attach-srv",
    ]

    /// Actions that only make sense on requests.
    static let requestOnly: Set<String> = ["auth", "set-path", "set-query", "set-uri", "use-service"]
}

/// ACL names every proxy knows without declaring them.
enum PredefinedACLs {
    static let names: Set<String> = [
        "TRUE", "FALSE", "LOCALHOST", "HTTP", "HTTP_1.0", "HTTP_1.1", "HTTP_2.0", "HTTP_3.0", "HTTP_CONTENT",
        "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_URL_STAR", "METH_CONNECT", "METH_DELETE", "METH_GET", "METH_HEAD",
        "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE", "REQ_CONTENT", "RDP_COOKIE", "WAIT_END",
    ]
}

/// Words of the `log` directive.
enum SyslogVocabulary {
    static let facilities: [String] = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "auth2", "ftp", "ntp",
        "audit", "alert", "cron2", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ]
    static let levels: [String] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
    static let formats: [String] = ["local", "rfc3164", "rfc5424", "priority", "short", "timed", "iso", "raw"]
}
