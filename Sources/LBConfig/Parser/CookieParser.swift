/// Parses the proxy keyword `cookie`.
enum CookieParser {
    static func parse(_ directive: Directive, context: inout ParseContext) -> CookieSettings? {
        guard let name = context.argument(directive, 1, "cookie", "a cookie name") else { return nil }
        var settings = CookieSettings(name: name, location: directive.location)
        var modes: [CookieSettings.Mode] = []
        var index = 2
        while let word = directive.text(index) {
            switch word {
            case "insert": modes.append(.insert)
            case "rewrite": modes.append(.rewrite)
            case "prefix": modes.append(.prefix)
            case "indirect": settings.indirect = true
            case "nocache": settings.nocache = true
            case "postonly": settings.postOnly = true
            case "preserve": settings.preserve = true
            case "httponly": settings.httpOnly = true
            case "secure": settings.secure = true
            case "domain":
                guard let domain = context.argument(directive, index + 1, "cookie domain", "a domain") else { return nil }
                settings.domains.append(domain)
                index += 1
            case "attr":
                guard let attribute = context.argument(directive, index + 1, "cookie attr", "an attribute") else { return nil }
                settings.attributes.append(attribute)
                index += 1
            case "maxidle", "maxlife":
                guard let value = context.durationInSeconds(directive, index + 1, "cookie \(word)") else { return nil }
                if word == "maxidle" { settings.maxIdle = value } else { settings.maxLife = value }
                index += 1
            case "dynamic":
                context.warning("'cookie ... dynamic' is parsed but not yet applied by lb", at: directive.location(of: index))
            default:
                context.error("unknown cookie option '\(word)'", at: directive.location(of: index),
                              hint: "options are insert, rewrite, prefix, indirect, nocache, postonly, preserve, httponly, secure, domain, maxidle, maxlife, attr")
                return nil
            }
            index += 1
        }
        if modes.count > 1 {
            context.error("'cookie' accepts only one of insert, rewrite and prefix", at: directive.location)
            return nil
        }
        settings.mode = modes.first ?? .rewrite
        if settings.mode != .insert && (settings.postOnly || settings.preserve || settings.maxIdle != nil || settings.maxLife != nil) {
            context.error("'postonly', 'preserve', 'maxidle' and 'maxlife' need 'cookie ... insert'", at: directive.location)
            return nil
        }
        return settings
    }
}
