/// `option NAME [arguments]` and `no option NAME`.
extension ProxySectionParser {
    /// `line` starts at the option name; `original` is the whole line, for messages and kept directives.
    static func parseOption(_ line: Directive, negated: Bool, original: Directive, into builder: inout ProxyBuilder,
                            context: inout ParseContext) {
        guard let name = line.text(0) else {
            context.error("'\(negated ? "no option" : "option")' expects an option name", at: original.location)
            return
        }
        let title = "'\(negated ? "no " : "")option \(name)'"
        if let hint = ProxyOptions.removed[name] {
            context.error("\(title) is no longer supported", at: original.location, hint: hint)
            return
        }
        if UnappliedKeywords.proxy["option \(name)"] != nil {
            // `no option X` takes nothing after the name; `option X` is checked against KeywordArity.
            if negated, line.count > 1 {
                context.noExtraArguments(line, after: 1, "no option \(name)")
                return
            }
            recordUnapplied("option \(name)", original, into: &builder, context: &context)
            return
        }
        guard let kinds = ProxyOptions.dedicated[name] ?? ProxyOptions.generic[name] else {
            context.error("unknown option '\(name)'", at: original.location(of: negated ? 2 : 1),
                          hint: Spelling.hint(for: name, among: ProxyOptions.vocabulary))
            return
        }
        guard kinds.contains(builder.kind) else {
            context.warning("\(title) is ignored in \(builder.kind.phrase)", at: original.location)
            return
        }
        var proxy = builder.proxy
        defer { builder.proxy = proxy }

        func noArguments() { context.noExtraArguments(line, after: 1, "option \(name)") }

        switch name {
        case "http-keep-alive", "http-server-close", "httpclose", "forceclose":
            noArguments()
            let mode: HTTPConnectionMode = name == "http-keep-alive" ? .keepAlive : name == "http-server-close" ? .serverClose : .close
            if negated {
                if proxy.httpConnectionMode == mode { proxy.httpConnectionMode = nil }
            } else {
                proxy.httpConnectionMode = mode
            }
            if name == "forceclose" {
                context.warning("'option forceclose' is deprecated; it is treated as 'option httpclose'", at: original.location,
                                hint: "write 'option httpclose'")
            }
        case "forwardfor":
            if negated {
                noArguments()
                proxy.forwardFor = nil
            } else if let settings = parseForwardFor(line, context: &context) {
                proxy.forwardFor = settings
            }
        case "httplog", "httpslog":
            let variant = line.text(1)
            let clf = variant == "clf", json = variant == "json"
            context.noExtraArguments(line, after: clf || json ? 2 : 1, "option \(name)")
            if negated {
                if [.httplog, .httpslog, .httplogCLF, .httplogJSON].contains(proxy.logging.format) { proxy.logging.format = .none }
            } else {
                // lb's `clf` and `json` variants apply to both; lb's JSON lines carry the TLS facts anyway.
                proxy.logging.format = clf ? .httplogCLF : json ? .httplogJSON : name == "httpslog" ? .httpslog : .httplog
                builder.logFormatLocation = original.location
            }
        case "tcplog":
            noArguments()
            if negated {
                if proxy.logging.format == .tcplog { proxy.logging.format = .none }
            } else {
                proxy.logging.format = .tcplog
                builder.logFormatLocation = original.location
            }
        case "dontlognull":
            noArguments()
            proxy.logging.dontLogNull = !negated
        case "dontlog-normal":
            noArguments()
            proxy.logging.dontLogNormal = !negated
        case "log-separate-errors":
            noArguments()
            proxy.logging.separateErrors = !negated
        case "logasap":
            noArguments()
            proxy.logging.logASAP = !negated
        case "httpchk":
            if negated {
                noArguments()
                proxy.healthCheck.httpCheck = false
                builder.httpCheckLocation = nil
            } else if parseHTTPCheckOption(line, into: &proxy.healthCheck, context: &context) {
                proxy.healthCheck.protocolCheck = nil
                builder.httpCheckLocation = original.location
            }
        case _ where protocolCheckOptions.contains(name):
            parseProtocolCheckOption(name, line, negated: negated, into: &proxy.healthCheck, context: &context)
        case "redispatch":
            if negated {
                noArguments()
                proxy.redispatchInterval = nil
            } else if line.count > 1 {
                guard let interval = context.integer(line, 1, "option redispatch", in: Int(Int32.min)...Int(Int32.max)) else { return }
                context.noExtraArguments(line, after: 2, "option redispatch")
                proxy.redispatchInterval = interval == 0 ? nil : interval
            } else {
                proxy.redispatchInterval = -1
            }
        default:
            noArguments()
            proxy.options[name] = !negated
        }
    }

    /// `option forwardfor [except NETWORK] [header NAME] [if-none]`.
    private static func parseForwardFor(_ line: Directive, context: inout ParseContext) -> ForwardForSettings? {
        var settings = ForwardForSettings()
        var index = 1
        while let word = line.text(index) {
            switch word {
            case "except":
                guard let text = line.text(index + 1), let network = IPNetwork(text) else {
                    context.error("'option forwardfor except' expects a network such as 127.0.0.0/8", at: line.location(of: index))
                    return nil
                }
                settings.except = network
                index += 2
            case "header":
                guard let name = line.text(index + 1), !name.isEmpty else {
                    context.error("'option forwardfor header' expects a header name", at: line.location(of: index))
                    return nil
                }
                settings.header = name
                index += 2
            case "if-none":
                settings.ifNone = true
                index += 1
            default:
                context.error("unknown 'option forwardfor' argument '\(word)'", at: line.location(of: index),
                              hint: "expected except NETWORK, header NAME or if-none")
                return nil
            }
        }
        return settings
    }

    /// `option httpchk`, `option httpchk URI`, `option httpchk METHOD URI [VERSION]`. A version may carry
    /// extra headers after CRLF, the old way of sending a Host header: `HTTP/1.1\r\nHost:\ example.com`.
    private static func parseHTTPCheckOption(_ line: Directive, into check: inout HealthCheckSettings, context: inout ParseContext) -> Bool {
        let arguments = line.texts(from: 1)
        var method = check.method, uri = check.uri, version = check.version
        switch arguments.count {
        case 0: break
        case 1: uri = arguments[0]
        case 2: method = arguments[0]; uri = arguments[1]
        case 3: method = arguments[0]; uri = arguments[1]; version = arguments[2]
        default:
            context.error("'option httpchk' takes at most a method, a URI and a version", at: line.location(of: 4),
                          hint: "use 'http-check send hdr NAME VALUE' to add headers")
            return false
        }
        guard method.allSatisfy({ $0.isASCII && ($0.isUppercase || $0 == "-" || $0 == "_") }), !method.isEmpty else {
            context.error("invalid health check method '\(method)'", at: line.location(of: 1), hint: "for example GET, HEAD or OPTIONS")
            return false
        }
        var headers: [String] = []
        let lines = version.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
        if lines.count > 1 {
            version = lines[0]
            headers = Array(lines.dropFirst())
        }
        check.httpCheck = true
        check.method = method
        check.uri = uri
        check.version = version
        check.headers += headers
        return true
    }

    /// `http-check expect ...`, `http-check send ...` and the forms kept as not yet applied.
    static func parseHTTPCheck(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard let sub = directive.text(1) else {
            context.error("'http-check' expects expect, send or another sub-keyword", at: directive.location)
            return
        }
        if UnappliedKeywords.proxy["http-check \(sub)"] != nil {
            recordUnapplied("http-check \(sub)", directive, into: &builder, context: &context)
            return
        }
        switch sub {
        case "expect":
            let words = directive.texts(from: 2)
            let matchers: Set<String> = ["status", "rstatus", "string", "rstring", "hdr", "fhdr", "custom"]
            guard words.contains(where: matchers.contains) else {
                context.error("'http-check expect' expects a matcher (status, rstatus, string, rstring, hdr, fhdr) and a pattern",
                              at: directive.location, hint: "for example: http-check expect status 200-399")
                return
            }
            builder.proxy.healthCheck.expect = words
        case "send":
            var check = builder.proxy.healthCheck
            var index = 2
            while let option = directive.text(index) {
                guard let value = directive.text(index + 1) else {
                    context.error("'http-check send \(option)' expects a value", at: directive.location(of: index))
                    return
                }
                switch option {
                case "meth": check.method = value
                case "uri", "uri-lf": check.uri = value
                case "ver": check.version = value
                case "hdr":
                    guard let headerValue = directive.text(index + 2) else {
                        context.error("'http-check send hdr' expects a name and a value", at: directive.location(of: index))
                        return
                    }
                    check.headers.append("\(value): \(headerValue)")
                    index += 1
                case "body": check.body = value
                case "body-lf", "comment":
                    context.notApplied("'http-check send \(option)'", at: directive.location(of: index))
                default:
                    context.error("unknown 'http-check send' option '\(option)'", at: directive.location(of: index),
                                  hint: "expected meth, uri, ver, hdr or body")
                    return
                }
                index += 2
            }
            builder.proxy.healthCheck = check
        default:
            context.error("unknown 'http-check' keyword '\(sub)'", at: directive.location(of: 1),
                          hint: Spelling.hint(for: sub, among: ["expect", "send", "connect", "disable-on-404", "send-state", "comment"]))
        }
    }
}
