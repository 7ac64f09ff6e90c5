/// `agent-check` and its settings on a server line: a TCP connection to an agent that answers a line of
/// words changing the server's state and weight.
public struct AgentCheckSettings: Sendable, Hashable {
    /// `agent-check` (cleared again by `no-agent-check`).
    public var enabled = false
    /// `agent-port`: required when enabled.
    public var port: Int?
    /// `agent-inter` in milliseconds (nil: 2000).
    public var interval: Int?
    /// `agent-send`: the string sent once connected, if any.
    public var send: String?
    /// `agent-addr`: where the agent listens (nil: the server's address).
    public var address: String?

    public init() {}
}
