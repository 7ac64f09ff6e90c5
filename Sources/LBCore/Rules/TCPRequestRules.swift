import LBConfig

/// What a set of `tcp-request` rules decided about a connection.
public enum TCPRuleVerdict: Sendable, Hashable {
    /// An `accept` rule matched, or no rule ended the evaluation: the connection goes on.
    case accept
    /// A `reject` rule matched: the connection is closed.
    case reject
}

/// The compiled `tcp-request connection`, `session` or `content` rules of one frontend. Immutable and
/// shareable across loops.
public struct TCPRequestRules: Sendable {
    var rules: [CompiledTCPRule]

    public init() { rules = [] }

    init(rules: [CompiledTCPRule]) { self.rules = rules }

    public var isEmpty: Bool { rules.isEmpty }

    /// Runs the rules in order until `accept` or `reject`; `track-scN` and the counter actions work on
    /// `stickCounters` as they go. `request` is the request head when content rules run in HTTP mode.
    public func evaluate(connection: ConnectionInfo, request: HTTPRequestHead? = nil, serverCounts: (any UsableServerCounts)?,
                         stickCounters: (any StickCounterAccess)?) -> TCPRuleVerdict {
        for rule in rules {
            let context = SampleContext(head: request, connection: connection, serverCounts: serverCounts, stickCounters: stickCounters)
            if let condition = rule.condition, !condition.matches(context) { continue }
            switch rule.action {
            case .accept:
                return .accept
            case .reject:
                return .reject
            case .track(let slot, let key, let table):
                if let key = key.value(in: context) { stickCounters?.track(slot, table: table, key: String(key.text)) }
            case .stickCounter(let slot, let operation):
                _ = stickCounters?.tracked(slot, operation)
            }
        }
        return .accept
    }

    /// Compiles `rules` of `phase`; invalid rules are left out (with diagnostics).
    static func compile(_ rules: [TCPRequestRule], phase: TCPRequestRule.Phase, acls: [String: CompiledACL],
                        environment: inout CompileEnvironment) -> TCPRequestRules {
        TCPRequestRules(rules: rules.compactMap {
            CompiledTCPRule.compile($0, phase: phase, acls: acls, environment: &environment)
        })
    }
}
