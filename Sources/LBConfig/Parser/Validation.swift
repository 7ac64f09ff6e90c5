/// Checks that need the whole configuration: references between proxies, per-proxy consistency, and the
/// warnings HAProxy gives for risky but valid setups.
enum Validation {
    static func run(_ proxies: inout [ProxyBuilder], context: inout ParseContext) {
        let directory = ProxyDirectory(proxies.map(\.proxy))
        var referenced = Set<String>()
        var anyDynamic = false

        for index in proxies.indices {
            var builder = proxies[index]
            let proxy = builder.proxy

            if builder.kind == .frontend, proxy.binds.isEmpty, !builder.hasBindLine {
                context.error("frontend '\(proxy.name)' has no 'bind' line", at: proxy.location,
                              hint: "add one such as 'bind *:80', or make it a backend")
            }

            if proxy.mode == .tcp {
                if let location = builder.firstHTTPRuleLocation {
                    context.error("\(builder.title) is in tcp mode but uses http-request/http-response rules", at: location,
                                  hint: "add 'mode http' to the section (or its defaults), or remove the rules")
                }
                if [.httplog, .httpslog, .httplogCLF].contains(proxy.logging.format), proxy.isFrontend {
                    let option = proxy.logging.format == .httpslog ? "httpslog" : "httplog"
                    context.warning("'option \(option)' needs mode http; \(builder.title) logs in tcplog format instead",
                                    at: builder.logFormatLocation ?? proxy.location)
                    builder.proxy.logging.format = .tcplog
                }
                if proxy.stats?.enabled == true {
                    context.warning("stats need mode http; \(builder.title) is in tcp mode and will not serve them",
                                    at: proxy.location)
                }
                for server in proxy.servers where server.observation.layer == .layer7 {
                    context.error("server '\(server.name)': 'observe layer7' can only be used in http proxies", at: server.location,
                                  hint: "use 'observe layer4' in \(builder.title)")
                }
            }

            var serverLines: [String: SourceLocation] = [:]
            for server in proxy.servers {
                if let first = serverLines[server.name] {
                    context.error("server '\(server.name)' is already declared in \(builder.title) at \(first.fileAndLine)", at: server.location)
                } else {
                    serverLines[server.name] = server.location
                }
            }

            var missing: [String] = []
            if proxy.isFrontend, proxy.timeouts.client == nil { missing.append("client") }
            if proxy.isBackend, proxy.timeouts.connect == nil { missing.append("connect") }
            if proxy.isBackend, proxy.timeouts.server == nil { missing.append("server") }
            if !missing.isEmpty {
                context.warning("missing timeouts for \(builder.title): " + missing.map { "timeout \($0)" }.joined(separator: ", "),
                                at: proxy.location,
                                hint: "without them a stalled peer holds its connection forever; set them here or in defaults")
            }

            if let location = builder.httpCheckLocation, proxy.isBackend, !proxy.servers.contains(where: \.check) {
                context.warning("'option httpchk' has no effect: no server in \(builder.title) has 'check'", at: location)
            }

            if proxy.isFrontend, proxy.logging.uniqueIDHeader != nil, proxy.logging.uniqueIDFormat == nil {
                context.warning("'unique-id-header' has no effect in \(builder.title): it has no 'unique-id-format'",
                                at: proxy.location, hint: "add one, such as 'unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid'")
            }

            if proxy.isFrontend {
                if let reference = proxy.defaultBackend {
                    check(reference, from: builder, at: builder.defaultBackendLocation ?? proxy.location, in: directory,
                          referenced: &referenced, anyDynamic: &anyDynamic, context: &context)
                }
                for rule in proxy.useBackendRules {
                    check(rule.backend, from: builder, at: rule.location, in: directory,
                          referenced: &referenced, anyDynamic: &anyDynamic, context: &context)
                }
            }
            proxies[index] = builder
        }

        guard !anyDynamic else { return }
        for builder in proxies where builder.kind == .backend && !referenced.contains(builder.proxy.name) {
            context.warning("backend '\(builder.proxy.name)' is not used by any frontend", at: builder.proxy.location,
                            hint: "reference it with default_backend or use_backend, or remove it")
        }
    }

    private static func check(
        _ reference: BackendReference,
        from builder: ProxyBuilder,
        at location: SourceLocation,
        in directory: ProxyDirectory,
        referenced: inout Set<String>,
        anyDynamic: inout Bool,
        context: inout ParseContext
    ) {
        guard case .name(let name) = reference else {
            anyDynamic = true
            return
        }
        referenced.insert(name)
        guard let targetMode = directory.backendModes[name] else {
            if directory.names.contains(name) {
                context.error("'\(name)' is a frontend, not a backend", at: location)
            } else {
                context.error("unknown backend '\(name)'", at: location,
                              hint: context.nameHint(for: name, among: directory.backendNames)
                                ?? "declare it with 'backend \(name)'")
            }
            return
        }
        if builder.proxy.mode == .http, targetMode == .tcp {
            context.error("\(builder.title) is in http mode and cannot use backend '\(name)', which is in tcp mode", at: location,
                          hint: "put both in the same mode")
        }
    }
}

/// The proxies by name, built once, so that each `use_backend` and `default_backend` costs a lookup rather
/// than a pass over every proxy (which would make checking quadratic in the number of backends).
private struct ProxyDirectory {
    /// The mode of the first backend (or listen section) declared with each name.
    var backendModes: [String: ProxyMode] = [:]
    /// Every proxy name, frontends included.
    var names: Set<String> = []
    /// Backend names in declaration order, for spelling suggestions.
    var backendNames: [String] = []

    init(_ proxies: [Proxy]) {
        for proxy in proxies {
            names.insert(proxy.name)
            guard proxy.isBackend else { continue }
            backendNames.append(proxy.name)
            if backendModes[proxy.name] == nil { backendModes[proxy.name] = proxy.mode }
        }
    }
}
