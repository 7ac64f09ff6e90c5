/// Keywords lb accepts for compatibility but does not apply yet. Each line using one is kept as a
/// `RawDirective` and reported with a warning "... is parsed but not yet applied by lb".
///
/// To support one: give it a handler (see `ProxyKeywords` / `GlobalSectionParser`) and remove it here.
enum UnappliedKeywords {
    /// Proxy keywords, keyed by phrase: a single keyword (`cookie`) or `keyword subkeyword`
    /// (`option logasap`, `timeout tarpit`), with the sections that accept them.
    static let proxy: [String: SectionKinds] = [
        "errorfile": .all,
        "errorfiles": .all,
        "errorloc": .all,
        "errorloc302": .all,
        "errorloc303": .all,
        "http-error": .all,
        "compression": .all,
        "tcp-request": .proxies,
        "tcp-response": [.backend, .listen],
        "http-after-response": .proxies,
        "fullconn": .backSide,
        "description": .proxies,
        "id": .proxies,
        "guid": .proxies,
        "disabled": .all,
        "enabled": .all,
        "option spop-check": .backSide,
        "option external-check": .backSide,
        "option transparent": .backSide,
        "option http_proxy": .all,
        "option originalto": .all,
        "option forwarded": .backSide,
        "server-template": [.backend, .listen],
        "dispatch": [.backend, .listen],
        "source": .backSide,
        "email-alert": .all,
        "rate-limit": .frontSide,
        "backlog": .frontSide,
        "force-persist": .proxies,
        "ignore-persist": [.backend, .listen],
        "max-keep-alive-queue": .backSide,
        "log-format-sd": .all,
        "error-log-format": .all,
        "filter": .proxies,
        "declare": [.frontend, .listen],
        "use-server": [.backend, .listen],
        "http-send-name-header": .backSide,
        "external-check": .backSide,
        "stats show-node": .all,
        "stats show-desc": .all,
        "stats http-request": .all,
        "stats bind-process": .all,
        "http-check connect": .backSide,
        "http-check disable-on-404": .backSide,
        "http-check send-state": .backSide,
        "http-check comment": .backSide,
        "http-check set-var": .backSide,
        "http-check unset-var": .backSide,
    ]

    /// Global keywords accepted without effect.
    static let global: Set<String> = [
        "node", "description", "spread-checks", "max-spread-checks", "maxconnrate", "maxsessrate", "maxsslconn",
        "maxsslrate", "maxpipes", "maxcomprate", "maxcompcpuusage", "maxzlibmem",
        "localpeer", "cpu-map", "lua-load", "lua-load-per-thread", "lua-prepend-path", "quiet",
        "zero-warning", "grace", "nosplice", "nopoll", "nokqueue", "noevports", "nogetaddrinfo",
        "noreuseport", "unix-bind", "set-dumpable", "strict-limits", "h1-case-adjust", "h1-case-adjust-file",
        "insecure-fork-wanted", "insecure-setuid-wanted", "busy-polling", "thread-groups",
        "expose-experimental-directives", "external-check", "pp2-never-send-local", "default-path",
        "numa-cpu-mapping", "profiling.tasks", "anonkey", "stats maxconn", "stats bind-process",
        "httpclient.resolvers.disabled", "httpclient.resolvers.id", "httpclient.retries", "httpclient.timeout.connect",
    ]

    /// Global keywords about TLS that lb accepts without applying them.
    static func isTLSGlobal(_ keyword: String) -> Bool {
        keyword.hasPrefix("ssl-") || keyword.hasPrefix("tune.ssl.") || keyword == "ca-base" || keyword == "crt-base"
            || keyword == "key-base" || keyword == "issuers-chain-path"
    }

    /// Looks up the longest phrase of `directive` in `proxy`: two words first, then one.
    static func proxyPhrase(_ directive: Directive) -> String? {
        if let second = directive.text(1) {
            let phrase = "\(directive.keyword) \(second)"
            if proxy[phrase] != nil { return phrase }
        }
        return proxy[directive.keyword] != nil ? directive.keyword : nil
    }
}
