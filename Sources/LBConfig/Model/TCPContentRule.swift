/// `tcp-request content accept|reject [if|unless COND]`: decided once the connection's first bytes have
/// been inspected (`tcp-request inspect-delay`), before a backend is chosen.
public struct TCPContentRule: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        case accept
        case reject
    }

    public var action: Action
    public var condition: Condition?
    public var location: SourceLocation

    public init(action: Action, condition: Condition?, location: SourceLocation) {
        self.action = action
        self.condition = condition
        self.location = location
    }
}
