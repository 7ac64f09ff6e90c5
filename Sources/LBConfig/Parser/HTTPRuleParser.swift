/// `http-request ACTION [arguments] [if|unless CONDITION]` and the same for `http-response`.
enum HTTPRuleParser {
    enum Direction {
        case request, response
        var keyword: String { self == .request ? "http-request" : "http-response" }
    }

    static func parse(
        _ directive: Directive,
        direction: Direction,
        references: inout [(name: String, location: SourceLocation)],
        context: inout ParseContext
    ) -> HTTPRule? {
        let keyword = direction.keyword
        guard let action = directive.text(1) else {
            context.error("'\(keyword)' expects an action", at: directive.location,
                          hint: "for example: \(keyword) set-header X-Name value")
            return nil
        }
        let (argumentWords, conditionWords) = ConditionParser.split(directive.words[2...])
        let arguments = argumentWords.map(\.text)
        let argumentStart = 2
        var condition: Condition?
        if let conditionWords {
            guard let parsed = ConditionParser.parse(conditionWords, directive: directive, references: &references, context: &context) else {
                return nil
            }
            condition = parsed
        }
        let base = action.split(separator: "(", maxSplits: 1).first.map(String.init) ?? action
        let what = "\(keyword) \(base)"

        func expect(_ count: Int, _ description: String) -> Bool {
            guard arguments.count == count else {
                let problem = arguments.count < count ? "expects \(description)" : "takes only \(description)"
                context.error("'\(what)' \(problem)", at: directive.location(of: 1),
                              hint: arguments.count > count ? "quote a value that contains spaces" : nil)
                return false
            }
            return true
        }

        if direction == .response, HTTPActions.requestOnly.contains(base) {
            context.error("'\(base)' is not allowed in http-response rules", at: directive.location(of: 1),
                          hint: "use it in an http-request rule")
            return nil
        }

        // `reject` in http-response rules is not run yet: warned about, not refused.
        if direction == .response, base == "reject" {
            context.notApplied("'http-response \(base)'", at: directive.location(of: 1))
            return HTTPRule(action: .unsupported(keyword: action, arguments: arguments), condition: condition, location: directive.location)
        }

        let result: HTTPRule.Action
        switch base {
        case "set-header", "add-header":
            guard expect(2, "a header name and a value") else { return nil }
            result = base == "set-header" ? .setHeader(name: arguments[0], value: arguments[1])
                : .addHeader(name: arguments[0], value: arguments[1])
        case "del-header":
            guard !arguments.isEmpty else {
                context.error("'\(what)' expects a header name", at: directive.location(of: 1))
                return nil
            }
            if arguments.count > 1 {
                if arguments.count == 3, arguments[1] == "-m" {
                    context.notApplied("'del-header ... -m \(arguments[2])' (exact name match is used)", at: directive.location(of: argumentStart + 1))
                } else {
                    context.error("'\(what)' takes a header name and an optional '-m METHOD'", at: directive.location(of: argumentStart + 1))
                    return nil
                }
            }
            result = .delHeader(name: arguments[0])
        case "replace-header":
            guard expect(3, "a header name, a regular expression and a replacement") else { return nil }
            result = .replaceHeader(name: arguments[0], regex: arguments[1], replacement: arguments[2])
        case "deny":
            guard let status = parseDeny(directive, arguments: arguments, direction: direction, context: &context) else { return nil }
            result = .deny(status: status)
        case "tarpit":
            guard direction == .request else {
                context.error("'tarpit' is not allowed in http-response rules", at: directive.location(of: 1))
                return nil
            }
            guard let status = parseDeny(directive, arguments: arguments, direction: direction, context: &context) else { return nil }
            // Without its own status a tarpit ends in a 500, where a deny answers 403.
            let statusGiven = arguments.contains("deny_status") || arguments.contains("status")
            result = .tarpit(status: statusGiven ? status : 500)
        case "reject":
            guard expect(0, "no argument") else { return nil }
            result = .reject
        case "track-sc0", "track-sc1", "track-sc2":
            guard let parsed = StickRuleWords.track(base, arguments, directive: directive, context: &context) else { return nil }
            result = parsed
        case "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0":
            guard let parsed = StickRuleWords.counterAction(action, base: base, arguments, directive: directive, context: &context) else { return nil }
            result = parsed
        case "return":
            guard let parsed = parseReturn(directive, arguments: arguments, context: &context) else { return nil }
            result = parsed
        case "allow":
            guard expect(0, "no argument") else { return nil }
            result = .allow
        case "redirect":
            guard let parsed = parseRedirect(directive, arguments: arguments, context: &context) else { return nil }
            result = parsed
        case "auth":
            if arguments.isEmpty {
                result = .auth(realm: nil)
            } else if arguments.count == 2, arguments[0] == "realm" {
                result = .auth(realm: arguments[1])
            } else {
                context.error("'\(what)' takes only 'realm NAME'", at: directive.location(of: argumentStart))
                return nil
            }
        case "set-path", "set-query", "set-uri":
            guard expect(1, "one value") else { return nil }
            result = base == "set-path" ? .setPath(arguments[0]) : base == "set-query" ? .setQuery(arguments[0]) : .setURI(arguments[0])
        case "use-service":
            guard expect(1, "a service name") else { return nil }
            result = .useService(arguments[0])
        default:
            guard HTTPActions.other.contains(base) || base.hasPrefix("lua.") else {
                context.error("unknown \(keyword) action '\(action)'", at: directive.location(of: 1),
                              hint: Spelling.hint(for: base, among: HTTPActions.handled.union(HTTPActions.other)))
                return nil
            }
            context.notApplied("'\(keyword) \(action)'", at: directive.location(of: 1))
            result = .unsupported(keyword: action, arguments: arguments)
        }
        return HTTPRule(action: result, condition: condition, location: directive.location)
    }

    /// `deny [deny_status N] [response options...]`: the status (403 for requests, 502 for responses).
    private static func parseDeny(_ directive: Directive, arguments: [String], direction: Direction, context: inout ParseContext) -> Int? {
        var status = direction == .request ? 403 : 502
        var index = 0
        while index < arguments.count {
            let option = arguments[index]
            switch option {
            case "deny_status", "status":
                guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), (200...599).contains(value) else {
                    context.error("'deny \(option)' expects an HTTP status from 200 to 599", at: directive.location(of: index + 2))
                    return nil
                }
                status = value
                index += 2
            case "content-type", "string", "lf-string", "file", "lf-file", "errorfile", "errorfiles":
                context.notApplied("'deny \(option)' (a custom deny response)", at: directive.location(of: index + 2))
                index += 2
            case "hdr":
                context.notApplied("'deny hdr'", at: directive.location(of: index + 2))
                index += 3
            case "default-errorfiles":
                index += 1
            default:
                context.error("unknown 'deny' option '\(option)'", at: directive.location(of: index + 2),
                              hint: "expected deny_status N")
                return nil
            }
        }
        return status
    }

    /// `return [status N] [content-type T] [string S | lf-string S | file F] ...`.
    private static func parseReturn(_ directive: Directive, arguments: [String], context: inout ParseContext) -> HTTPRule.Action? {
        var status = 200
        var contentType: String?
        var body: HTTPRule.ReturnBody?
        var headers: [HTTPRule.ReturnHeader] = []
        var index = 0
        while index < arguments.count {
            let option = arguments[index]
            let location = directive.location(of: index + 2)
            guard option == "default-errorfiles" || index + 1 < arguments.count else {
                context.error("'return \(option)' expects a value", at: location)
                return nil
            }
            switch option {
            case "status":
                guard let value = Int(arguments[index + 1]), (200...599).contains(value) else {
                    context.error("'return status' expects an HTTP status from 200 to 599", at: location)
                    return nil
                }
                status = value
            case "content-type":
                contentType = arguments[index + 1]
            case "string", "lf-string", "file", "lf-file", "errorfile", "errorfiles":
                guard body == nil else {
                    context.error("'return' accepts only one body ('\(option)' after another)", at: location)
                    return nil
                }
                let value = arguments[index + 1]
                switch option {
                case "string": body = .string(value)
                case "lf-string": body = .logFormat(value)
                case "file": body = .file(value)
                case "lf-file": body = .logFormatFile(value)
                default:
                    context.notApplied("'return \(option)'", at: location)
                    body = .file(value)
                }
            case "hdr":
                guard index + 2 < arguments.count else {
                    context.error("'return hdr' expects a header name and a value", at: location)
                    return nil
                }
                headers.append(HTTPRule.ReturnHeader(name: arguments[index + 1], value: arguments[index + 2]))
                index += 1
            case "default-errorfiles":
                index -= 1
            default:
                context.error("unknown 'return' option '\(option)'", at: location,
                              hint: "expected status, content-type, string, lf-string, file or hdr")
                return nil
            }
            index += 2
        }
        return .return(status: status, contentType: contentType, body: body, headers: headers)
    }

    /// `redirect location|prefix|scheme TARGET [code N] [options]`.
    private static func parseRedirect(_ directive: Directive, arguments: [String], context: inout ParseContext) -> HTTPRule.Action? {
        guard arguments.count >= 2, let kind = HTTPRule.RedirectKind(rawValue: arguments[0]) else {
            context.error("'redirect' expects location, prefix or scheme followed by a target", at: directive.location(of: 1),
                          hint: "for example: http-request redirect scheme https code 301")
            return nil
        }
        var code = 302
        var index = 2
        while index < arguments.count {
            let option = arguments[index]
            let location = directive.location(of: index + 2)
            switch option {
            case "code":
                guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), [301, 302, 303, 307, 308].contains(value) else {
                    context.error("'redirect code' expects 301, 302, 303, 307 or 308", at: location)
                    return nil
                }
                code = value
                index += 2
            case "drop-query", "append-slash", "ignore-empty", "keep-query":
                context.notApplied("'redirect \(option)'", at: location)
                index += 1
            case "set-cookie", "clear-cookie", "set-cookie-fmt":
                context.notApplied("'redirect \(option)'", at: location)
                index += 2
            default:
                context.error("unknown 'redirect' option '\(option)'", at: location,
                              hint: "expected code N, drop-query, append-slash, set-cookie or clear-cookie")
                return nil
            }
        }
        return .redirect(kind: kind, target: arguments[1], code: code)
    }
}
