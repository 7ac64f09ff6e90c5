import LBConfig

/// One `tcp-request connection|session|content` rule in executable form.
struct CompiledTCPRule: Sendable {
    enum Action: Sendable {
        case accept
        case reject
        /// `track-scN`: the key expression and the table's index in `ProxyPlan.stickTables`.
        case track(slot: Int, key: SampleExpression, table: Int)
        case stickCounter(slot: Int, operation: StickCounterOperation)
    }

    var action: Action
    var condition: CompiledCondition?

    /// Compiles one rule; nil (with diagnostics) when it is invalid.
    static func compile(_ rule: TCPRequestRule, phase: TCPRequestRule.Phase, acls: [String: CompiledACL],
                        environment: inout CompileEnvironment) -> CompiledTCPRule? {
        var condition: CompiledCondition?
        if let written = rule.condition {
            guard let compiled = CompiledCondition.compile(written, acls: acls, environment: &environment) else { return nil }
            condition = compiled
        }
        let action: Action
        switch rule.action {
        case .accept: action = .accept
        case .reject: action = .reject
        case .track(let slot, let key, let table):
            guard case .track(_, let expression, let index)? = CompiledHTTPRule.compileTrack(
                slot: slot, key: key, table: table, keyword: "tcp-request \(phase.rawValue)", at: rule.location,
                environment: &environment) else { return nil }
            action = .track(slot: slot, key: expression, table: index)
        case .stickCounter(let name, let slot, let value):
            action = .stickCounter(slot: slot, operation: StickCounterOperation.ruleAction(name, value: value))
        }
        return CompiledTCPRule(action: action, condition: condition)
    }
}
