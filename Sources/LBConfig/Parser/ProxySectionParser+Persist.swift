extension ProxySectionParser {
    /// `persist rdp-cookie[(NAME)]`, the only form HAProxy has.
    static func parsePersist(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard let word = directive.text(1), directive.text(2) == nil else {
            context.error("'persist' expects 'rdp-cookie' or 'rdp-cookie(NAME)'", at: directive.location)
            return
        }
        if word == "rdp-cookie" {
            builder.proxy.persistRDPCookie = "msts"
        } else if let name = word.argument(of: "rdp-cookie") {
            builder.proxy.persistRDPCookie = name.isEmpty ? "msts" : name
        } else {
            context.error("unknown persistence method '\(word)'", at: directive.location(of: 1), hint: "HAProxy has only: persist rdp-cookie")
        }
    }
}
