/// `tcp-check ...` rule lines and the protocol check options built on them (`option tcp-check`,
/// `option redis-check`, `option mysql-check`, `option pgsql-check`, `option smtpchk`, `option ldap-check`,
/// `option ssl-hello-chk`).
extension ProxySectionParser {
    static let protocolCheckOptions: Set<String> = ["tcp-check", "redis-check", "mysql-check", "pgsql-check", "smtpchk",
                                                    "ldap-check", "ssl-hello-chk"]

    /// `option NAME ...` for one of `protocolCheckOptions`; `no option NAME` returns to a connect check.
    static func parseProtocolCheckOption(_ name: String, _ line: Directive, negated: Bool, into check: inout HealthCheckSettings,
                                         context: inout ParseContext) {
        if negated {
            context.noExtraArguments(line, after: 1, "no option \(name)")
            if check.protocolCheck != nil { check.protocolCheck = nil }
            return
        }
        let chosen: ProtocolCheck
        switch name {
        case "tcp-check": chosen = .tcpCheck
        case "redis-check": chosen = .redis
        case "ldap-check": chosen = .ldap
        case "ssl-hello-chk": chosen = .sslHello
        case "mysql-check":
            guard line.count > 1 else { chosen = .mysql(user: nil, post41: true); break }
            guard line.text(1) == "user", let user = line.text(2), !user.isEmpty else {
                context.error("'option mysql-check' only takes 'user NAME [post-41|pre-41]'", at: line.location(of: 1))
                return
            }
            let variant = line.text(3) ?? "post-41"
            guard variant == "post-41" || variant == "pre-41" else {
                context.error("'option mysql-check user' takes 'post-41' or 'pre-41', not '\(variant)'", at: line.location(of: 3))
                return
            }
            context.noExtraArguments(line, after: 4, "option mysql-check")
            chosen = .mysql(user: user, post41: variant == "post-41")
        case "pgsql-check":
            guard line.text(1) == "user", let user = line.text(2), !user.isEmpty else {
                context.error("'option pgsql-check' expects 'user NAME'", at: line.location(of: 1),
                              hint: "the check sends a StartupMessage for that user, for example: option pgsql-check user haproxy")
                return
            }
            context.noExtraArguments(line, after: 3, "option pgsql-check")
            chosen = .postgres(user: user)
        default: // smtpchk
            // As HAProxy does: only HELO and EHLO are kept; anything else means the default greeting.
            if let hello = line.text(1), let domain = line.text(2), hello == "HELO" || hello == "EHLO" {
                chosen = .smtp(greeting: "\(hello) \(domain)")
            } else {
                chosen = .smtp(greeting: "HELO localhost")
            }
            context.noExtraArguments(line, after: 3, "option smtpchk")
        }
        check.protocolCheck = chosen
        check.httpCheck = false
    }

    /// One `tcp-check` line, appended to the section's rule list; a section's first line drops the rules
    /// its defaults section had, as haproxy inherits a rule list only into sections without their own.
    static func parseTCPCheck(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        if !builder.hasOwnTCPCheckRules {
            builder.proxy.healthCheck.tcpCheckRules = []
            builder.hasOwnTCPCheckRules = true
        }
        guard let sub = directive.text(1) else {
            context.error("'tcp-check' expects connect, send, send-binary, expect or comment", at: directive.location)
            return
        }
        let rule: TCPCheckRule?
        switch sub {
        case "comment":
            guard let text = directive.text(2) else {
                context.error("'tcp-check comment' expects a text", at: directive.location)
                return
            }
            context.noExtraArguments(directive, after: 3, "tcp-check comment")
            rule = .comment(text)
        case "connect":
            rule = parseTCPCheckConnect(directive, context: &context)
            if rule != nil, builder.proxy.healthCheck.tcpCheckRules.contains(where: { if case .comment = $0 { false } else { true } }),
               !builder.proxy.healthCheck.tcpCheckRules.contains(where: { if case .connect = $0 { true } else { false } }) {
                context.error("the first 'tcp-check' step must be a 'connect' when the rule list has one", at: directive.location,
                              hint: "move this connect first, or add a 'tcp-check connect' at the start")
                return
            }
        case "send", "send-binary":
            guard let data = directive.text(2) else {
                context.error("'tcp-check \(sub)' expects \(sub == "send" ? "a string" : "hexadecimal digits")", at: directive.location)
                return
            }
            var bytes = Array(data.utf8)
            if sub == "send-binary" {
                guard let decoded = hexBytes(data) else {
                    context.error("'tcp-check send-binary' expects an even number of hexadecimal digits, not '\(data)'",
                                  at: directive.location(of: 2))
                    return
                }
                bytes = decoded
            }
            var comment: String?
            if directive.count > 3 {
                guard directive.text(3) == "comment", let text = directive.text(4) else {
                    context.error("'tcp-check \(sub)' takes only 'comment TEXT' after the data", at: directive.location(of: 3))
                    return
                }
                context.noExtraArguments(directive, after: 5, "tcp-check \(sub)")
                comment = text
            }
            rule = .send(data: bytes, comment: comment)
        case "expect":
            rule = parseTCPCheckExpect(directive, context: &context)
        case "send-lf", "send-binary-lf", "set-var", "set-var-fmt", "unset-var":
            context.notApplied("'tcp-check \(sub)'", at: directive.location)
            return
        default:
            if sub.hasPrefix("set-var") || sub.hasPrefix("unset-var") {
                context.notApplied("'tcp-check \(sub)'", at: directive.location)
                return
            }
            context.error("unknown 'tcp-check' keyword '\(sub)'", at: directive.location(of: 1),
                          hint: Spelling.hint(for: sub, among: ["connect", "send", "send-binary", "expect", "comment"]))
            return
        }
        if let rule { builder.proxy.healthCheck.tcpCheckRules.append(rule) }
    }

    private static func parseTCPCheckConnect(_ directive: Directive, context: inout ParseContext) -> TCPCheckRule? {
        var connect = TCPCheckRule.Connect()
        var index = 2
        while let word = directive.text(index) {
            switch word {
            case "default": connect.useServerSettings = true
            case "ssl": connect.ssl = true
            case "send-proxy": connect.sendProxy = true
            case "linger": break // lb always closes a check connection cleanly
            case "port":
                guard let port = context.integer(directive, index + 1, "tcp-check connect port", in: 1...65535) else { return nil }
                connect.port = port
                index += 1
            case "sni", "comment":
                guard let value = directive.text(index + 1) else {
                    context.error("'tcp-check connect \(word)' expects a value", at: directive.location(of: index))
                    return nil
                }
                if word == "sni" { connect.sni = value } else { connect.comment = value }
                index += 1
            case "addr", "alpn", "proto", "via-socks4":
                context.notApplied("'tcp-check connect \(word)'", at: directive.location(of: index))
                if word != "via-socks4" { index += 1 }
            default:
                context.error("unknown 'tcp-check connect' option '\(word)'", at: directive.location(of: index),
                              hint: "expected default, port N, ssl, sni NAME, send-proxy, linger or comment TEXT")
                return nil
            }
            index += 1
        }
        return .connect(connect)
    }

    /// The options may come before or after the matcher and its pattern, as HAProxy accepts them.
    private static func parseTCPCheckExpect(_ directive: Directive, context: inout ParseContext) -> TCPCheckRule? {
        var index = 2
        var negated = false
        var pattern: TCPCheckRule.Expect.Pattern?
        var options = TCPCheckRule.Expect(pattern: .string([]))
        let allowed: [String: Set<String>] = [
            "ok-status": ["L7OK", "L6OK", "L4OK"],
            "error-status": ["L7RSP", "L7STS", "L6RSP", "L4CON"],
            "tout-status": ["L7TOUT", "L6TOUT", "L4TOUT"],
        ]
        while let word = directive.text(index) {
            if word == "!" {
                negated = true
                index += 1
                continue
            }
            guard let value = directive.text(index + 1) else {
                context.error("'tcp-check expect \(word)' expects a value", at: directive.location(of: index),
                              hint: "for example: tcp-check expect string +PONG")
                return nil
            }
            switch word {
            case "min-recv":
                guard let minimum = context.integer(directive, index + 1, "tcp-check expect min-recv", in: -1...Int(Int32.max)) else {
                    return nil
                }
                options.minimumReceived = minimum < 0 ? nil : minimum
            case "comment", "on-success", "on-error":
                if value.contains("%[") {
                    context.warning("'tcp-check expect \(word)' is used as plain text: lb does not evaluate log-format expressions here",
                                    at: directive.location(of: index + 1))
                }
                switch word {
                case "comment": options.comment = value
                case "on-success": options.onSuccess = value
                default: options.onError = value
                }
            case "ok-status", "error-status", "tout-status":
                guard allowed[word]!.contains(value) else {
                    context.error(value == "L7OKC" ? "'\(word) L7OKC' is not supported by lb" : "invalid \(word) '\(value)'",
                                  at: directive.location(of: index + 1),
                                  hint: "expected one of " + allowed[word]!.sorted().joined(separator: ", "))
                    return nil
                }
                switch word {
                case "ok-status": options.okStatus = value
                case "error-status": options.errorStatus = value
                default: options.timeoutStatus = value
                }
            case "status-code":
                context.notApplied("'tcp-check expect status-code'", at: directive.location(of: index))
            default:
                var kind = word
                if kind.hasPrefix("!") {
                    negated = true
                    kind.removeFirst()
                }
                guard pattern == nil else {
                    context.error("'tcp-check expect' takes one matcher; '\(word)' is a second one", at: directive.location(of: index))
                    return nil
                }
                switch kind {
                case "string": pattern = .string(Array(value.utf8))
                case "rstring", "rbinary":
                    guard (try? Regex(value)) != nil else {
                        context.error("invalid regular expression '\(value)' in 'tcp-check expect \(kind)'", at: directive.location(of: index + 1))
                        return nil
                    }
                    pattern = kind == "rstring" ? .regex(value) : .binaryRegex(value)
                case "binary":
                    guard let bytes = hexBytes(value) else {
                        context.error("'tcp-check expect binary' expects an even number of hexadecimal digits, not '\(value)'",
                                      at: directive.location(of: index + 1))
                        return nil
                    }
                    pattern = .binary(bytes)
                case "string-lf", "binary-lf":
                    context.notApplied("'tcp-check expect \(kind)'", at: directive.location(of: index))
                    return nil
                default:
                    context.error("unknown 'tcp-check expect' option or matcher '\(kind)'", at: directive.location(of: index),
                                  hint: "expected string, rstring, binary or rbinary (optionally after '!'), min-recv, comment, "
                                      + "ok-status, error-status, tout-status, on-success or on-error")
                    return nil
                }
            }
            index += 2
        }
        guard let pattern else {
            context.error("'tcp-check expect' expects a matcher (string, rstring, binary, rbinary) and a pattern",
                          at: directive.location, hint: "for example: tcp-check expect string +PONG")
            return nil
        }
        options.pattern = pattern
        options.negated = negated
        return .expect(options)
    }

    /// `50494e47` → the bytes it spells; nil for an odd count or a non-hexadecimal digit.
    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
