extension ProxySectionParser {
    /// `tcp-request inspect-delay DURATION` and `tcp-request connection|session|content ACTION [if|unless
    /// COND]` with the actions `accept`, `reject`, `track-scN` and the `sc-*` counter actions; other
    /// actions are accepted and reported as not applied.
    static func parseTCPRequest(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        // lb inspects content where it chooses a backend: in frontends.
        guard builder.kind != .backend else { return recordUnapplied("tcp-request", directive, into: &builder, context: &context) }
        switch directive.text(1) {
        case "inspect-delay":
            if let value = context.duration(directive, 2, "tcp-request inspect-delay") { builder.proxy.inspectDelay = value }
        case let phaseName? where TCPRequestRule.Phase(rawValue: phaseName) != nil:
            let phase = TCPRequestRule.Phase(rawValue: phaseName)!
            switch parseTCPRule(directive, phase: phase, references: &builder.aclReferences, context: &context) {
            case .rule(let rule):
                switch phase {
                case .connection: builder.proxy.tcpConnectionRules.append(rule)
                case .session: builder.proxy.tcpSessionRules.append(rule)
                case .content: builder.proxy.tcpContentRules.append(rule)
                }
            case .notImplemented:
                recordUnapplied("tcp-request", directive, into: &builder, context: &context)
            case .invalid:
                return
            }
        default:
            recordUnapplied("tcp-request", directive, into: &builder, context: &context)
        }
    }

    private enum TCPRuleOutcome {
        case rule(TCPRequestRule)
        /// An action lb does not perform (`set-var`, `capture`, `expect-proxy`...).
        case notImplemented
        /// Reported.
        case invalid
    }

    private static func parseTCPRule(_ directive: Directive, phase: TCPRequestRule.Phase,
                                     references: inout [(name: String, location: SourceLocation)],
                                     context: inout ParseContext) -> TCPRuleOutcome {
        let keyword = "tcp-request \(phase.rawValue)"
        guard let action = directive.text(2) else {
            context.error("'\(keyword)' expects an action", at: directive.location,
                          hint: "for example: \(keyword) reject if { src 192.0.2.0/24 }")
            return .invalid
        }
        let base = action.split(separator: "(", maxSplits: 1).first.map(String.init) ?? action
        let (argumentWords, conditionWords) = ConditionParser.split(directive.words[3...])
        let arguments = argumentWords.map(\.text)
        let parsed: TCPRequestRule.Action
        switch base {
        case "accept", "reject":
            guard arguments.isEmpty else {
                context.error("'\(keyword) \(base)' takes only 'if' or 'unless' and a condition after it", at: directive.location(of: 3))
                return .invalid
            }
            parsed = base == "accept" ? .accept : .reject
        case "track-sc0", "track-sc1", "track-sc2":
            guard case .track(let slot, let key, let table)? = StickRuleWords.track(base, arguments, directive: directive, context: &context)
            else { return .invalid }
            parsed = .track(slot: slot, key: key, table: table)
        case "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0":
            guard case .stickCounter(let name, let slot, let value)? = StickRuleWords.counterAction(
                action, base: base, arguments, directive: directive, context: &context) else { return .invalid }
            parsed = .stickCounter(name: name, slot: slot, value: value)
        default:
            return .notImplemented
        }
        var condition: Condition?
        if let conditionWords {
            guard let compiled = ConditionParser.parse(conditionWords, directive: directive, references: &references, context: &context)
            else { return .invalid }
            condition = compiled
        }
        return .rule(TCPRequestRule(action: parsed, condition: condition, location: directive.location))
    }
}
