extension ProxySectionParser {
    /// `tcp-request inspect-delay DURATION` and `tcp-request content accept|reject [if|unless COND]`; the
    /// other `tcp-request` forms are accepted and reported as not applied.
    static func parseTCPRequest(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        // lb inspects content where it chooses a backend: in frontends.
        guard builder.kind != .backend else { return recordUnapplied("tcp-request", directive, into: &builder, context: &context) }
        switch (directive.text(1), directive.text(2)) {
        case ("inspect-delay", _):
            if let value = context.duration(directive, 2, "tcp-request inspect-delay") { builder.proxy.inspectDelay = value }
        case ("content", let action?) where action == "accept" || action == "reject":
            var condition: Condition?
            if let word = directive[3] {
                guard word.bare == "if" || word.bare == "unless" else {
                    context.error("'tcp-request content \(action)' takes only 'if' or 'unless' and a condition after it",
                                  at: directive.location(of: 3))
                    return
                }
                guard let parsed = ConditionParser.parse(directive.words[3...], directive: directive,
                                                         references: &builder.aclReferences, context: &context) else { return }
                condition = parsed
            }
            builder.proxy.tcpContentRules.append(TCPContentRule(action: TCPContentRule.Action(rawValue: action)!,
                                                                condition: condition, location: directive.location))
        default:
            recordUnapplied("tcp-request", directive, into: &builder, context: &context)
        }
    }
}
