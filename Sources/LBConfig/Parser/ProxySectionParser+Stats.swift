/// `stats ...` in proxies. Any of these keywords enables the stats page, as in HAProxy.
extension ProxySectionParser {
    static let statsKeywords = ["enable", "uri", "realm", "auth", "refresh", "hide-version", "show-legends", "admin", "scope"]

    static func parseStats(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard let sub = directive.text(1) else {
            context.error("'stats' expects a sub-keyword", at: directive.location, hint: "for example: stats enable, stats uri /stats")
            return
        }
        if UnappliedKeywords.proxy["stats \(sub)"] != nil {
            recordUnapplied("stats \(sub)", directive, into: &builder, context: &context)
            return
        }
        var stats = builder.proxy.stats ?? StatsSettings()
        let what = "stats \(sub)"
        switch sub {
        case "socket", "timeout", "maxconn":
            context.error("'\(what)' is only valid in the global section", at: directive.location)
            return
        case "enable":
            break   // every stats line enables the page, below
        case "uri":
            guard let uri = context.argument(directive, 2, what, "a URI prefix") else { return }
            stats.uri = uri
        case "realm":
            guard let realm = context.argument(directive, 2, what, "a realm") else { return }
            stats.realm = realm
        case "auth":
            guard let pair = context.argument(directive, 2, what, "USER:PASSWORD") else { return }
            guard let colon = pair.firstIndex(of: ":") else {
                context.error("'stats auth' expects USER:PASSWORD", at: directive.location(of: 2))
                return
            }
            stats.credentials.append((String(pair[..<colon]), String(pair[pair.index(after: colon)...])))
        case "refresh":
            guard let value = context.duration(directive, 2, what) else { return }
            stats.refresh = value
        case "hide-version":
            stats.hideVersion = true
        case "show-legends":
            stats.showLegends = true
        case "admin":
            guard let first = directive[2], first.bare == "if" || first.bare == "unless" else {
                context.error("'stats admin' expects a condition", at: directive.location,
                              hint: "for example: stats admin if LOCALHOST")
                return
            }
            guard let condition = ConditionParser.parse(directive.words[2...], directive: directive,
                                                        references: &builder.aclReferences, context: &context) else { return }
            stats.adminCondition = condition
        case "scope":
            guard let name = context.argument(directive, 2, what, "a proxy name") else { return }
            stats.scopes.append(name)
        default:
            context.error("unknown keyword 'stats \(sub)'", at: directive.location(of: 1),
                          hint: Spelling.hint(for: sub, among: statsKeywords + ["socket", "show-node", "show-desc"]))
            return
        }
        stats.enabled = true
        builder.proxy.stats = stats
    }
}
