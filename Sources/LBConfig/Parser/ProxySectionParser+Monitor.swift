extension ProxySectionParser {
    /// `monitor fail if|unless COND`: the monitor URI answers 503 while the condition holds.
    static func parseMonitor(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard directive.text(1) == "fail", let word = directive[2], word.bare == "if" || word.bare == "unless" else {
            context.error("'monitor' expects 'fail if CONDITION' or 'fail unless CONDITION'", at: directive.location,
                          hint: "for example: monitor fail if { nbsrv(app) lt 1 }")
            return
        }
        guard let condition = ConditionParser.parse(directive.words[2...], directive: directive,
                                                    references: &builder.aclReferences, context: &context) else { return }
        builder.proxy.monitorFailConditions.append(condition)
    }
}
