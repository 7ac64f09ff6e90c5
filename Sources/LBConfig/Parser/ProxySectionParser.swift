/// Keywords of `defaults`, `frontend`, `backend` and `listen` sections. One call per line; the builder
/// accumulates the section. Where each keyword is allowed comes from `ProxyKeywords.allowed` and
/// `UnappliedKeywords.proxy`.
enum ProxySectionParser {
    static func parse(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        let keyword = directive.keyword
        if let hint = ProxyKeywords.legacy[keyword] {
            context.error("'\(keyword)' is no longer supported", at: directive.location, hint: hint)
            return
        }
        if ProxyKeywords.allowed[keyword] == nil, let phrase = UnappliedKeywords.proxyPhrase(directive) {
            recordUnapplied(phrase, directive, into: &builder, context: &context)
            return
        }
        guard let kinds = ProxyKeywords.allowed[keyword] else {
            if GlobalSectionParser.handled.contains(keyword) {
                context.error("'\(keyword)' is only valid in the global section", at: directive.location)
            } else {
                context.error("unknown keyword '\(keyword)' in \(builder.kind.phrase)", at: directive.location,
                              hint: Spelling.hint(for: keyword, among: ProxyKeywords.vocabulary))
            }
            return
        }
        guard kinds.contains(builder.kind) else {
            if keyword == "maxconn" && builder.kind == .backend {
                guard KeywordArity.check(directive, in: KeywordArity.proxy, context: &context) else { return }
                // HAProxy ignores a backend's maxconn with a warning; refusing it would break pasted configs.
                context.warning("'maxconn' has no effect in a backend section; ignored", at: directive.location,
                                hint: "limit servers with 'server ... maxconn N' (requests beyond it wait in the queue)")
                return
            }
            notAllowed("'\(keyword)'", directive, builder, context: &context)
            return
        }
        guard KeywordArity.check(directive, in: KeywordArity.proxy, context: &context) else { return }

        switch keyword {
        case "mode":
            switch directive.text(1) {
            case "http": builder.proxy.mode = .http
            case "tcp": builder.proxy.mode = .tcp
            case let other?:
                context.error("unknown mode '\(other)'", at: directive.location(of: 1), hint: "lb supports mode http and mode tcp")
            case nil:
                context.error("'mode' expects http or tcp", at: directive.location)
            }
        case "bind":
            parseBind(directive, into: &builder, context: &context)
        case "grace":
            if let value = context.duration(directive, 1, keyword) { builder.proxy.grace = value }
        case "maxconn":
            if let value = context.integer(directive, 1, keyword, in: 0...Int(Int32.max)) { builder.proxy.maxConnections = value }
        case "timeout":
            parseTimeout(directive, into: &builder, context: &context)
        case "default_backend":
            guard let name = context.argument(directive, 1, keyword, "a backend name") else { return }
            builder.proxy.defaultBackend = reference(name)
            builder.defaultBackendLocation = directive.location
        case "use_backend":
            guard let name = directive[1], name.bare != "if", name.bare != "unless" else {
                context.error("'use_backend' expects a backend name", at: directive.location)
                return
            }
            let (extra, conditionWords) = ConditionParser.split(directive.words[2...])
            if let unexpected = extra.first {
                context.error("unexpected argument '\(unexpected.text)' after 'use_backend \(name.text)'",
                              at: directive.location(of: extra.startIndex), hint: "a condition starts with 'if' or 'unless'")
                return
            }
            var condition: Condition?
            if let conditionWords {
                guard let parsed = ConditionParser.parse(conditionWords, directive: directive, references: &builder.aclReferences,
                                                         context: &context) else { return }
                condition = parsed
            }
            builder.proxy.useBackendRules.append(UseBackendRule(backend: reference(name.text), condition: condition,
                                                                location: directive.location))
        case "server":
            if let server = ServerParser.parseServer(directive, template: builder.serverTemplate, context: &context) {
                builder.proxy.servers.append(server)
            }
        case "default-server":
            var template = builder.serverTemplate
            if ServerParser.applyOptions(directive, from: 1, to: &template, context: &context) {
                builder.serverTemplate = template
            }
        case "balance":
            if let algorithm = BalanceParser.parse(directive, context: &context) { builder.proxy.balance = algorithm }
        case "persist":
            parsePersist(directive, into: &builder, context: &context)
        case "hash-type":
            if let words = BalanceParser.parseHashType(directive, context: &context) { builder.proxy.hashType = words }
        case "cookie":
            if let settings = CookieParser.parse(directive, context: &context) { builder.proxy.cookie = settings }
        case "retries":
            if let value = context.integer(directive, 1, keyword, in: 0...Int(Int32.max)) { builder.proxy.retries = value }
        case "http-reuse":
            guard let word = context.argument(directive, 1, keyword, "never, safe, aggressive or always") else { return }
            guard let mode = HTTPReuseMode(rawValue: word) else {
                context.error("unknown 'http-reuse' mode '\(word)'", at: directive.location(of: 1),
                              hint: "use never, safe, aggressive or always")
                return
            }
            context.noExtraArguments(directive, after: 2, keyword)
            builder.proxy.httpReuse = mode
        case "retry-on":
            parseRetryOn(directive, into: &builder, context: &context)
        case "stick-table":
            if builder.proxy.stickTable != nil {
                context.error("only one 'stick-table' per section", at: directive.location,
                              hint: "declare another table in a backend of its own and use 'table NAME'")
            } else if let table = StickParser.parseTable(directive, context: &context) {
                builder.proxy.stickTable = table
            }
        case "stick":
            if let rule = StickParser.parseRule(directive, references: &builder.aclReferences, context: &context) {
                builder.proxy.stickRules.append(rule)
            }
        case "option":
            parseOption(directive.dropping(1), negated: false, original: directive, into: &builder, context: &context)
        case "no":
            switch directive.text(1) {
            case "option":
                parseOption(directive.dropping(2), negated: true, original: directive, into: &builder, context: &context)
            case "log":
                context.noExtraArguments(directive, after: 2, "no log")
                builder.proxy.logging.disabled = true
                builder.proxy.logging.useGlobal = false
                builder.proxy.logging.targets = []
            default:
                context.error("'no' is only valid before 'option' or 'log'", at: directive.location)
            }
        case "log":
            if directive.text(1) == "global" {
                context.noExtraArguments(directive, after: 2, "log global")
                builder.proxy.logging.useGlobal = true
                builder.proxy.logging.disabled = false
            } else if let target = LogTargetParser.parse(directive, context: &context) {
                builder.proxy.logging.targets.append(target)
                builder.proxy.logging.disabled = false
            }
        case "log-tag":
            builder.proxy.logging.logTag = context.argument(directive, 1, keyword, "a tag")
        case "log-format":
            guard let format = context.argument(directive, 1, keyword, "a format string") else { return }
            guard directive.count == 2 else {
                context.error("'log-format' expects one argument", at: directive.location(of: 2),
                              hint: "put the format in double quotes, or escape its spaces with '\\ '")
                return
            }
            builder.proxy.logging.format = .custom(format)
            builder.proxy.logging.formatLocation = directive.location
            builder.logFormatLocation = directive.location
        case "unique-id-format", "unique-id-header":
            parseUniqueID(directive, into: &builder, context: &context)
        case "acl":
            parseACL(directive, into: &builder, context: &context)
        case "http-request", "http-response":
            let direction: HTTPRuleParser.Direction = keyword == "http-request" ? .request : .response
            guard let rule = HTTPRuleParser.parse(directive, direction: direction, references: &builder.aclReferences,
                                                  context: &context) else { return }
            if direction == .request { builder.proxy.httpRequestRules.append(rule) } else { builder.proxy.httpResponseRules.append(rule) }
            if builder.firstHTTPRuleLocation == nil { builder.firstHTTPRuleLocation = directive.location }
        case "capture":
            parseCapture(directive, into: &builder, context: &context)
        case "stats":
            parseStats(directive, into: &builder, context: &context)
        case "monitor-uri":
            // A path, `*`, or an absolute URI (then compared with absolute-form requests as sent).
            guard let uri = context.argument(directive, 1, keyword, "a URI"),
                  uri.hasPrefix("/") || uri.hasPrefix("*") || uri.contains("://") else {
                if directive.count > 1 {
                    context.error("'monitor-uri' expects a URI starting with '/'", at: directive.location(of: 1),
                                  hint: "for example: monitor-uri /health")
                }
                return
            }
            builder.proxy.monitorURI = uri
        case "monitor":
            parseMonitor(directive, into: &builder, context: &context)
        case "tcp-request":
            parseTCPRequest(directive, into: &builder, context: &context)
        case "http-check":
            parseHTTPCheck(directive, into: &builder, context: &context)
        case "tcp-check":
            parseTCPCheck(directive, into: &builder, context: &context)
        case "load-server-state-from-file":
            guard let word = context.argument(directive, 1, keyword, "global, local or none") else { return }
            guard let loading = ServerStateLoading(rawValue: word) else {
                context.error("'load-server-state-from-file' expects global, local or none, not '\(word)'",
                              at: directive.location(of: 1))
                return
            }
            builder.proxy.serverStateLoading = loading
        case "server-state-file-name":
            // No argument, or `use-backend-name`: the backend's own name, which is also the default.
            let name = directive.text(1)
            builder.proxy.serverStateFileName = name == "use-backend-name" ? nil : name
        default:
            context.error("unknown keyword '\(keyword)' in \(builder.kind.phrase)", at: directive.location)
        }
    }

    static func reference(_ name: String) -> BackendReference {
        name.contains("%[") ? .dynamic(name) : .name(name)
    }

    static func notAllowed(_ what: String, _ directive: Directive, _ builder: ProxyBuilder, context: inout ParseContext) {
        context.error("\(what) is not allowed in \(builder.kind.phrase)", at: directive.location)
    }

    /// Accepts a keyword from `UnappliedKeywords`: checks where it is, keeps the line, warns.
    static func recordUnapplied(_ phrase: String, _ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard let kinds = UnappliedKeywords.proxy[phrase], kinds.contains(builder.kind) else {
            notAllowed("'\(phrase)'", directive, builder, context: &context)
            return
        }
        guard KeywordArity.check(directive, in: KeywordArity.proxy, context: &context) else { return }
        context.notApplied("'\(phrase)'", at: directive.location)
        builder.proxy.unappliedDirectives.append(RawDirective(keyword: phrase, words: directive.texts(from: 0),
                                                              location: directive.location))
    }

    /// `bind ADDRESS[,ADDRESS...] [options...]`.
    private static func parseBind(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        builder.hasBindLine = true
        guard let list = directive.text(1) else {
            context.error("'bind' expects an address", at: directive.location, hint: "for example: bind *:80 or bind 127.0.0.1:8080")
            return
        }
        let options = directive.texts(from: 2)
        let tls = BindTLSParser.parse(directive, from: 2, context: &context)
        for address in list.split(separator: ",", omittingEmptySubsequences: false) {
            if let inherited = AddressParsing.inheritedDescriptor(String(address)) {
                switch inherited {
                case .failure(let failure):
                    context.error(failure.message, at: directive.location(of: 1), hint: failure.hint)
                case .success(let descriptor):
                    builder.proxy.binds.append(BindAddress(descriptor: descriptor, options: options, location: directive.location))
                }
                continue
            }
            switch AddressParsing.bind(String(address)) {
            case .failure(let failure):
                context.error(failure.message, at: directive.location(of: 1), hint: failure.hint)
            case .success(let endpoints):
                for endpoint in endpoints {
                    builder.proxy.binds.append(BindAddress(host: endpoint.host, port: endpoint.port, options: options, tls: tls,
                                                           location: directive.location))
                }
            }
        }
    }

    /// `timeout NAME DURATION`.
    private static func parseTimeout(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard let name = directive.text(1) else {
            context.error("'timeout' expects a name and a duration", at: directive.location, hint: "for example: timeout client 30s")
            return
        }
        guard let entry = ProxyKeywords.timeouts[name] else {
            context.error("unknown timeout '\(name)'", at: directive.location(of: 1),
                          hint: Spelling.hint(for: name, among: ProxyKeywords.timeouts.keys)
                            ?? "expected one of: " + ProxyKeywords.timeouts.keys.sorted().joined(separator: ", "))
            return
        }
        guard let value = context.duration(directive, 2, "timeout \(name)") else { return }
        guard entry.kinds.contains(builder.kind) else {
            context.warning("'timeout \(name)' is ignored in \(builder.kind.phrase)", at: directive.location)
            return
        }
        builder.proxy.timeouts[keyPath: entry.field] = value
    }

    /// `acl NAME CRITERION...`.
    private static func parseACL(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard let name = directive.text(1), directive.count > 2 else {
            context.error("'acl' expects a name and a criterion", at: directive.location,
                          hint: "for example: acl is_static path_end .css .js")
            return
        }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else {
            context.error("invalid ACL name '\(name)'", at: directive.location(of: 1),
                          hint: "ACL names use letters, digits and - _ . :")
            return
        }
        if PredefinedACLs.names.contains(name) {
            context.error("'\(name)' is a predefined ACL and cannot be redefined", at: directive.location(of: 1))
            return
        }
        if let criterion = ACLCriterionParser.parse(directive.words[2...], directive: directive, context: &context) {
            builder.proxy.acls.append(ACLDeclaration(name: name, criterion: criterion))
        }
    }

    /// `capture request header NAME len N`, `capture response header NAME len N`, `capture cookie NAME len N`.
    private static func parseCapture(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        let kind: CaptureDeclaration.Kind
        var index: Int
        switch (directive.text(1), directive.text(2)) {
        case ("request", "header"): kind = .requestHeader; index = 3
        case ("response", "header"): kind = .responseHeader; index = 3
        case ("cookie", _): kind = .cookie; index = 2
        default:
            context.error("'capture' expects 'request header', 'response header' or 'cookie'", at: directive.location,
                          hint: "for example: capture request header Host len 64")
            return
        }
        guard let name = directive.text(index), directive.text(index + 1) == "len",
              let length = context.integer(directive, index + 2, "capture len", in: 1...65535) else {
            if directive.text(index + 1) != "len" {
                context.error("'capture' expects NAME len LENGTH", at: directive.location)
            }
            return
        }
        index += 3
        context.noExtraArguments(directive, after: index, "capture")
        builder.proxy.captures.append(CaptureDeclaration(kind: kind, name: name, length: length, location: directive.location))
    }
}
