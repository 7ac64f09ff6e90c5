import LBConfig

extension ProxyPlan {
    /// Compiles a parsed configuration: resolves backend names, compiles ACLs, regexes and rules.
    /// Returns the plan when there is no error, and every diagnostic found.
    public static func compile(_ configuration: Configuration) -> (plan: ProxyPlan?, diagnostics: [Diagnostic]) {
        var environment = CompileEnvironment()
        environment.serverVerify = configuration.global.serverVerify
        // Where each proxy name first appears: the stats list proxies in configuration order, as HAProxy does.
        let positions = Dictionary(configuration.proxies.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        for list in configuration.userlists { environment.userlists[list.name] = UserlistVerifier(list) }
        let backendProxies = configuration.proxies.filter(\.isBackend)
        for (index, proxy) in backendProxies.enumerated() {
            if environment.backendIndexes[proxy.name] == nil { environment.backendIndexes[proxy.name] = index }
            environment.staticServerCounts.append(proxy.servers.filter { !$0.disabled }.count)
        }

        var stickTables: [StickTablePlan] = []
        for proxy in configuration.proxies {
            guard let declaration = proxy.stickTable, environment.tableIndexes[proxy.name] == nil else { continue }
            environment.tableIndexes[proxy.name] = stickTables.count
            let backend = proxy.isBackend ? environment.backendIndexes[proxy.name] : nil
            stickTables.append(StickTablePlan(name: proxy.name, declaration: declaration, backend: backend))
        }

        var tables: [Int: StickTableDeclaration] = [:]
        for (index, proxy) in backendProxies.enumerated() where proxy.stickTable != nil { tables[index] = proxy.stickTable }
        var backends: [BackendPlan] = []
        for (index, proxy) in backendProxies.enumerated() {
            environment.currentTable = environment.tableIndexes[proxy.name]
            var backend = compileBackend(proxy, environment: &environment)
            backend.position = positions[proxy.name] ?? index
            backend.stickTable = proxy.stickTable
            backend.serverStateFile = proxy.serverStateFilePath(global: configuration.global)
            if proxy.serverStateLoading == .global, configuration.global.serverStateFile == nil {
                environment.warning("backend '\(proxy.name)' loads server states from the global file, but the global section sets no 'server-state-file'",
                                    at: proxy.location)
            }
            if !proxy.stickRules.isEmpty {
                // The ACLs were already compiled, and their problems reported, with the section's rules.
                // Its diagnostics are dropped: emptied first, they are not copied for each such backend.
                var scratch = environment
                scratch.diagnostics = []
                let acls = CompiledCondition.compileDeclarations(proxy.acls, environment: &scratch)
                backend.stickRules = compileStickRules(proxy, ownIndex: index, tables: tables, acls: acls, environment: &environment)
            }
            backends.append(backend)
        }

        var frontends: [FrontendPlan] = []
        let backendModes = backendProxies.map(\.mode)
        for proxy in configuration.proxies where proxy.isFrontend {
            let ownBackend = proxy.isBackend ? environment.backendIndexes[proxy.name] : nil
            environment.currentTable = environment.tableIndexes[proxy.name]
            var frontend = compileFrontend(proxy, ownBackend: ownBackend, backendModes: backendModes,
                                           environment: &environment)
            frontend.position = positions[proxy.name] ?? 0
            frontends.append(frontend)
        }

        let diagnostics = environment.diagnostics
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        var plan = ProxyPlan(global: configuration.global, frontends: frontends, backends: backends)
        plan.stickTables = stickTables
        plan.peers = configuration.peers
        return (plan, diagnostics)
    }

    private static func compileFrontend(_ proxy: Proxy, ownBackend: Int?, backendModes: [ProxyMode],
                                        environment: inout CompileEnvironment) -> FrontendPlan {
        let acls = CompiledCondition.compileDeclarations(proxy.acls, environment: &environment)
        let httpRules = compileHTTPRules(proxy, acls: acls, environment: &environment)

        func target(_ reference: BackendReference, at location: SourceLocation) -> BackendTarget? {
            switch reference {
            case .name(let name):
                guard let index = environment.backendIndexes[name] else {
                    environment.error("no backend named '\(name)'", at: location,
                                      hint: "declare 'backend \(name)' or fix the name")
                    return nil
                }
                if proxy.mode == .http && backendModes[index] == .tcp {
                    environment.error("HTTP frontend '\(proxy.name)' cannot use TCP backend '\(name)'", at: location,
                                      hint: "set 'mode http' in backend '\(name)'")
                }
                return .index(index)
            case .dynamic(let text):
                return LogFormatTemplate.compile(text, at: location, environment: &environment).map { .dynamic($0) }
            }
        }

        var backendRules: [BackendSelectionRule] = []
        for rule in proxy.useBackendRules {
            var condition: CompiledCondition?
            if let written = rule.condition {
                guard let compiled = CompiledCondition.compile(written, acls: acls, environment: &environment) else { continue }
                condition = compiled
            }
            guard let resolved = target(rule.backend, at: rule.location) else { continue }
            backendRules.append(BackendSelectionRule(target: resolved, condition: condition))
        }
        var defaultBackend: BackendTarget?
        if let reference = proxy.defaultBackend {
            defaultBackend = target(reference, at: proxy.location)
        } else if let ownBackend {
            defaultBackend = .index(ownBackend)
        }

        let rules = RequestRules(rules: httpRules, backendRules: backendRules, defaultBackend: defaultBackend,
                                 backendIndexes: environment.backendIndexes)
        var plan = FrontendPlan(name: proxy.name, mode: proxy.mode, binds: proxy.binds, maxConnections: proxy.maxConnections,
                                timeouts: proxy.timeouts, connectionMode: proxy.httpConnectionMode, forwardFor: proxy.forwardFor,
                                stats: proxy.stats, rules: rules, logging: proxy.logging, ownBackend: ownBackend)
        plan.captures = proxy.captures
        plan.responseRules = ResponseRules(rules: compileHTTPRules(proxy, direction: .response, acls: acls, environment: &environment))
        if let admin = proxy.stats?.adminCondition {
            plan.statsAdminCondition = CompiledCondition.compile(admin, acls: acls, environment: &environment)
        }
        plan.inspectDelay = proxy.inspectDelay
        plan.connectionRules = TCPRequestRules.compile(proxy.tcpConnectionRules, phase: .connection, acls: acls, environment: &environment)
        plan.sessionRules = TCPRequestRules.compile(proxy.tcpSessionRules, phase: .session, acls: acls, environment: &environment)
        plan.contentRules = TCPRequestRules.compile(proxy.tcpContentRules, phase: .content, acls: acls, environment: &environment)
        plan.monitorURI = proxy.monitorURI
        plan.grace = proxy.grace
        plan.monitorFail = proxy.monitorFailConditions.compactMap {
            CompiledCondition.compile($0, acls: acls, environment: &environment)
        }
        return plan
    }

    private static func compileBackend(_ proxy: Proxy, environment: inout CompileEnvironment) -> BackendPlan {
        // A listen section's http-request rules run once, on its frontend side.
        var rules = RequestRules()
        var responseRules = ResponseRules()
        if !proxy.isFrontend {
            let acls = CompiledCondition.compileDeclarations(proxy.acls, environment: &environment)
            rules = RequestRules(rules: compileHTTPRules(proxy, acls: acls, environment: &environment),
                                 backendRules: [], defaultBackend: nil, backendIndexes: environment.backendIndexes)
            responseRules = ResponseRules(rules: compileHTTPRules(proxy, direction: .response, acls: acls, environment: &environment))
        }
        checkBalance(proxy, environment: &environment)
        var expectation: HTTPCheckExpectation?
        do {
            expectation = try HTTPCheckExpectation(proxy.healthCheck.expect)
            if expectation?.isSupported == false {
                environment.warning("http-check expect '\(proxy.healthCheck.expect.joined(separator: " "))' is not implemented; 2xx and 3xx pass",
                                    at: proxy.location)
            }
        } catch {
            environment.error(error.description, at: proxy.location)
        }
        var servers = proxy.servers.enumerated().map { ServerPlan(declaration: $1, index: $0) }
        let defaultVerify = environment.serverVerify
        for index in servers.indices {
            servers[index].tls = ServerTLSPlan.compile(proxy.servers[index], backend: proxy.name,
                                                       defaultVerify: defaultVerify, environment: &environment)
        }
        var plan = BackendPlan(name: proxy.name, mode: proxy.mode, servers: servers, balance: proxy.balance, retries: proxy.retries,
                           redispatchInterval: proxy.redispatchInterval, timeouts: proxy.timeouts,
                           connectionMode: proxy.httpConnectionMode, forwardFor: proxy.forwardFor,
                           healthCheck: proxy.healthCheck, rules: rules, allBackups: proxy.options["allbackups"] ?? false)
        plan.checkExpectation = expectation
        plan.compileCheckProgram(proxy, environment: &environment)
        plan.responseRules = responseRules
        plan.retryOn = proxy.retryOn
        plan.reuse = proxy.httpReuse
        plan.cookie = proxy.cookie
        plan.persist = proxy.options["persist"] ?? false
        plan.hashType = HashType(words: proxy.hashType)
        plan.persistRDPCookie = proxy.persistRDPCookie
        if proxy.persistRDPCookie != nil, proxy.mode == .http {
            environment.warning("'persist rdp-cookie' reads a TCP connection's first bytes; HTTP backend '\(proxy.name)' does not apply it",
                                at: proxy.location)
        }
        return plan
    }

    enum RuleDirection { case request, response }

    private static func compileHTTPRules(_ proxy: Proxy, direction: RuleDirection = .request, acls: [String: CompiledACL],
                                         environment: inout CompileEnvironment) -> [CompiledHTTPRule] {
        let written = direction == .request ? proxy.httpRequestRules : proxy.httpResponseRules
        let keyword = direction == .request ? "http-request" : "http-response"
        if proxy.mode == .tcp, let first = written.first {
            environment.warning("'\(keyword)' rules in '\(proxy.name)' are ignored in mode tcp", at: first.location)
            return []
        }
        return written.compactMap {
            CompiledHTTPRule.compile($0, keyword: keyword, proxyName: proxy.name, acls: acls, environment: &environment)
        }
    }

    /// Warns about balancing settings lb runs differently from HAProxy.
    private static func checkBalance(_ proxy: Proxy, environment: inout CompileEnvironment) {
        switch proxy.balance {
        case .other(let keyword, _):
            environment.warning("balance '\(keyword)' is not implemented; backend '\(proxy.name)' uses roundrobin",
                                at: proxy.location)
        case .rdpCookie where proxy.mode == .http:
            environment.warning("balance 'rdp-cookie' reads a TCP connection's first bytes; backend '\(proxy.name)' is in HTTP mode and uses roundrobin",
                                at: proxy.location)
        case .urlParameter(_, let arguments) where arguments.contains("check_post"):
            environment.warning("balance url_param: 'check_post' is not implemented; only the query string is hashed",
                                at: proxy.location)
        default:
            break
        }
    }
}
