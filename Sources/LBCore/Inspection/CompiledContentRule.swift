import LBConfig

/// A `tcp-request content` rule, its condition compiled.
public struct CompiledContentRule: Sendable {
    public var action: TCPContentRule.Action
    public var condition: CompiledCondition?

    /// Whether the rule applies to a connection (a rule without a condition always does).
    public func applies(to connection: ConnectionInfo, serverCounts: (any UsableServerCounts)?) -> Bool {
        condition?.matches(connection: connection, serverCounts: serverCounts) ?? true
    }
}
